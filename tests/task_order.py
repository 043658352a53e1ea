"""The task-list order as the library had it in Python, over outlines of every clause: the
oracle the store's order (index.queries.agency_task_ids) is pinned against."""

from __future__ import annotations

from collections.abc import Sequence

from index.answer import agency_key
from index.records import NOT_TASKS, ClauseRecord
from nlp.fold import fold
from nlp.groups import member_groups


def task_names(agencies: list[tuple[str, int]], agency: str) -> list[str]:
    """The indexed names whose clauses may be `agency`'s tasks: its own and its groups'."""
    own = agency_key(agency)
    groups = {fold(g) for g in member_groups(agency)}
    return [a for a, _ in agencies if agency_key(a) == own or fold(a) in groups]


def task_list(
    clauses: Sequence[ClauseRecord], agency: str, dated_first: bool = False
) -> list[tuple[ClauseRecord, str, str | None]]:
    """Every clause `agency` leads, then those given to a group it belongs to, then those it
    partners in; plan by plan in document order (when asked by when, the dated ones first).
    Each with its role and the group it was given to."""
    own = agency_key(agency)
    groups = {fold(g): g for g in member_groups(agency)}
    tasks = []
    for clause in clauses:
        if clause.kind in NOT_TASKS:
            continue
        if own in {agency_key(a) for a in clause.lead}:
            tasks.append((clause, "lead", None))
        elif given := next((a for a in clause.lead if fold(a) in groups), None):
            tasks.append((clause, "group", given))
        elif own in {agency_key(a) for a in clause.partners}:
            tasks.append((clause, "partner", None))
        elif given := next((a for a in clause.partners if fold(a) in groups), None):
            tasks.append((clause, "partner", given))
    plan_order = {c.plan: i for i, c in reversed(list(enumerate(clauses)))}
    roles = {"lead": 0, "group": 1, "partner": 2}

    def key(task):
        clause, role, _ = task
        if not dated_first:
            return plan_order[clause.plan], roles[role]
        deadline = clause.deadline
        return (
            deadline is None and clause.target is None,
            plan_order[clause.plan],
            roles[role],
            (deadline.due or "9999") if deadline else "",
        )

    return sorted(tasks, key=key)  # stable: document order within each group
