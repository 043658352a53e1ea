"""Answer-quality metrics on a question set (the format of shared/eval/dev_questions.jsonl)."""
from __future__ import annotations

from collections import defaultdict


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


def _correct(result: dict, expect: list[str]) -> bool:
    text = _norm(result["text"])
    return any(_norm(e) in text for e in expect)


def evaluate(questions: list[dict], answers: list[dict]) -> dict:
    """Metrics from questions and the `ask --json` objects answering them, in order.

    R@k and MRR@10 over answerable questions; the share of out-of-scope
    questions declined and of answerable ones wrongly declined; agency and
    deadline accuracy (its deadline or target) on the first correct clause.
    """
    answerable = [(q, a) for q, a in zip(questions, answers) if q["expect"]]
    negatives = [(q, a) for q, a in zip(questions, answers) if not q["expect"]]
    ranks, per_kind = {}, defaultdict(list)
    agency_ok, agency_n, deadline_ok, deadline_n = 0, 0, 0, 0
    for q, a in answerable:
        rank = next((i + 1 for i, r in enumerate(a["results"][:10]) if _correct(r, q["expect"])), None)
        ranks[q["id"]] = rank
        per_kind[q["kind"]].append(rank is not None and rank <= 3)
        first = a["results"][rank - 1] if rank else None
        if q.get("agency"):
            agency_n += 1
            leads = {_norm(x) for x in (first or {}).get("lead", [])}
            agency_ok += _norm(q["agency"]) in leads
        if q.get("deadline"):
            deadline_n += 1
            # The time the answer names: its deadline, or its target ("dưới 63 ngày làm việc").
            times = [((first or {}).get(key) or {}).get("text") or "" for key in ("deadline", "target")]
            deadline_ok += any(_norm(q["deadline"]) in _norm(text) for text in times if text)
    n = max(len(answerable), 1)

    def recall(k: int) -> float:
        return sum(1 for r in ranks.values() if r and r <= k) / n

    return {
        "questions": len(questions),
        "R@1": recall(1), "R@3": recall(3), "R@10": recall(10),
        "MRR@10": sum(1 / r for r in ranks.values() if r) / n,
        "R@3 by kind": {k: sum(v) / len(v) for k, v in sorted(per_kind.items())},
        "declined out-of-scope": (sum(not a["answered"] for _, a in negatives) / len(negatives)
                                  if negatives else None),
        "wrongly declined": sum(not a["answered"] for _, a in answerable),
        "agency accuracy": agency_ok / agency_n if agency_n else None,
        "deadline accuracy": deadline_ok / deadline_n if deadline_n else None,
        "misses@3": sorted(qid for qid, r in ranks.items() if not r or r > 3),
    }
