"""Answer quality on the dev questions through the CLI, and `make run` answering on stdin."""

from __future__ import annotations

import json
import os
import subprocess

from index.evaluate import evaluate
from tests.conftest import MODEL_CACHE, REPO, copy_data_dir, read_jsonl


def _env(data_dir) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env.update(PLANBOT_DATA_DIR=str(data_dir), PLANBOT_MODEL_CACHE=str(MODEL_CACHE))
    return env


def test_dev_questions_through_the_cli(library, eval_dir, tmp_path, monkeypatch, capsys):
    # cli.main in this process (its own library and encoder, the real model): the command as
    # a separate process is `make run`'s test below and the other CLI runs (bad documents,
    # reindex, serve); a second interpreter importing torch here was ~8 s of CPU.
    from planbot import cli

    questions = read_jsonl(eval_dir / "dev_questions.jsonl")
    path = tmp_path / "questions.txt"
    path.write_text("\n".join(q["q"] for q in questions) + "\n", encoding="utf-8")
    monkeypatch.setenv("PLANBOT_DATA_DIR", str(library.settings.data_dir))
    monkeypatch.setenv("PLANBOT_MODEL_CACHE", str(MODEL_CACHE))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    code = cli.main(["ask", "--json", "-k", "10", "--file", str(path)])
    out = capsys.readouterr()
    assert code == 0, out.err
    answers = [json.loads(line) for line in out.out.splitlines()]
    assert [a["question"] for a in answers] == [q["q"] for q in questions]
    metrics = evaluate(questions, answers)
    assert metrics["R@3"] >= 0.95, metrics
    assert metrics["MRR@10"] >= 0.85, metrics
    assert metrics["R@3 by kind"]["nodiacritics"] == 1.0, metrics
    assert metrics["R@3 by kind"]["english"] == 1.0, metrics
    assert metrics["declined out-of-scope"] == 1.0, metrics
    assert metrics["wrongly declined"] <= 1, metrics
    assert metrics["agency accuracy"] >= 0.95, metrics
    for answer in answers:
        for result in answer["results"]:
            assert set(result) >= {
                "plan",
                "section",
                "text",
                "quote",
                "lead",
                "partners",
                "deadline",
                "score",
            }
            quote = " ".join(result["quote"].split())
            assert quote and quote[:40] in " ".join(result["text"].split())


def test_answer_card_names_agency_deadline_quote_and_citation(library):
    answer = library.ask("Sở Xây dựng phải làm gì, hạn khi nào?")
    best = answer.hits[0]
    assert answer.answered and best.clause.lead == ["Sở Xây dựng"]
    assert best.clause.target.text == "dưới 63 ngày làm việc"  # a processing time: the target
    assert "63 ngày làm việc" in best.quote
    assert (best.clause.plan, best.clause.section, best.clause.plan_date) == (
        "629/KH-UBND",
        "II.2.a",
        "2019-02-14",
    )


def test_footnotes_are_findable(library):
    for question, footnote in [("cảng cạn là gì", "ICD"), ("địa điểm thu gom hàng lẻ", "CFS")]:
        best = library.ask(question).hits[0].clause
        assert best.lead == ["Cục Hải quan tỉnh"]
        assert any(footnote in f for f in best.footnotes)


def test_out_of_scope_questions_are_declined_with_suggestions(library):
    for question in [
        "Cách nấu phở bò?",
        "How do I cook beef noodle soup?",
        "Where do I apply for a passport?",
    ]:
        answer = library.ask(question)
        assert not answer.answered, question
        assert answer.hits, "a decline still lists the nearest clauses"


def test_make_run_answers_on_stdin_without_a_token(library, tmp_path):
    # On a copy of the session's data dir: the first-use ingest (Planbot.ensure_bundled, all
    # `planbot run` adds to it) already ran on the real model for the `library` fixture.
    data_dir = tmp_path / "data"
    copy_data_dir(library.settings.data_dir, data_dir)
    done = subprocess.run(
        ["make", "-s", "run"],
        input="Sở Xây dựng có nhiệm vụ gì?\n",
        capture_output=True,
        text=True,
        env=_env(data_dir),
        cwd=REPO,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    assert "Sở Xây dựng" in done.stdout
    assert "dưới 63 ngày làm việc" in done.stdout
    assert "629/KH-UBND" in done.stdout
