"""Answer quality on the dev questions: hybrid vs FTS5-only vs dense-only, through `planbot ask`;
and extraction per plan against the clause golds.

    .venv/bin/python bench/quality.py [--write] [--extraction]
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
from index.evaluate import evaluate  # noqa: E402

QUESTIONS = REPO.parent / "shared" / "eval" / "dev_questions.jsonl"


def run_signals(library, questions: list[dict], signals: str) -> list[dict]:
    return [library.ask(q["q"], k=10, signals=signals).as_json() for q in questions]


def cli_answers(questions: list[dict], data_dir: Path) -> list[dict]:
    """The hybrid answers exactly as a user gets them: `planbot ask --json --file`."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as fh:
        fh.write("\n".join(q["q"] for q in questions) + "\n")
    env = {**os.environ, "PLANBOT_DATA_DIR": str(data_dir)}
    out = subprocess.run([sys.executable, "-m", "planbot.cli", "ask", "--json", "-k", "10",
                          "--file", fh.name], capture_output=True, text=True, env=env,
                         cwd=REPO, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def table(rows: dict[str, dict]) -> str:
    names = list(rows)
    metrics = ["R@1", "R@3", "R@10", "MRR@10", "declined out-of-scope", "wrongly declined",
               "agency accuracy", "deadline accuracy"]
    lines = ["| metric | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    fmt = lambda v: "—" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))  # noqa: E731
    for m in metrics:
        lines.append(f"| {m} | " + " | ".join(fmt(rows[n][m]) for n in names) + " |")
    kinds = sorted(rows[names[0]]["R@3 by kind"])
    for kind in kinds:
        lines.append(f"| R@3 {kind} | " + " | ".join(fmt(rows[n]["R@3 by kind"].get(kind)) for n in names) + " |")
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
    read = lambda path: [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()  # noqa: E731
                         if line.strip()]
    sets = [("629/KH-UBND (bundled)", REPO / "corpus" / "plans" / "629-KH-UBND-2019-binh-duong.txt",
             read(root / "dev_extraction.jsonl"))]
    real = read(root / "real" / "extraction.jsonl")
    files = {"3210/QĐ-UBND": ["hcm_3210_nhaonguoicocong.txt"],
             "KH-UBND-LaoCai-duthao": ["laocai_duthao_khoangsan.docx", "laocai_duthao_khoangsan.txt"],
             "09/KH-BTNMT": ["botnmt_09_tinchicacbon.txt", "botnmt_09_tinchicacbon.docx"]}
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
    lines = ["| plan | golds | " + " | ".join(metrics) + " | longest clause |",
             "|---|---|" + "---|" * len(metrics) + "---|"]
    for name, path, golds in extraction_sets():
        scores = evaluate_extraction(golds, clause_dicts(build_plan(load(path))), canonical_agency)
        lines.append(f"| {name} | {scores['clauses']} | " + " | ".join(f"{scores[m]:.0%}" for m in metrics)
                     + f" | {scores['longest clause']} |")
    return ("Command: `.venv/bin/python bench/quality.py --extraction --write` — clause golds of "
            "`shared/eval/dev_extraction.jsonl` and `shared/eval/real/extraction.jsonl`, scored by "
            "`index/evaluate_extraction.py` (the test suite's scorer).\n\n" + "\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="record in docs/benchmarks.md")
    parser.add_argument("--extraction", action="store_true", help="only the extraction scores (no model)")
    args = parser.parse_args()
    extraction = extraction_table()
    print(extraction + "\n")
    if args.write:
        write_section("Extraction (clause golds, per plan)", extraction)
    if args.extraction:
        return
    from planbot.library import Planbot
    from planbot.settings import Settings
    questions = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line]
    data_dir = Path(tempfile.mkdtemp(prefix="planbot-quality-"))
    settings = Settings.from_env().with_(data_dir=data_dir)
    library = Planbot.open(settings)
    library.ensure_bundled()
    rows = {"hybrid (CLI)": evaluate(questions, cli_answers(questions, data_dir)),
            "FTS5 only": evaluate(questions, run_signals(library, questions, "lexical")),
            "dense only": evaluate(questions, run_signals(library, questions, "dense"))}
    library.close()
    body = (f"Command: `.venv/bin/python bench/quality.py --write` — {len(questions)} questions of "
            f"`shared/eval/dev_questions.jsonl`, bundled plan, model `{settings.embed_model}`.\n\n"
            + table(rows))
    print(body)
    if args.write:
        write_section("Quality (dev questions)", body)


if __name__ == "__main__":
    main()
