"""What the store hands back: plans and clauses as the bot and the CLI show them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from nlp.deadlines import Deadline

# Kinds of clause that are no task: the header, the preamble, the signature.
NOT_TASKS = ("header", "signature")
TASK_ROLES = ("lead", "group", "partner")  # a task list's order within a plan


@dataclass
class PlanInfo:
    id: int
    number: str
    date: str | None
    title: str
    clauses: int
    issuer: str = ""
    signer: str = ""
    source_name: str = ""
    citation: str | None = None  # "Kế hoạch ban hành kèm theo Quyết định 3210/QĐ-UBND"


@dataclass
class ClauseRecord:
    id: int
    plan: str
    plan_date: str | None
    section: str
    section_title: str
    text: str
    sentences: list[str] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    deadline: Deadline | None = None  # the clause's own: the first of `deadlines`
    page: int | None = None
    footnotes: list[str] = field(default_factory=list)
    kind: str = "paragraph"
    target: Deadline | None = None  # a processing time to reach ("dưới 63 ngày làm việc")
    deadlines: list[Deadline] = field(default_factory=list)  # every one it commits to
    plan_citation: str | None = None  # how its plan is cited, when stored (PlanInfo.citation)

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "plan": self.plan,
            "section": self.section,
            "text": self.text,
            "sentences": self.sentences,
            "lead": self.lead,
            "partners": self.partners,
            "deadline": self.deadline.as_json() if self.deadline else None,
            "target": self.target.as_json() if self.target else None,
            "deadlines": [d.as_json() for d in self.deadlines],
            "page": self.page,
            "footnotes": self.footnotes,
        }


CLAUSE_COLUMNS = """
    c.id, c.section, c.section_title, c.text, c.page, c.lead, c.partners, c.footnotes, c.kind, c.target,
    p.number as plan, p.date as plan_date, p.citation as plan_citation,
    d.text as deadline_text, d.type as deadline_type, d.due as deadline_due
"""
CLAUSE_FROM = """
    clauses c join plans p on p.id = c.plan_id left join deadlines d on d.clause_id = c.id and d.ord = 0
"""


def clause_records(db, where: str = "1", params=(), order: str = "p.id, c.ord") -> list[ClauseRecord]:
    """Clauses matching `where`, with their plan, deadline and sentences."""
    rows = list(
        db.query(f"select {CLAUSE_COLUMNS} from {CLAUSE_FROM} where {where} order by {order}", list(params))
    )
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    sentences: dict[int, list[str]] = {i: [] for i in ids}
    deadlines: dict[int, list[Deadline]] = {i: [] for i in ids}
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        marks = ",".join("?" * len(chunk))
        for s in db.query(
            f"select clause_id, text from sentences where clause_id in ({marks}) order by clause_id, ord",
            chunk,
        ):
            sentences[s["clause_id"]].append(s["text"])
        for d in db.query(
            f"select clause_id, text, type, due from deadlines where clause_id in ({marks}) "
            "order by clause_id, ord",
            chunk,
        ):
            deadlines[d["clause_id"]].append(Deadline(d["text"], d["type"], d["due"]))
    return [_record(row, sentences[row["id"]], deadlines[row["id"]]) for row in rows]


def _record(row: dict, sentences: list[str], deadlines: list[Deadline]) -> ClauseRecord:
    deadline = None
    if row["deadline_text"]:
        deadline = Deadline(row["deadline_text"], row["deadline_type"], row["deadline_due"])
    return ClauseRecord(
        id=row["id"],
        plan=row["plan"],
        plan_date=row["plan_date"],
        section=row["section"] or "",
        section_title=row["section_title"] or "",
        text=row["text"],
        sentences=sentences,
        lead=json.loads(row["lead"] or "[]"),
        partners=json.loads(row["partners"] or "[]"),
        deadline=deadline,
        page=row["page"],
        footnotes=json.loads(row["footnotes"] or "[]"),
        kind=row["kind"] or "paragraph",
        target=Deadline(**json.loads(row["target"])) if row["target"] else None,
        deadlines=deadlines,
        plan_citation=row["plan_citation"],
    )


class ClauseList(Sequence[ClauseRecord]):
    """Clauses in a fixed order, each read from the store when a page holding it is shown.

    A busy agency of a large corpus has tens of thousands of clauses: reading them all for
    a first page of six cost seconds. Clauses removed since the list was made are left out.
    """

    _CHUNK = 500

    def __init__(self, ids: Sequence[int], fetch: Callable[[list[int]], dict[int, ClauseRecord]]):
        self.ids, self._fetch = ids, fetch
        self._read: dict[int, ClauseRecord | None] = {}

    def read(self, ids: Sequence[int]) -> list[ClauseRecord | None]:
        """These clauses in this order, None for one removed; each asked of the store once."""
        missing = [i for i in dict.fromkeys(ids) if i not in self._read]
        if missing:
            self._read.update(dict.fromkeys(missing))  # a removed clause is not asked for again
            self._read.update(self._fetch(missing))
        return [self._read[i] for i in ids]

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [r for r in self.read(self.ids[index]) if r is not None]
        found = self.read([self.ids[index]])[0]
        if found is None:
            raise IndexError("this clause was removed")
        return found

    def __iter__(self) -> Iterator[ClauseRecord]:
        for start in range(0, len(self.ids), self._CHUNK):
            yield from self[start : start + self._CHUNK]
