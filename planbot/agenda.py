"""What an agency must do by when: one-off dates, recurring duties' next dates, plans whose period is over.

Pure functions over clause records and plan infos, so the bot, the CLI, the timeline and
the calendar all see the same schedule, and a test can pick "today".
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass, field

from index.records import ClauseRecord, PlanInfo
from nlp.period import VIETNAM, plan_period
from nlp.recurrence import Recurrence, recurrence

# Deadline types whose text may carry a schedule (nlp/deadlines.py's vocabulary).
RECURRING_TYPES = ("recurring", "frequency", "ongoing")
NEXT_SHOWN = 3  # occurrences listed per recurring duty


@dataclass
class Task:
    """One clause with a deadline one can put on a calendar."""

    clause: ClauseRecord
    due: dt.date | None = None  # a one-off date
    rule: Recurrence | None = None  # a recurring duty
    start: dt.date | None = None  # the plan's date: no occurrence before it
    end: dt.date | None = None  # the plan's period end, when known

    def next_dates(self, today: dt.date, n: int = NEXT_SHOWN) -> list[dt.date]:
        if self.rule is None:
            return [self.due] if self.due and self.due >= today else []
        return self.rule.next_dates(max(today, self.start or today), n, self.end)

    def occurrences(self, first: dt.date, last: dt.date, limit: int = 60) -> list[dt.date]:
        """Due dates between `first` and `last` (within the plan's period)."""
        if self.rule is None:
            return [self.due] if self.due and first <= self.due <= last else []
        until = min(last, self.end) if self.end else last
        return self.rule.next_dates(max(first, self.start or first), limit, until)


def task_label(task: Task, limit: int) -> str:
    """Who and what, short: "Sở Xây dựng: rà soát quy trình cấp phép…"."""
    who = ", ".join(task.clause.lead) or "Chưa nêu cơ quan"
    what = " ".join(task.clause.text.split())
    # most clauses open with their agency ("Sở Nội vụ tăng cường …"): do not say it twice
    text = (
        what
        if what.lower().startswith(task.clause.lead[0].lower() if task.clause.lead else "\0")
        else f"{who}: {what}"
    )
    return textwrap.shorten(text, limit, placeholder="…")


@dataclass
class EndedPlan:
    number: str
    end: dt.date
    tasks: int  # dated or recurring tasks it had


@dataclass
class Agenda:
    today: dt.date
    days: int
    upcoming: list[tuple[dt.date, Task]] = field(default_factory=list)  # by date, within `days`
    overdue: list[Task] = field(default_factory=list)  # one-off, plan still running; latest first
    recurring: list[Task] = field(default_factory=list)  # still running, by next date
    ended: list[EndedPlan] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.upcoming or self.overdue or self.recurring or self.ended)


def today_in_vietnam() -> dt.date:
    """The plans' "today": the server may run in another time zone."""
    return dt.datetime.now(VIETNAM).date()


def _date(iso: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(iso) if iso else None
    except ValueError:
        return None


def plan_end(plan: PlanInfo, dues: list[dt.date]) -> dt.date | None:
    """The period a plan's title names; else the end of the year of its last dated task."""
    named = plan_period(plan.title, plan.date)
    if named:
        return named
    return dt.date(max(dues).year, 12, 31) if dues else None


def tasks(records: list[ClauseRecord], plans: list[PlanInfo]) -> list[Task]:
    """The clauses one can schedule: a due date, or a recurring deadline with a rule."""
    by_number = {p.number: p for p in plans}
    dues: dict[str, list[dt.date]] = {}
    found: list[Task] = []
    for record in records:
        deadline = record.deadline
        if deadline is None:
            continue
        due = _date(deadline.due)
        if due:
            dues.setdefault(record.plan, []).append(due)
            found.append(Task(record, due=due))
        elif deadline.type in RECURRING_TYPES:
            rule = recurrence(deadline.text, record.text)
            if rule is not None:
                found.append(Task(record, rule=rule))
    ends = {number: plan_end(plan, dues.get(number, [])) for number, plan in by_number.items()}
    for task in found:
        task.start = _date(task.clause.plan_date)
        task.end = ends.get(task.clause.plan)
    return found


def agenda(found: list[Task], today: dt.date, days: int = 30) -> Agenda:
    """Due within `days` first, then overdue; a plan whose period is over as one line."""
    horizon = today + dt.timedelta(days=days)
    out = Agenda(today, days)
    ended: dict[str, EndedPlan] = {}
    for task in found:
        if task.end and task.end < today:
            plan = ended.setdefault(task.clause.plan, EndedPlan(task.clause.plan, task.end, 0))
            plan.tasks += 1
            continue
        if task.rule is not None:
            coming = task.next_dates(today, NEXT_SHOWN)
            if coming:
                out.recurring.append(task)
                out.upcoming += [(d, task) for d in coming if d <= horizon][:1]
        elif task.due < today:
            out.overdue.append(task)
        elif task.due <= horizon:
            out.upcoming.append((task.due, task))
    out.upcoming.sort(key=lambda pair: (pair[0], pair[1].clause.id))
    out.overdue.sort(key=lambda t: (-t.due.toordinal(), t.clause.id))
    out.recurring.sort(key=lambda t: (t.next_dates(today, 1)[0], t.clause.id))
    out.ended = sorted(ended.values(), key=lambda p: (p.end, p.number))
    return out
