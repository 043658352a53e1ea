"""What ingest calls on a loaded document: the parsed plan with every clause enriched."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.model import Clause, Document, ParseWarning, Plan
from corpus.parse_plan import parse_plan
from nlp.agencies import cell_agencies, extract_agencies, find_agencies
from nlp.dates import parse_date
from nlp.deadlines import Deadline, extract_deadline, extract_deadlines, extract_target
from nlp.segment import segment

# Lines that assign a whole section ("Cơ quan chủ trì: Sở Y tế"), before or after its tasks;
# tried in order, the label's role first: "phối hợp" before "thực hiện", as in tables.
_ASSIGNMENTS = (
    # e.g. "Cơ quan phối hợp: Sở Tài chính"
    ("partners", re.compile(r"(?:Cơ quan|Đơn vị)\s+phối hợp(?:\s+thực hiện)?\s*:\s*(?P<value>.+)", re.I)),
    # e.g. "Cơ quan chủ trì: Sở Y tế"
    (
        "lead",
        re.compile(
            r"(?:Cơ quan|Đơn vị)\s+(?:chủ trì|thực hiện|tham mưu)(?:\s+thực hiện)?\s*:\s*(?P<value>.+)", re.I
        ),
    ),
    # e.g. "Thời gian hoàn tất: trước ngày 27 tháng 6 năm 2014."
    (
        "deadline",
        re.compile(
            r"(?:Thời gian|Thời hạn|Tiến độ)(?:\s+(?:thực hiện|hoàn thành|hoàn tất))?\s*:\s*(?P<value>.+)",
            re.I,
        ),
    ),
)


@dataclass
class _Assignment:
    """What the assignment lines of one section give every task in it."""

    lead: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    deadline: Deadline | None = None


def build_plan(document: Document) -> Plan:
    """parse_plan, then sentences and words, lead and partners, and deadline per clause.

    A clause that names no lead of its own takes one from its context, nearest first:
    a continuation paragraph from the item it continues; an item from an introducing
    clause above it ending with ":" ("Sở Tài chính thực hiện các nhiệm vụ sau:"); any
    clause from the assignment lines of its section or the nearest one above it
    ("Cơ quan chủ trì: …", "Cơ quan phối hợp: …", "Thời gian thực hiện: …", before or after
    the tasks: they give lead, partners and deadline to every task lacking its own); any
    clause from its section's heading when that names an agency ("3. Sở Y tế:").
    Other partners are never inherited. Header and signature clauses get no agency or deadline:
    their date is the plan's issue date, not a task's.
    """
    plan = parse_plan(document)
    assignments = _assignments(plan)
    item = intro = None
    for clause in plan.clauses:
        clause.sentences, clause.words = segment(clause.text)
        if clause.kind in ("header", "signature"):
            continue
        if clause.kind == "table_row":
            clause.lead = _cell_agencies(clause, "lead", plan.issuer)
            clause.partners = _cell_agencies(clause, "partners", plan.issuer)
            found = _cell_deadline(clause.cells.get("deadline", ""), plan.date)
            clause.deadlines = [found] if found else []
        else:
            clause.lead, clause.partners = extract_agencies(clause.text, plan.issuer)
            clause.deadlines = extract_deadlines(clause.text, plan.date)
        clause.target = extract_target(clause.text, plan.date)
        if item is not None and item.section != clause.section:
            item = None
        if intro is not None and not _within(clause.section, intro.section):
            intro = None
        given = _assignment_for(clause.section, assignments)
        if not clause.lead:
            clause.lead = list(
                _inherited(clause, item, intro) or given.lead or _section_lead(clause, plan.issuer)
            )
        if not clause.partners and (not given.lead or clause.lead == given.lead):
            clause.partners = list(given.partners)  # the section's partners work with its lead
        if not clause.deadlines and given.deadline:
            clause.deadlines = [given.deadline]
        clause.deadline = clause.deadlines[0] if clause.deadlines else None
        if clause.kind == "item":
            item = clause
        if clause.lead and clause.text.rstrip().endswith(":"):
            intro = clause
    if not any(clause.lead for clause in plan.clauses):
        plan.warnings.append(ParseWarning("no_agency"))
    return plan


def _assignments(plan: Plan) -> dict[str, _Assignment]:
    """Section → what its "Cơ quan chủ trì: …" / "Thời gian thực hiện: …" lines assign."""
    found: dict[str, _Assignment] = {}
    for clause in plan.clauses:
        if clause.kind in ("header", "signature", "table_row"):
            continue
        for role, pattern in _ASSIGNMENTS:
            match = pattern.fullmatch(clause.text.strip())
            if not match:
                continue
            given = found.setdefault(clause.section, _Assignment())
            value = match["value"].strip().rstrip(".;")
            if role == "deadline":
                given.deadline = given.deadline or extract_deadline(value, plan.date)
            else:
                names = find_agencies(value, plan.issuer) or [value]
                setattr(given, role, getattr(given, role) or names)
            break
    return found


def _assignment_for(section: str, assignments: dict[str, _Assignment]) -> _Assignment:
    """The nearest section at or above `section` with assignment lines, merged role by role."""
    merged = _Assignment()
    parts = section.split(".") if section else []
    for depth in range(len(parts), -1, -1):
        given = assignments.get(".".join(parts[:depth]))
        if given is None:
            continue
        merged.lead = merged.lead or given.lead
        merged.partners = merged.partners or given.partners
        merged.deadline = merged.deadline or given.deadline
    return merged


def _cell_agencies(clause: Clause, role: str, issuer: str) -> list[str]:
    """Agencies named in a table row's cell: canonical names, other parts as written."""
    cell = clause.cells.get(role, "")
    return cell_agencies(cell, issuer) if cell else []


def _cell_deadline(cell: str, plan_date: str | None) -> Deadline | None:
    """A deadline column's cell: a recognised deadline, a bare date or year ("by then"), else the text."""
    if not cell:
        return None
    found = extract_deadline(cell, plan_date)
    if found:
        return found
    written = parse_date(cell, whole=True)  # a bare date or year means "by then"
    return Deadline(text=cell, type="date", due=written.iso if written else None)


def _inherited(clause: Clause, item: Clause | None, intro: Clause | None) -> list[str]:
    if clause.kind == "continuation" and item is not None and item.lead:
        return item.lead
    if clause.kind in ("item", "table_row") and intro is not None and intro is not clause:
        return intro.lead
    return []


def _section_lead(clause: Clause, issuer: str) -> list[str]:
    if clause.section_title:
        return extract_agencies(clause.section_title, issuer)[0]
    return []


def _within(section: str, ancestor: str) -> bool:
    return section == ancestor or section.startswith(ancestor + ".")
