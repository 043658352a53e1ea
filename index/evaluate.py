"""Answer-quality metrics on a question set (the format of shared/eval/dev_questions.jsonl)."""

from __future__ import annotations

from collections import defaultdict


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


def expected(q: dict) -> list[str]:
    """Substrings of a right clause: `expect`, else (a task list) any of `expect_all`."""
    return q.get("expect") or q.get("expect_all") or []


def answerable_question(q: dict) -> bool:
    return bool(expected(q)) or q.get("kind") not in ("oos", "absent", "negative", None)


def group_of(q: dict) -> str:
    """The question's language group: en, vi (with diacritics), vi-no-diacritics."""
    from bot.cards import looks_english
    from nlp.fold import fold

    if looks_english(q["q"]):
        return "en"
    return "vi-no-diacritics" if fold(q["q"]) == q["q"].lower() else "vi"


def decline_rates(questions: list[dict], answers: list[dict]) -> dict[str, dict]:
    """Per language group: out-of-scope questions declined, answerable ones wrongly declined."""
    groups: dict[str, dict] = defaultdict(
        lambda: {"oos": 0, "declined": 0, "answerable": 0, "false_declined": 0}
    )
    for q, a in zip(questions, answers):
        g = groups[group_of(q)]
        if answerable_question(q):
            g["answerable"] += 1
            g["false_declined"] += not a["answered"]
        else:
            g["oos"] += 1
            g["declined"] += not a["answered"]
    return dict(sorted(groups.items()))


def _correct(result: dict, expect: list[str], plan: str | None = None) -> bool:
    if plan and not same_plan(result["plan"], plan):
        return False
    text = _norm(result["text"])
    return any(_norm(e) in text for e in expect)


def same_plan(number: str, key: str) -> bool:
    """A result's plan number against a question's plan key ("1187" or "1187/KH-UBND")."""
    number, key = _norm(number), _norm(key)
    return number == key or number.startswith(key + "/") or key.startswith(number + "-")


def evaluate(questions: list[dict], answers: list[dict]) -> dict:
    """Metrics from questions and the `ask --json` objects answering them, in order.

    R@k and MRR@10 over answerable questions; the share of out-of-scope
    questions declined and of answerable ones wrongly declined; agency and
    deadline accuracy (its deadline or target) on the first correct clause.
    """
    answerable = [(q, a) for q, a in zip(questions, answers) if expected(q)]
    negatives = [(q, a) for q, a in zip(questions, answers) if not answerable_question(q)]
    ranks, per_kind = {}, defaultdict(list)
    agency_ok, agency_n, deadline_ok, deadline_n = 0, 0, 0, 0
    for q, a in answerable:
        rank = next(
            (i + 1 for i, r in enumerate(a["results"][:10]) if _correct(r, expected(q), q.get("plan"))), None
        )
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
        "R@1": recall(1),
        "R@3": recall(3),
        "R@10": recall(10),
        "MRR@10": sum(1 / r for r in ranks.values() if r) / n,
        "R@3 by kind": {k: sum(v) / len(v) for k, v in sorted(per_kind.items())},
        "declined out-of-scope": (
            sum(not a["answered"] for _, a in negatives) / len(negatives) if negatives else None
        ),
        "wrongly declined": sum(not a["answered"] for _, a in answerable),
        "agency accuracy": agency_ok / agency_n if agency_n else None,
        "deadline accuracy": deadline_ok / deadline_n if deadline_n else None,
        "misses@3": sorted(qid for qid, r in ranks.items() if not r or r > 3),
    }


# --- questions as people ask them (shared/eval/dev_user_questions.jsonl) ---------------------

# The intents a right answer of each kind may have.
KIND_INTENTS = {
    "list": {"agency_tasks"},
    "absent": {"absent_agency"},
    "scoped": {"agency_tasks", "clause"},
    "overview": {"overview", "clause"},
    "definition": {"definition"},
    "deadline": {"clause", "agency_tasks"},
    "business": {"clause"},
    "oos": {"out_of_scope"},
    "follow_up": {"agency_tasks", "clause", "overview"},
}


def _found(result: dict, expect: str) -> bool:
    texts = [result.get("text", ""), result.get("quote", ""), *result.get("footnotes", [])]
    return any(_norm(expect) in _norm(t) for t in texts)


def user_question_passes(q: dict, a: dict) -> bool:
    """Whether one answer is right by the rules of shared/eval/README.md for its kind."""
    results = a["results"]
    if q["kind"] in ("absent", "oos"):
        return not a["answered"]
    if not a["answered"]:
        return False
    if q["kind"] == "scoped":
        top = results[:3]
        if not top or not all(same_plan(r["plan"], q["plan"]) for r in top):
            return False
    ok = True
    if q.get("expect"):
        ok = any(_found(r, e) for r in results[:3] for e in q["expect"])
    if q.get("expect_all"):
        ok = ok and all(any(_found(r, e) for r in results) for e in q["expect_all"])
    return ok


def intent_of(q: dict) -> set[str]:
    """The intents a right answer may have: the question's own `intent`, else by its kind."""
    if q.get("intent"):
        return {q["intent"]}
    if "kind" in q and q["kind"] in KIND_INTENTS:
        return KIND_INTENTS[q["kind"]]
    if q.get("kind") == "negative":
        return {"out_of_scope"}
    if "expect" in q:  # a retrieval question: declined when out of scope, else any answer
        return {"out_of_scope"} if not q["expect"] else {"clause", "agency_tasks", "definition", "overview"}
    return set()


def evaluate_user(questions: list[dict], answers: list[dict]) -> dict:
    """Pass rate, per kind, and intent accuracy of the answers to people's questions."""
    passed, per_kind, intents = [], defaultdict(list), []
    for q, a in zip(questions, answers):
        ok = user_question_passes(q, a)
        passed.append((q["id"], ok))
        per_kind[q["kind"]].append(ok)
        intents.append(a.get("intent") in intent_of(q))
    n = max(len(passed), 1)
    return {
        "questions": len(passed),
        "passed": sum(ok for _, ok in passed) / n,
        "passed by kind": {k: sum(v) / len(v) for k, v in sorted(per_kind.items())},
        "intent accuracy": sum(intents) / n,
        "failed": [qid for qid, ok in passed if not ok],
    }


def intent_accuracy(questions: list[dict], answers: list[dict]) -> float:
    """Share of answers whose intent is one a right answer may have."""
    ok = [a.get("intent") in intent_of(q) for q, a in zip(questions, answers)]
    return sum(ok) / max(len(ok), 1)
