"""From a question's intent to what the answer shows: a clause, a task list, an overview, a definition.

`respond` reads the question's shape (index/intents.py), then composes the answer from the
plans themselves: an agency's whole task list, a plan's goals and figures, the footnote
that defines a term. Anything else goes to ranked retrieval, kept to the plan the question
names. The bot, the console and `planbot ask --json` all render the `Answer` it returns.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from index.intents import Intent, detect, with_context
from index.records import ClauseRecord, PlanInfo
from index.search import Answer, Hit
from nlp.definitions import Definition, term_key
from nlp.fold import fold
from nlp.groups import member_groups  # collective assignments ("Các Sở, Ban, ngành")

SUGGESTED_AGENCIES = 8
# Section titles that hold a plan's purpose (folded), e.g. "I. MỤC ĐÍCH, YÊU CẦU", "1. Mục tiêu".
PURPOSE_TITLE = re.compile(r"\b(?:muc tieu|muc dich|yeu cau|quan diem)\b")
# Kinds of clause that are no task: the header, the preamble, the signature.
_NOT_TASKS = frozenset(("header", "signature"))


class Source(Protocol):
    """What answering needs of the library."""

    def plans(self) -> list[PlanInfo]: ...
    def clauses(self, plan: str | None = None) -> list[ClauseRecord]: ...
    def agencies(self) -> list[tuple[str, int]]: ...
    def resolve_agency(self, name: str) -> str | None: ...
    def retrieve(self, question: str, k: int = 5, signals: str = "hybrid") -> Answer: ...
    def agency_clauses(self, names: list[str], plan: str | None = None) -> list[ClauseRecord]: ...
    def clauses_by_id(self, ids: list[int]) -> dict[int, ClauseRecord]: ...
    def definitions_of(self, key: str, plan: str | None = None) -> list[tuple[ClauseRecord, Definition]]: ...


def respond(
    source: Source, question: str, k: int = 5, previous: Intent | None = None, signals: str = "hybrid"
) -> Answer:
    """Answer one question; `previous` is the subject of the question before, for a follow-up."""
    plans = source.plans()
    intent = with_context(detect(question, plans), previous)
    if intent.unknown_plan:
        answer = Answer(
            question,
            False,
            [],
            intent="out_of_scope",
            plan_filter=intent.unknown_plan,
            details={"unknown_plan": intent.unknown_plan, "plans": [p.number for p in plans]},
        )
    elif intent.kind == "agency_tasks":
        answer = agency_answer(source, question, intent)
    elif intent.kind == "overview":
        answer = overview_answer(source, question, intent, plans)
    elif intent.kind == "definition":
        answer = definition_answer(source, question, intent) or clause_answer(
            source, question, intent, k, signals
        )
    else:
        answer = clause_answer(source, question, intent, k, signals)
    # what a follow-up may borrow: the agencies, the plan, and the question that set the topic
    answer.context = replace(intent, topic=intent.topic or question, follow_up=False)
    return answer


# --- clauses ---------------------------------------------------------------------------


def clause_answer(source: Source, question: str, intent: Intent, k: int, signals: str) -> Answer:
    """Ranked clauses, from the named plan only; a follow-up searches with the subject before."""
    query = question
    if intent.follow_up and intent.topic:
        query = f"{intent.topic} {question}"
    elif intent.follow_up and intent.agencies:
        query = f"{' '.join(intent.agencies)} {question}"
    found = source.retrieve(query, k if not intent.plan else max(k, 60), signals)
    hits = [h for h in found.hits if not intent.plan or h.clause.plan == intent.plan][:k]
    answered = found.answered and bool(hits)
    return Answer(
        question,
        answered,
        hits,
        found.note,
        found.cut_to,
        intent="clause" if answered else "out_of_scope",
        plan_filter=intent.plan,
    )


# --- an agency's tasks ---------------------------------------------------------------------


@dataclass
class Task:
    clause: ClauseRecord
    role: str  # lead | group | partner
    group: str | None = None  # the group the task was given to


class TaskHits(Sequence[Hit]):
    """A task list in its order, each clause's text read from the store when its page is shown.

    A busy agency of a large corpus has thousands of tasks: reading them all for the first
    page of six cost most of a second at 100k clauses. Clauses removed since are left out.
    """

    _CHUNK = 500

    def __init__(self, tasks: list[Task], fetch: Callable[[list[int]], dict[int, ClauseRecord]]):
        self._tasks, self._fetch = tasks, fetch
        self._read: dict[int, ClauseRecord | None] = {}

    def __len__(self) -> int:
        return len(self._tasks)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._hits(self._tasks[index])
        found = self._hits([self._tasks[index]])
        if not found:
            raise IndexError("the clause of this task was removed")
        return found[0]

    def __iter__(self) -> Iterator[Hit]:
        for start in range(0, len(self._tasks), self._CHUNK):
            yield from self._hits(self._tasks[start : start + self._CHUNK])

    def _hits(self, tasks: list[Task]) -> list[Hit]:
        missing = [t.clause.id for t in tasks if t.clause.id not in self._read]
        if missing:
            self._read.update(dict.fromkeys(missing))  # a removed clause is not asked for again
            self._read.update(self._fetch(missing))
        read = self._read
        return [
            Hit(read[t.clause.id], read[t.clause.id].text, 1.0, t.role, t.group)
            for t in tasks
            if read[t.clause.id] is not None
        ]


# The province part of a name, so "Cục Thuế tỉnh" in one plan is "Cục Thuế tỉnh Bình Dương" in another
# and "Ngân hàng Nhà nước chi nhánh tỉnh" is "Ngân hàng Nhà nước Việt Nam – chi nhánh Bình Dương".
_LOCAL_PART = (
    re.compile(r"\s+chi nhanh\b.*$"),  # e.g. "… – chi nhánh Bình Dương"
    re.compile(
        r"(?<=\w)\s+(?:tinh|thanh pho|tp)\b(?!.*\b(?:huyen|quan|xa|phuong)\b).*$"
    ),  # e.g. "… tỉnh Bình Dương"
    re.compile(r"\s+viet nam$"),  # e.g. "Ngân hàng Nhà nước Việt Nam"
)


@functools.lru_cache(maxsize=8192)
def _folded(name: str) -> str:
    return fold(name)  # agency names recur across thousands of clauses


@functools.lru_cache(maxsize=8192)
def agency_key(name: str) -> str:
    """An agency's name without its province: the same body in plans of one province."""
    key = " ".join(re.findall(r"\w+", fold(name)))
    for pattern in _LOCAL_PART:
        key = pattern.sub("", key)
    return key


