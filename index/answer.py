"""From a question's intent to what the answer shows: a clause, a task list, an overview, a definition.

`respond` reads the question's shape (index/intents.py), then composes the answer from the
plans themselves: an agency's whole task list, a plan's goals and figures, the footnote
that defines a term. Anything else goes to ranked retrieval, kept to the plan the question
names. The bot, the console and `planbot ask --json` all render the `Answer` it returns.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Protocol

from index.intents import Intent, detect, with_context
from index.records import NOT_TASKS, TASK_ROLES, ClauseList, ClauseRecord, PlanInfo
from index.search import Answer, Hit
from nlp.definitions import Definition, term_key
from nlp.fold import fold
from nlp.groups import member_groups  # collective assignments ("Các Sở, Ban, ngành")

SUGGESTED_AGENCIES = 8
# Section titles that hold a plan's purpose (folded), e.g. "I. MỤC ĐÍCH, YÊU CẦU", "1. Mục tiêu".
PURPOSE_TITLE = re.compile(r"\b(?:muc tieu|muc dich|yeu cau|quan diem)\b")


class Source(Protocol):
    """What answering needs of the library."""

    def plans(self) -> list[PlanInfo]: ...
    def clauses(self, plan: str | None = None) -> list[ClauseRecord]: ...
    def agencies(self) -> list[tuple[str, int]]: ...
    def resolve_agency(self, name: str) -> str | None: ...
    def retrieve(self, question: str, k: int = 5, signals: str = "hybrid") -> Answer: ...
    def agency_task_ids(
        self, own: list[str], groups: list[str], plan: str | None = None, dated_first: bool = False
    ) -> list[tuple[int, str]]: ...
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


class TaskHits(Sequence[Hit]):
    """Task lists in their order, each clause read from the store when its page is shown.

    A busy agency of a large corpus has tens of thousands of tasks: the list holds their
    clause ids and roles only, and reads one page's clauses (and the group each was given
    to) when that page is shown. Clauses removed since are left out.
    """

    _CHUNK = 500

    def __init__(
        self,
        lists: list[tuple[str, list[tuple[int, str]]]],
        fetch: Callable[[list[int]], dict[int, ClauseRecord]],
    ):
        self._tasks = [(clause_id, role, agency) for agency, tasks in lists for clause_id, role in tasks]
        self._clauses = ClauseList([clause_id for clause_id, _, _ in self._tasks], fetch)

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

    def _hits(self, tasks: list[tuple[int, str, str]]) -> list[Hit]:
        records = self._clauses.read([clause_id for clause_id, _, _ in tasks])
        return [
            Hit(clause, clause.text, 1.0, role, given_to(clause, role, agency))
            for clause, (_, role, agency) in zip(records, tasks)
            if clause is not None
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


def given_to(clause: ClauseRecord, role: str, agency: str) -> str | None:
    """The group `agency` belongs to that a task was given to; None if the clause names it."""
    if role == "lead":
        return None
    groups = _groups(agency)
    if role == "group":
        return next((a for a in clause.lead if _folded(a) in groups), None)
    if agency_key(agency) in {agency_key(a) for a in clause.partners}:
        return None
    return next((a for a in clause.partners if _folded(a) in groups), None)


@functools.lru_cache(maxsize=1024)
def _groups(agency: str) -> frozenset[str]:
    return frozenset(fold(g) for g in member_groups(agency))  # folded, as clauses' names are matched


# A people's committee named by its level alone ("UBND xã", "Ủy ban nhân dân huyện").
_LEVEL_ONLY = re.compile(r"^(?:uy ban nhan dan|ubnd) (?:xa|phuong|thi tran|huyen|quan|thi xa)$")


def resolve(source: "Source", name: str) -> str | None:
    """The indexed agency a question names: exactly, or the same body under its province's
    name; "UBND xã", which names no commune, is every commune's: the group plans give tasks to."""
    if indexed := source.resolve_agency(name):
        return indexed
    key = agency_key(name)
    if found := next((a for a, _ in source.agencies() if agency_key(a) == key), None):
        return found
    if _LEVEL_ONLY.match(fold(name)):
        group = fold(member_groups(name)[0])  # e.g. "Ủy ban nhân dân các xã, phường, thị trấn"
        return next((a for a, _ in source.agencies() if fold(a) == group), None)
    return None


def task_names(source: Source, agency: str) -> tuple[list[str], list[str]]:
    """The indexed names whose clauses may be `agency`'s tasks: its own under any province's
    name, and those of the groups it belongs to."""
    own_key, groups, indexed = agency_key(agency), _groups(agency), [a for a, _ in source.agencies()]
    own = [a for a in indexed if agency_key(a) == own_key]
    return own, [a for a in indexed if fold(a) in groups and agency_key(a) != own_key]


def agency_answer(source: Source, question: str, intent: Intent) -> Answer:
    """The whole task list of each agency named; an agency without tasks is declined.

    A list is ordered and counted by the store as clause ids; only the page shown is read."""
    found: list[tuple[str, list[tuple[int, str]]]] = []
    listed, absent = [], []
    for name in intent.agencies:
        indexed = resolve(source, name)
        if indexed is None:
            absent.append(name)
            continue
        own, groups = task_names(source, indexed)
        tasks = source.agency_task_ids(own, groups, intent.plan, intent.asks_time)
        if not tasks and intent.plan:
            absent.append(indexed)
            continue
        roles = Counter(role for _, role in tasks)
        listed.append({"agency": indexed, "tasks": len(tasks), **{r: roles[r] for r in TASK_ROLES}})
        found.append((indexed, tasks))
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
        purpose = [c for c in clauses if c.kind not in NOT_TASKS and not c.section][:2]
    tasks = [c for c in clauses if c.lead or c.partners]
    agencies = {a for c in clauses for a in (*c.lead, *c.partners)}
    details = {
        "plan": {
            "number": plan.number,
            "title": plan.title,
            "issuer": plan.issuer,
            "date": plan.date,
            "signer": plan.signer,
            "citation": plan.citation,
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
