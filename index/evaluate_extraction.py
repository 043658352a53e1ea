"""Structure and extraction scores of a parsed plan against clause golds (the format of
shared/eval/dev_extraction.jsonl and real/extraction.jsonl).

Clauses come in as plain dicts (`section`, `kind`, `text`, `lead`, `partners`,
`deadline` and `target` = {"text", "due"} or None), the shape of `planbot clauses --json`, so the
test suite and bench/quality.py score with this one function whatever produced them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from corpus.long_clauses import CLAUSE_LIMIT  # noqa: F401  (over it: a run-together parse)


def eval_dir(repo: Path) -> Path | None:
    """shared/eval beside the checkout (main) or beside its worktrees' folder (wt/NAME)."""
    for candidate in (repo.parent / "shared" / "eval", repo.parents[1] / "shared" / "eval"):
        if candidate.is_dir():
            return candidate
    return None


def _ws(text: str) -> str:
    return " ".join(text.split())


def _names(names, canonical: Callable[[str], str | None]) -> set[str]:
    return {(canonical(name) or name).lower() for name in names}


def _section_ok(clause: dict, wanted: str) -> bool:
    """The gold section; a table row's own row number below it is not a different place."""
    section = clause.get("section") or ""
    if section == wanted:
        return True
    return clause.get("kind") == "table_row" and section.startswith(f"{wanted}.")


def _deadline_ok(clause: dict, wanted: dict | None) -> bool:
    # A gold "duration" is a processing time to reach: the clause's target, not its deadline.
    got = clause.get("target") if wanted and wanted.get("type") == "duration" else clause.get("deadline")
    if wanted is None:
        return got is None
    if got is None or _ws(got["text"]).lower() != _ws(wanted["text"]).lower():
        return False
    return "date" not in wanted or got.get("due") == wanted["date"]


def evaluate_extraction(
    gold: list[dict], clauses: list[dict], canonical: Callable[[str], str | None] = lambda name: None
) -> dict:
    """Shares of gold clauses found (a clause starting with the gold text), and of those with
    the right section, lead, partners (sets, case-insensitive, gold names through
    `canonical`) and deadline (text as written, due date when the gold gives one); the
    longest clause and the gold ids missed."""
    scores = dict.fromkeys(("found", "section", "lead", "partners", "deadline"), 0)
    missed = []
    for entry in gold:
        prefix = _ws(entry["clause"])
        clause = next((c for c in clauses if _ws(c["text"]).startswith(prefix)), None)
        if clause is None:
            missed.append(entry.get("id", prefix[:40]))
            continue
        scores["found"] += 1
        scores["section"] += _section_ok(clause, entry["section"])
        scores["lead"] += {a.lower() for a in clause["lead"]} == _names(entry["lead"], canonical)
        scores["partners"] += {a.lower() for a in clause["partners"]} == _names(entry["partners"], canonical)
        scores["deadline"] += _deadline_ok(clause, entry["deadline"])
    n = max(len(gold), 1)
    result = {name: value / n for name, value in scores.items()}
    result["clauses"] = len(gold)
    result["longest clause"] = max((len(c["text"]) for c in clauses), default=0)
    result["missed"] = missed
    return result


def clause_dicts(plan) -> list[dict]:
    """A parsed plan's clauses in the scored shape (duck-typed: any object with `clauses`)."""
    return [
        {
            "section": c.section,
            "kind": c.kind,
            "text": c.text,
            "lead": list(c.lead),
            "partners": list(c.partners),
            "deadline": {"text": c.deadline.text, "due": c.deadline.due} if c.deadline else None,
            "target": {"text": c.target.text, "due": None} if getattr(c, "target", None) else None,
        }
        for c in plan.clauses
    ]