def task_list(clauses: Sequence[ClauseRecord], agency: str, dated_first: bool = False) -> list[Task]:
    """Every clause `agency` leads, then those given to a group it belongs to, then those it
    partners in; plan by plan in document order (when asked by when, the dated ones first)."""
    own = agency_key(agency)
    groups = {fold(g): g for g in member_groups(agency)}
    tasks: list[Task] = []
    for clause in clauses:
        if clause.kind in _NOT_TASKS:
            continue
        if own in {agency_key(a) for a in clause.lead}:
            tasks.append(Task(clause, "lead"))
        elif given := next((a for a in clause.lead if _folded(a) in groups), None):
            tasks.append(Task(clause, "group", given))
        elif own in {agency_key(a) for a in clause.partners}:
            tasks.append(Task(clause, "partner"))
        elif given := next((a for a in clause.partners if _folded(a) in groups), None):
            tasks.append(Task(clause, "partner", given))
    plan_order = {c.plan: i for i, c in reversed(list(enumerate(clauses)))}
    roles = {"lead": 0, "group": 1, "partner": 2}

    def key(task: Task):
        if not dated_first:
            return plan_order[task.clause.plan], roles[task.role]
        deadline = task.clause.deadline
        # "…, hạn khi nào?": every timed task (a deadline, or a processing time to reach) before
        # the untimed ones, soonest first
        return (
            deadline is None and task.clause.target is None,
            plan_order[task.clause.plan],
            roles[task.role],
            (deadline.due or "9999") if deadline else "",
        )

    return sorted(tasks, key=key)  # stable: document order within each group


def resolve(source: "Source", name: str) -> str | None:
    """The indexed agency a question names: exactly, or the same body under its province's name."""
    if indexed := source.resolve_agency(name):
        return indexed
    key = agency_key(name)
    return next((a for a, _ in source.agencies() if agency_key(a) == key), None)


