"""How the fusion weights were chosen: dev-set metrics over a small grid, questions encoded once.

    .venv/bin/python bench/fusion.py [--write]

Each row changes one weight of `index.search.Weights` from its default; the
default row must sit on a plateau, not a spike, or it is fitted to 44 questions.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.report import write_section  # noqa: E402
from index.evaluate import evaluate  # noqa: E402
from index.search import Weights, dense_candidates, question_stats, rank  # noqa: E402

QUESTIONS = REPO.parent / "shared" / "eval" / "dev_questions.jsonl"
GRID = {
    "lexical": [0.2, 0.45, 0.7],
    "dense": [0.15, 0.35, 0.6],
    "coverage": [0.0, 0.2, 0.4],
    "agency_lead": [0.0, 0.25, 0.5],
    "deadline": [0.0, 0.12, 0.3],
    "min_coverage": [0.2, 0.28, 0.36],
    "min_dense": [0.84, 0.86, 0.88],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    from planbot.library import Planbot
    from planbot.settings import Settings

    questions = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line]
    settings = Settings.from_env().with_(data_dir=Path(tempfile.mkdtemp(prefix="planbot-fusion-")))
    library = Planbot.open(settings)
    library.ensure_bundled()
    library.ask("khởi động")  # vectors current for this model
    prepared = []
    with library.store.read() as db:
        index = library.searcher.vector_index()
        for q in questions:
            normalized, stats = question_stats(db, q["q"])
            prepared.append((normalized, stats, dense_candidates(index, library.embedder, normalized, 100)))

    def metrics(weights: Weights) -> dict:
        with library.store.read() as db:
            answers = [rank(db, n, d, s, weights, 10).as_json() for n, s, d in prepared]
        return evaluate(questions, answers)

    lines = [
        "| weight | value | R@1 | R@3 | MRR@10 | negatives declined | wrongly declined |",
        "|---|---|---|---|---|---|---|",
    ]
    default = Weights()
    for name, values in GRID.items():
        for value in values:
            m = metrics(dataclasses.replace(default, **{name: value}))
            mark = " (default)" if value == getattr(default, name) else ""
            lines.append(
                f"| {name} | {value}{mark} | {m['R@1']:.3f} | {m['R@3']:.3f} | "
                f"{m['MRR@10']:.3f} | {m['declined out-of-scope']:.2f} | {m['wrongly declined']} |"
            )
    library.close()
    body = (
        "Command: `.venv/bin/python bench/fusion.py --write`. Score = lexical × BM25/max "
        "+ dense × min-max(cosine) + coverage × IDF-share of the question's words found "
        "+ agency_lead (question names the clause's lead; agency_partner for a partner) "
        "+ deadline (question asks when and the clause has one). Answer when the best clause's "
        "coverage ≥ min_coverage or its cosine ≥ min_dense. One weight varied at a time:\n\n"
        + "\n".join(lines)
    )
    print(body)
    if args.write:
        write_section("Fusion weights (dev questions)", body)


if __name__ == "__main__":
    main()
