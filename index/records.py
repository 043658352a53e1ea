"""What the store hands back: plans and clauses as the bot and the CLI show them."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field

from nlp.deadlines import Deadline


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
    p.number as plan, p.date as plan_date,
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
    )


@functools.lru_cache(maxsize=8192)
def _names(names_json: str | None) -> tuple[str, ...]:
    return tuple(json.loads(names_json or "[]"))  # the same few hundred lists recur


def clause_outlines(db, where: str = "1", params=()) -> list[ClauseRecord]:
    """Clauses as a task list orders and counts them, without their text: plan, kind, agencies,
    own deadline and target. An agency's list in a large corpus runs to thousands of clauses;
    their texts are read a page at a time (`index.answer.TaskHits`)."""
    rows = db.conn.execute(
        "select c.id, p.number, p.date, c.kind, c.lead, c.partners, c.target, d.text, d.type, d.due "
        f"from {CLAUSE_FROM} where {where} order by p.id, c.ord",
        list(params),
    )
    return [
        ClauseRecord(
            id=clause_id,
            plan=plan,
            plan_date=date,
            section="",
            section_title="",
            text="",
            lead=list(_names(lead)),
            partners=list(_names(partners)),
            deadline=Deadline(text, kind_of, due) if text else None,
            kind=kind or "paragraph",
            target=Deadline(**json.loads(target)) if target else None,
        )
        for clause_id, plan, date, kind, lead, partners, target, text, kind_of, due in rows
    ]