def task_names(source: Source, agency: str) -> list[str]:
    """The indexed names whose clauses may be `agency`'s tasks: its own under any province's
    name, and the groups it belongs to (what task_list looks for, read from the index)."""
    own = agency_key(agency)
    groups = {fold(g) for g in member_groups(agency)}
    return [a for a, _ in source.agencies() if agency_key(a) == own or fold(a) in groups]


def agency_answer(source: Source, question: str, intent: Intent) -> Answer:
    """The whole task list of each agency named; an agency without tasks is declined."""
    found: list[Task] = []
    listed, absent = [], []
    for name in intent.agencies:
        indexed = resolve(source, name)
        if indexed is None:
            absent.append(name)
            continue
        # Only the clauses that name it or its groups are read: not the whole corpus.
        clauses = source.agency_clauses(task_names(source, indexed), intent.plan)
        tasks = task_list(clauses, indexed, intent.asks_time)
        if not tasks and intent.plan:
            absent.append(indexed)
            continue
        listed.append(
            {
                "agency": indexed,
                "tasks": len(tasks),
                "lead": sum(t.role == "lead" for t in tasks),
                "group": sum(t.role == "group" for t in tasks),
                "partner": sum(t.role == "partner" for t in tasks),
            }
        )
        found += tasks
    details = {"agencies": listed, "absent": absent}
    if not listed:
        details["suggestions"] = [name for name, _ in source.agencies()[:SUGGESTED_AGENCIES]]
        return Answer(question, False, [], intent="absent_agency", plan_filter=intent.plan, details=details)
    hits = TaskHits(found, source.clauses_by_id)
    return Answer(question, True, hits, intent="agency_tasks", plan_filter=intent.plan, details=details)


# --- a plan's overview -----------------------------------------------------------------------


def overview_answer(source: Source, question: str, intent: Intent, plans: list[PlanInfo]) -> Answer:
    """Title, issuer, date, purpose and figures of the plan asked about; which plan, if unclear."""
    number = intent.plan or (plans[0].number if len(plans) == 1 else None)
    if number is None:
        choices = [{"number": p.number, "title": p.title, "date": p.date, "id": p.id} for p in plans]
        return Answer(question, bool(plans), [], intent="overview", details={"choose_plan": choices})
    plan = next(p for p in plans if p.number == number)
    clauses = source.clauses(number)
    purpose = [c for c in clauses if PURPOSE_TITLE.search(fold(c.section_title))]
    if not purpose:  # no goals section: the preamble that says why the plan exists
        purpose = [c for c in clauses if c.kind not in _NOT_TASKS and not c.section][:2]
    tasks = [c for c in clauses if c.lead or c.partners]
    agencies = {a for c in clauses for a in (*c.lead, *c.partners)}
    details = {
        "plan": {
            "number": plan.number,
            "title": plan.title,
            "issuer": plan.issuer,
            "date": plan.date,
            "signer": plan.signer,
            "id": plan.id,
            "tasks": len(tasks),
            "agencies": len(agencies),
            "dated_tasks": sum(1 for c in tasks if c.deadline),
        }
    }
    hits = [Hit(c, c.text, 1.0) for c in purpose]
    return Answer(question, True, hits, intent="overview", plan_filter=number, details=details)


def plan_overview(source: Source, number: str) -> Answer:
    """The overview of one plan (the plan's button under "which plan?")."""
    intent = Intent("overview", plan=number, topic=f"kế hoạch {number}")
    answer = overview_answer(source, "", intent, source.plans())
    answer.context = intent
    return answer


# --- definitions -----------------------------------------------------------------------------


def definition_answer(source: Source, question: str, intent: Intent) -> Answer | None:
    """The definition of the term asked about, with the clause it is in; None if no plan defines it.

    Definitions are read at ingest (nlp/definitions.py); the source returns them a footnote (an
    explicit definition) first, before an acronym read from running text."""
    key = term_key(intent.term or "")
    if not key:
        return None
    matches = source.definitions_of(key, intent.plan)
    if not matches:
        return None
    clause, best = matches[0]
    hit = Hit(clause, best.source_text, 1.0)
    details = {"definition": {"term": best.term, "meaning": best.meaning, "source": best.source_text}}
    return Answer(question, True, [hit], intent="definition", plan_filter=intent.plan, details=details)
