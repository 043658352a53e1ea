"""The indexed corpus as it is read: plans, clauses, agencies and their tasks, deadlines, definitions.

What answers, the bot's browse buttons and the CLI's listings read. `Planbot` is a `Catalog`
over its store; nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from index import queries
from index.records import ClauseList, ClauseRecord, PlanInfo, clause_records
from index.store import Store
from index.vectors import VectorVersions
from nlp.agencies import canonical_agency, find_agencies
from nlp.definitions import Definition
from nlp.fold import fold

if TYPE_CHECKING:
    from planbot.agenda import Task


class Catalog:
    """Reads of the corpus; the class that mixes it in provides `store` and `vectors`."""

    store: Store
    vectors: VectorVersions
    _plans: tuple[int | None, list[PlanInfo]] | None = None

    def plans(self) -> list[PlanInfo]:
        """Every plan, newest first. Every question reads them (to see which plan it names):
        read again only when the corpus changed, which always moves the vector version."""
        version = self.vectors.current()
        cached = self._plans
        if cached is None or cached[0] != version or version is None:
            cached = self._plans = (version, queries.plans(self.store.db))
        return list(cached[1])

    def clauses(self, plan: str | None = None) -> list[ClauseRecord]:
        if plan is None:
            return clause_records(self.store.db)
        return clause_records(self.store.db, "p.number = ?", [plan])

    def clause(self, clause_id: int) -> ClauseRecord | None:
        found = clause_records(self.store.db, "c.id = ?", [clause_id])
        return found[0] if found else None

    def agencies(self) -> list[tuple[str, int]]:
        return queries.agencies(self.store.db)

    def agency_task_ids(
        self, own: list[str], groups: list[str], plan: str | None = None, dated_first: bool = False
    ) -> list[tuple[int, str]]:
        """An agency's tasks in their list's order, as clause ids with roles (see
        queries.agency_task_ids); `clauses_by_id` reads the page shown."""
        return queries.agency_task_ids(self.store.db, own, groups, plan, dated_first)

    def clauses_by_id(self, ids: list[int]) -> dict[int, ClauseRecord]:
        found: dict[int, ClauseRecord] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update((r.id, r) for r in clause_records(self.store.db, f"c.id in ({marks})", chunk))
        return found

    def definitions_of(self, key: str, plan: str | None = None) -> list[tuple[ClauseRecord, Definition]]:
        """The plans' definitions of the term with this key, each with its clause, a footnote first."""
        found = []
        for row in queries.defined(self.store.db, key, plan):
            clause = self.clause(row["clause_id"])
            if clause is not None:
                found.append(
                    (clause, Definition(row["term"], row["meaning"], row["source_text"], row["kind"]))
                )
        return found

    def resolve_agency(self, name: str) -> str | None:
        """The indexed agency a user means, in any accent, case or abbreviation."""
        indexed = {fold(a): a for a, _ in self.agencies()}
        for candidate in [canonical_agency(name), *find_agencies(name), name]:
            if candidate and fold(candidate) in indexed:
                return indexed[fold(candidate)]
        return None

    def agency_tasks(self, name: str) -> tuple[str | None, Sequence[ClauseRecord], Sequence[ClauseRecord]]:
        """The agency a user means, with the clauses it leads and those it partners in, in
        document order; each clause is read from the store when its page is shown."""
        agency = self.resolve_agency(name)
        if agency is None:
            return None, [], []
        db = self.store.db
        return (
            agency,
            ClauseList(queries.agency_role_ids(db, agency, "lead"), self.clauses_by_id),
            ClauseList(queries.agency_role_ids(db, agency, "partner"), self.clauses_by_id),
        )

    def deadlines(
        self, days: int = 30, agency: str | None = None, today: dt.date | None = None
    ) -> tuple[list[ClauseRecord], list[ClauseRecord]]:
        """Clauses overdue and due within `days`, by due date; optionally one agency's."""
        today = today or dt.date.today()
        horizon = (today + dt.timedelta(days=days)).isoformat()
        where, params = "d.due is not null and d.due <= ?", [horizon]
        if agency:
            resolved = self.resolve_agency(agency)
            if resolved is None:
                return [], []
            where += " and c.id in (select clause_id from agencies where agency = ?)"
            params.append(resolved)
        records = clause_records(self.store.db, where, params, order="d.due, c.id")
        overdue = [r for r in records if r.deadline.due < today.isoformat()]
        upcoming = [r for r in records if r.deadline.due >= today.isoformat()]
        return overdue, upcoming

    def schedule(self, agency: str | None = None) -> list["Task"]:
        """Tasks with a due date or a recurring schedule, optionally one agency's (lead or partner)."""
        from planbot.agenda import RECURRING_TYPES, tasks

        marks = ",".join("?" * len(RECURRING_TYPES))
        where, params = f"(d.due is not null or d.type in ({marks}))", list(RECURRING_TYPES)
        if agency:
            names = self.agency_and_groups(agency)
            if not names:
                return []
            where += f" and c.id in (select clause_id from agencies where agency in ({','.join('?' * len(names))}))"
            params += names
        return tasks(clause_records(self.store.db, where, params), self.plans())

    def agency_and_groups(self, name: str) -> list[str]:
        """The indexed names whose tasks are this agency's: its own, and its groups' ("Các Sở, ban, ngành")."""
        from nlp.groups import member_groups

        indexed = {fold(a): a for a, _ in self.agencies()}
        own = self.resolve_agency(name)
        groups = [
            indexed[fold(g)]
            for g in member_groups(own or canonical_agency(name) or name)
            if fold(g) in indexed
        ]
        return list(dict.fromkeys([own, *groups] if own else groups))
