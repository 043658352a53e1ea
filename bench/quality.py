"""Answer quality on the dev questions: hybrid vs FTS5-only vs dense-only, through `planbot ask`;
extraction per plan against the clause golds; and every question set of shared/eval (plus
tests/data/questions.jsonl) by intent and language group.

    .venv/bin/python bench/quality.py [--write] [--extraction] [--skip-signals]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.report import write_section  # noqa: E402
from index.evaluate import decline_rates, evaluate, evaluate_user, intent_accuracy  # noqa: E402

EVAL = REPO.parent / "shared" / "eval"
QUESTIONS = EVAL / "dev_questions.jsonl"
PLAN_1187 = EVAL / "plans" / "hoaphong_1187_chuyendoiso.docx"
# The real plans and the gold key their questions use (real/README.md), read to the number the
# parser gives (a draft without number is keyed by its title).
REAL_KEYS = {
    "hcm_3210_nhaonguoicocong.txt": "3210/QĐ-UBND",
    "laocai_duthao_khoangsan.docx": "KH-UBND-LaoCai-duthao",
    "botnmt_09_tinchicacbon.txt": "09/KH-BTNMT",
}
REAL_PLANS = [EVAL / "real" / "plans" / name for name in REAL_KEYS]
# (question set, index it is asked on); "all plans" asks every set with every plan loaded at once.
SETS = {
    "dev_questions": (QUESTIONS, "bundled"),
    "dev_user_questions": (EVAL / "dev_user_questions.jsonl", "bundled + 1187"),
    "tests/data/questions": (REPO / "tests" / "data" / "questions.jsonl", "bundled + 1187"),
    "real/questions": (EVAL / "real" / "questions.jsonl", "real plans"),
}
INDEXES = {
    "bundled": [],
    "bundled + 1187": [PLAN_1187],
    "real plans": REAL_PLANS,
    "all plans": [PLAN_1187, *REAL_PLANS],
}


def run_signals(library, questions: list[dict], signals: str) -> list[dict]:
    return [library.ask(q["q"], k=10, signals=signals).as_json() for q in questions]


def cli_answers(questions: list[dict], data_dir: Path) -> list[dict]:
    """The hybrid answers exactly as a user gets them: `planbot ask --json --file`."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as fh:
        fh.write("\n".join(q["q"] for q in questions) + "\n")
    env = {**os.environ, "PLANBOT_DATA_DIR": str(data_dir)}
    out = subprocess.run(
        [sys.executable, "-m", "planbot.cli", "ask", "--json", "-k", "10", "--file", fh.name],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=True,
    ).stdout
    return [json.loads(line) for line in out.splitlines()]


