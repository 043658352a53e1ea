"""Tasks as an iCalendar file (RFC 5545, through the icalendar library) a Sở can import.

Each task is an all-day event on its due date; a recurring duty is one event per RRULE
(nlp/recurrence.py), starting at its first occurrence in the plan's period and ending
with the period when the plan names one. UIDs derive from the plan and the clause's text,
so importing a newer export updates events instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from icalendar import Alarm, Calendar, Event, vRecur

from planbot.agenda import Task, task_label

PRODID = "-//planbot//Han chot ke hoach//VI"


def _uid(task: Task, rule: str = "") -> str:
    key = f"{task.clause.plan}|{task.clause.section}|{task.clause.text}|{rule}"
    return f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:24]}@planbot"


def _summary(task: Task) -> str:
    return task_label(task, 120)


def _description(task: Task) -> str:
    clause = task.clause
    lines = [clause.text, "", f"Thời hạn: {clause.deadline.text}" if clause.deadline else ""]
    if clause.partners:
        lines.append(f"Phối hợp: {', '.join(clause.partners)}")
    where = f"Kế hoạch {clause.plan}" + (f", mục {clause.section}" if clause.section else "")
    lines.append(where + (f", trang {clause.page}" if clause.page else ""))
    return "\n".join(line for line in lines if line is not None)


def _event(task: Task, start: dt.date, stamp: dt.datetime, rule: str = "") -> Event:
    event = Event()
    event.add("uid", _uid(task, rule))
    event.add("dtstamp", stamp)
    event.add("summary", _summary(task))
    event.add("description", _description(task))
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(days=1))
    event.add("categories", ["Hạn chót", task.clause.plan])
    if rule:
        recur = vRecur.from_ical(rule)
        if task.end:
            recur["UNTIL"] = [task.end]
        event.add("rrule", recur)
    alarm = Alarm()  # the day before, when there is still time to act
    alarm.add("action", "DISPLAY")
    alarm.add("description", _summary(task))
    alarm.add("trigger", dt.timedelta(days=-1))
    event.add_component(alarm)
    return event


def calendar(found: list[Task], name: str, today: dt.date, stamp: dt.datetime | None = None) -> Calendar:
    """One VCALENDAR: every one-off date, and each recurring duty from its first due date."""
    stamp = stamp or dt.datetime.now(dt.UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Hạn chót — {name}")
    cal.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    for task in found:
        if task.rule is None:
            cal.add_component(_event(task, task.due, stamp))
            continue
        for rule in task.rule.rrules():
            single = type(task.rule)(task.rule.text, *_anchors_of(task.rule, rule))
            first = single.next_dates(task.start or today, 1, task.end)
            if first:
                cal.add_component(_event(task, first[0], stamp, rule))
    return cal


def _anchors_of(rule, rrule: str):
    """The part of a rule one RRULE stands for: its anchors on that day (or weekly)."""
    if rule.weekly:
        return (), True
    parts = dict(p.split("=", 1) for p in rrule.split(";"))
    day = int(parts["BYMONTHDAY"])
    day_of = None if day == -1 else day
    months = range(1, 13) if parts["FREQ"] == "MONTHLY" else map(int, parts["BYMONTH"].split(","))
    return tuple((m, day_of) for m in months), False


def ics(found: list[Task], name: str, today: dt.date) -> bytes:
    return calendar(found, name, today).to_ical()
