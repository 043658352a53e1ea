"""What ingest calls on a loaded document: the parsed plan with every clause enriched."""
from __future__ import annotations

import re

from corpus.model import Clause, Document, Plan
from corpus.parse_plan import parse_plan
from nlp.agencies import extract_agencies
from nlp.deadlines import extract_deadlines, extract_target
from nlp.segment import segment

# A paragraph that only says when the task above it is due.
_TIME_LINE = re.compile(r"\s*(?:thời gian|thời hạn|tiến độ)(?:\s+[^\W\d][^:\n]{0,30})?\s*:",
                        re.IGNORECASE)  # e.g. "Thời gian hoàn tất: trước ngày 18 tháng 8 năm 2014."


def build_plan(document: Document) -> Plan:
    """parse_plan, then sentences and words, lead and partners, and deadline per clause.

    A clause that names no lead of its own takes one from its context, nearest first:
    a continuation paragraph from the item it continues; an item from an introducing
    clause above it ending with ":" ("Sở Tài chính thực hiện các nhiệm vụ sau:"); any
    clause from its section's heading when that names an agency ("3. Sở Y tế:").
    Partners are never inherited. A paragraph that only gives a time ("Thời gian hoàn tất:
    trước ngày …") is the deadline of the task above it when that names none. Header and
    signature clauses get no agency or deadline: their date is the plan's issue date.
    """
    plan = parse_plan(document)
    item = intro = previous = None
    for clause in plan.clauses:
        clause.sentences, clause.words = segment(clause.text)
        if clause.kind in ("header", "signature"):
            continue
        if clause.kind != "table_row":
            clause.lead, clause.partners = extract_agencies(clause.text, plan.issuer)
            clause.deadlines = extract_deadlines(clause.text, plan.date)
            clause.deadline = clause.deadlines[0] if clause.deadlines else None
            clause.target = extract_target(clause.text, plan.date)
            if previous is not None and previous.section == clause.section and _TIME_LINE.match(clause.text) \
                    and not previous.deadlines:
                previous.deadlines, previous.deadline = clause.deadlines, clause.deadline
        elif clause.deadline and not clause.deadlines:
            clause.deadlines = [clause.deadline]
        previous = clause
        if item is not None and item.section != clause.section:
            item = None
        if intro is not None and not _within(clause.section, intro.section):
            intro = None
        if not clause.lead:
            clause.lead = list(_inherited(clause, item, intro, plan.issuer))
        if clause.kind == "item":
            item = clause
        if clause.lead and clause.text.rstrip().endswith(":"):
            intro = clause
    return plan


def _inherited(clause: Clause, item: Clause | None, intro: Clause | None, issuer: str = "") -> list[str]:
    if clause.kind == "continuation" and item is not None and item.lead:
        return item.lead
    if clause.kind in ("item", "table_row") and intro is not None and intro is not clause:
        return intro.lead
    if clause.section_title:
        return extract_agencies(clause.section_title, issuer)[0]
    return []


def _within(section: str, ancestor: str) -> bool:
    return section == ancestor or section.startswith(ancestor + ".")