def table(rows: dict[str, dict]) -> str:
    names = list(rows)
    metrics = [
        "R@1",
        "R@3",
        "R@10",
        "MRR@10",
        "declined out-of-scope",
        "wrongly declined",
        "agency accuracy",
        "deadline accuracy",
    ]
    lines = ["| metric | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    fmt = lambda v: "—" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))  # noqa: E731
    for m in metrics:
        lines.append(f"| {m} | " + " | ".join(fmt(rows[n][m]) for n in names) + " |")
    kinds = sorted(rows[names[0]]["R@3 by kind"])
    for kind in kinds:
        lines.append(
            f"| R@3 {kind} | " + " | ".join(fmt(rows[n]["R@3 by kind"].get(kind)) for n in names) + " |"
        )
    lines.append("| misses@3 | " + " | ".join(", ".join(rows[n]["misses@3"]) or "—" for n in names) + " |")
    return "\n".join(lines)


# ---- extraction: structure, agencies and deadlines against the clause golds -------------


def extraction_sets() -> list[tuple[str, Path, list[dict]]]:
    """(name, file, golds) for each plan with clause golds in shared/eval: the bundled plan
    (dev_extraction.jsonl) and every real plan file (real/extraction.jsonl, by "plan" key)."""
    from index.evaluate_extraction import eval_dir

    root = eval_dir(REPO)
    if root is None:
        return []
    read = lambda path: [
        json.loads(line)
        for line in path.read_text(encoding="utf-8").splitlines()  # noqa: E731
        if line.strip()
    ]
    sets = [
        (
            "629/KH-UBND (bundled)",
            REPO / "corpus" / "plans" / "629-KH-UBND-2019-binh-duong.txt",
            read(root / "dev_extraction.jsonl"),
        )
    ]
    real = read(root / "real" / "extraction.jsonl")
    files = {
        "3210/QĐ-UBND": ["hcm_3210_nhaonguoicocong.txt"],
        "KH-UBND-LaoCai-duthao": ["laocai_duthao_khoangsan.docx", "laocai_duthao_khoangsan.txt"],
        "09/KH-BTNMT": ["botnmt_09_tinchicacbon.txt", "botnmt_09_tinchicacbon.docx"],
    }
    for key, names in files.items():
        golds = [entry for entry in real if entry["plan"] == key]
        sets += [(name, root / "real" / "plans" / name, golds) for name in names if golds]
    return sets


def extraction_table() -> str:
    """Per plan: gold clauses found, section, lead, partners, deadline, longest clause."""
    from corpus.build_plan import build_plan
    from corpus.load import load
    from index.evaluate_extraction import clause_dicts, evaluate_extraction
    from nlp.agencies import canonical_agency

    metrics = ["found", "section", "lead", "partners", "deadline"]
    lines = [
        "| plan | golds | " + " | ".join(metrics) + " | longest clause |",
        "|---|---|" + "---|" * len(metrics) + "---|",
    ]
    for name, path, golds in extraction_sets():
        scores = evaluate_extraction(golds, clause_dicts(build_plan(load(path))), canonical_agency)
        lines.append(
            f"| {name} | {scores['clauses']} | "
            + " | ".join(f"{scores[m]:.0%}" for m in metrics)
            + f" | {scores['longest clause']} |"
        )
    return (
        "Command: `.venv/bin/python bench/quality.py --extraction --write` — clause golds of "
        "`shared/eval/dev_extraction.jsonl` and `shared/eval/real/extraction.jsonl`, scored by "
        "`index/evaluate_extraction.py` (the test suite's scorer).\n\n" + "\n".join(lines)
    )


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def open_index(name: str, settings):
    """A library on a fresh data dir holding the plans of index `name`."""
    from planbot.library import Planbot

    library = Planbot.open(settings.with_(data_dir=Path(tempfile.mkdtemp(prefix="planbot-quality-"))))
    if name != "real plans":
        library.ensure_bundled()
    keys = {}
    for path in INDEXES[name]:
        report = library.ingest(path)
        if path.name in REAL_KEYS:
            keys[REAL_KEYS[path.name]] = report.number
    return library, keys


def ask_all(library, questions: list[dict]) -> list[dict]:
    """Answers as `ask --json` gives them; a follow-up is asked after its `previous` question."""
    out = []
    for q in questions:
        previous = library.ask(q["previous"]).context if q.get("previous") else None
        out.append(library.ask(q["q"], k=10, previous=previous).as_json())
    return out


def intent_rows(settings) -> tuple[str, str]:
    """Per question set and index: R@1/R@3/MRR, intent accuracy, pass rate; declines per group."""
    fmt = lambda v: "—" if v is None else f"{v:.3f}"  # noqa: E731
    metrics = [
        "| question set | index | n | R@1 | R@3 | MRR@10 | intent accuracy | people's-question pass | misses@3 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    declines = [
        "| question set | index | group | out-of-scope declined | answerable wrongly declined |",
        "|---|---|---|---|---|",
    ]
    for index_name in INDEXES:
        library, keys = open_index(index_name, settings)
        for set_name, (path, home) in SETS.items():
            if index_name not in (home, "all plans"):
                continue
            questions = [
                {**q, "plan": keys.get(q["plan"], q["plan"])} if q.get("plan") else q for q in read(path)
            ]
            answers = ask_all(library, questions)
            r = evaluate(questions, answers)
            people = (
                evaluate_user(questions, answers)["passed"]
                if "kind" in questions[0]
                and any(q["kind"] in ("list", "absent", "oos", "scoped") for q in questions)
                else None
            )
            metrics.append(
                f"| {set_name} | {index_name} | {len(questions)} | {fmt(r['R@1'])} | {fmt(r['R@3'])} | "
                f"{fmt(r['MRR@10'])} | {fmt(intent_accuracy(questions, answers))} | {fmt(people)} | "
                f"{', '.join(r['misses@3']) or '—'} |"
            )
            for group, g in decline_rates(questions, answers).items():
                oos = f"{g['declined']}/{g['oos']}" if g["oos"] else "—"
                wrong = f"{g['false_declined']}/{g['answerable']}" if g["answerable"] else "—"
                declines.append(f"| {set_name} | {index_name} | {group} | {oos} | {wrong} |")
        library.close()
    return "\n".join(metrics), "\n".join(declines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="record in docs/benchmarks.md")
    parser.add_argument("--extraction", action="store_true", help="only the extraction scores (no model)")
    parser.add_argument(
        "--skip-signals", action="store_true", help="only extraction and the per-intent section"
    )
    args = parser.parse_args()
    extraction = extraction_table()
    print(extraction + "\n")
    if args.write:
        write_section("Extraction (clause golds, per plan)", extraction)
    if args.extraction:
        return
    from planbot.settings import Settings

    settings = Settings.from_env()
    metrics, declines = intent_rows(settings)
    body = (
        "Command: `.venv/bin/python bench/quality.py --write` — every question set of `shared/eval` "
        "and `tests/data/questions.jsonl`, each on its own index and on all plans at once, through "
        f"`Planbot.ask` (what `planbot ask --json` prints), model `{settings.embed_model}`. R@k counts a "
        "right clause (of the question's plan) among the first k results; for a task list (`expect_all`) "
        "any of its clauses. Intent accuracy: the answer's `intent` is one a right answer may have "
        "(index/evaluate.py). People's-question pass: the rules of shared/eval/README.md.\n\n"
        + metrics
        + "\n\nDeclines per language group (no-diacritics = typed without marks):\n\n"
        + declines
    )
    print(body)
    if args.write:
        write_section("Quality by intent and language (issue 9)", body)
    if args.skip_signals:
        return
    from planbot.library import Planbot
    from planbot.settings import Settings

    questions = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line]
    data_dir = Path(tempfile.mkdtemp(prefix="planbot-quality-"))
    settings = Settings.from_env().with_(data_dir=data_dir)
    library = Planbot.open(settings)
    library.ensure_bundled()
    rows = {
        "hybrid (CLI)": evaluate(questions, cli_answers(questions, data_dir)),
        "FTS5 only": evaluate(questions, run_signals(library, questions, "lexical")),
        "dense only": evaluate(questions, run_signals(library, questions, "dense")),
    }
    library.close()
    body = (
        f"Command: `.venv/bin/python bench/quality.py --write` — {len(questions)} questions of "
        f"`shared/eval/dev_questions.jsonl`, bundled plan, model `{settings.embed_model}`.\n\n" + table(rows)
    )
    print(body)
    if args.write:
        write_section("Quality (dev questions)", body)


if __name__ == "__main__":
    main()
