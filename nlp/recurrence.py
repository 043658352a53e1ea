"""The schedule of a recurring duty: from "trước ngày 10 của tháng cuối quý" to its next dates and RRULEs.

A recurring deadline is kept as yearly anchors, (month, day) pairs, where day None is the
last day of that month: "hằng quý" is (3, None), (6, None), (9, None), (12, None); "trước
ngày 20 hằng tháng" is every month on the 20th; "định kỳ 6 tháng (trước ngày 15/6 và 15/12)"
is (6, 15), (12, 15). A weekly duty has no anchors and falls due on Fridays, the end of
the working week. That one shape covers the monthly, quarterly, half-yearly and yearly
reports plans ask for, and maps onto iCalendar RRULEs one to one.

A day written as "trước ngày 10" is taken as the due day itself, as nlp/deadlines.py does
for one-off dates ("trước ngày 30/6/2021" → 2021-06-30).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_COUNTS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "sáu": 6, "mười hai": 12}
_COUNT = r"(?P<n>\d{1,2}|một|hai|ba|bốn|sáu|mười hai)"
_EVERY = r"(?:hằng|hàng|mỗi)"
_UNIT = r"(?P<unit>tuần|tháng|quý|năm)"
_QUARTER_ENDS = (3, 6, 9, 12)
_FRIDAY = 4


def _rule(pattern: str) -> re.Pattern:
    return re.compile(pattern.replace(" ", r"\s+"), re.IGNORECASE)


# Where a duty names its own days, in this order; all that match are joined
# ("trước ngày 10 của tháng cuối quý và trước ngày 10 tháng 12" → both).
DAY_RULES = (
    (
        _rule(r"ngày (?P<d>\d{1,2}) (?:của )?(?:các )?tháng cuối (?:mỗi |của |các |hằng |hàng )?quý"),
        "quarter",
    ),  # e.g. "trước ngày 10 của tháng cuối quý"
    (_rule(rf"ngày (?P<d>\d{{1,2}}) (?:của )?{_EVERY} tháng"), "month"),  # e.g. "trước ngày 20 hằng tháng"
    # a day and month without a year: every year on that day ("trước ngày 15/6 và 15/12")
    # e.g. "10/12"
    (re.compile(r"(?<![\d/.])(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})(?!\s*[/.-]?\s*\d)"), "year"),
    (_rule(r"ngày (?P<d>\d{1,2}) tháng (?P<m>\d{1,2})(?! (?:năm )?\d)"), "year"),  # e.g. "ngày 10 tháng 12"
)

# Otherwise the period alone, due at each period's last day; the first that matches wins.
PERIOD_RULES = (
    (_rule(rf"định kỳ (?:{_EVERY} )?(?:{_COUNT} )?{_UNIT}"), "every"),  # e.g. "định kỳ 6 tháng"
    (_rule(rf"{_COUNT} {_UNIT} (?:một|1|01) lần"), "every"),  # e.g. "3 tháng một lần"
    (
        _rule(rf"(?:(?:ít nhất|tối thiểu) )?{_COUNT} lần\s*(?:/\s*|trong (?:một |01 )?|mỗi |một ){_UNIT}"),
        "times",
    ),  # e.g. "ít nhất 2 lần/năm"
    (_rule(rf"{_EVERY} {_UNIT}"), "every"),  # e.g. "báo cáo hằng quý"
)
# A ceiling is not a duty: "không quá một lần/năm" says how often one may inspect.
_CEILING = _rule(r"(?:không quá|tối đa|không vượt quá) (?:\S+ )?lần")
_MONTHS_PER = {"tháng": 1, "quý": 3, "năm": 12}


@dataclass(frozen=True)
class Recurrence:
    """When a recurring duty falls due: yearly (month, day) anchors, or weekly on Fridays."""

    text: str
    anchors: tuple[tuple[int, int | None], ...] = ()
    weekly: bool = False

    def next_dates(self, today: dt.date, n: int, until: dt.date | None = None) -> list[dt.date]:
        """The next `n` due dates on or after `today` (none after `until`, a plan's end)."""
        out: list[dt.date] = []
        if self.weekly:
            day = today + dt.timedelta(days=(_FRIDAY - today.weekday()) % 7)
            while len(out) < n and (until is None or day <= until):
                out.append(day)
                day += dt.timedelta(days=7)
            return out
        if not self.anchors:
            return out
        year = today.year
        while len(out) < n and (until is None or year <= until.year) and year <= today.year + 100:
            for month, day in sorted(self.anchors):
                last = calendar.monthrange(year, month)[1]
                due = dt.date(year, month, min(day or last, last))
                if due >= today and (until is None or due <= until) and len(out) < n:
                    out.append(due)
            year += 1
        return out

    def rrules(self) -> list[str]:
        """RFC 5545 RRULE values, one per distinct day (BYMONTHDAY=-1: the month's last day)."""
        if self.weekly:
            return ["FREQ=WEEKLY;BYDAY=FR"]
        by_day: dict[int, list[int]] = {}
        for month, day in sorted(self.anchors):
            by_day.setdefault(day or -1, []).append(month)
        rules = []
        for day, months in by_day.items():
            if sorted(set(months)) == list(range(1, 13)):
                rules.append(f"FREQ=MONTHLY;BYMONTHDAY={day}")
            else:
                listed = ",".join(map(str, sorted(set(months))))
                rules.append(f"FREQ=YEARLY;BYMONTH={listed};BYMONTHDAY={day}")
        return rules

    def describe(self) -> str:
        """In Vietnamese, short: "ngày 10 tháng 3, 6, 9, 12", "hằng tuần (thứ Sáu)"."""
        if self.weekly:
            return "hằng tuần (thứ Sáu)"
        parts = []
        for day, months in _group(self.anchors).items():
            when = f"ngày {day}" if day else "cuối tháng"
            scope = "hằng tháng" if len(months) == 12 else "tháng " + ", ".join(map(str, months))
            parts.append(f"{when} {scope}")
        return "; ".join(parts)


def _group(anchors) -> dict[int | None, list[int]]:
    out: dict[int | None, list[int]] = {}
    for month, day in sorted(anchors, key=lambda a: (a[1] or 99, a[0])):
        out.setdefault(day, []).append(month)
    return out


def _count(raw: str | None) -> int:
    if not raw:
        return 1
    return int(raw) if raw.isdigit() else _COUNTS.get(raw.lower(), 1)


def _period_anchors(step_months: int) -> tuple[tuple[int, int | None], ...]:
    step = max(1, min(12, step_months))
    return tuple((m, None) for m in range(step, 13, step))


def _explicit(text: str) -> set[tuple[int, int | None]]:
    anchors: set[tuple[int, int | None]] = set()
    for pattern, scope in DAY_RULES:
        for match in pattern.finditer(text):
            day = int(match["d"])
            if not 1 <= day <= 31:
                continue
            if scope == "quarter":
                anchors |= {(m, day) for m in _QUARTER_ENDS}
            elif scope == "month":
                anchors |= {(m, day) for m in range(1, 13)}
            elif 1 <= int(match["m"]) <= 12 and day <= calendar.monthrange(2024, int(match["m"]))[1]:
                anchors.add((int(match["m"]), day))
    return anchors


def _period(text: str) -> Recurrence | None:
    for pattern, how in PERIOD_RULES:
        match = pattern.search(text)
        if not match:
            continue
        unit, n = match["unit"].lower(), _count(match.groupdict().get("n"))
        if unit == "tuần":
            return Recurrence(text, weekly=True) if how == "every" and n == 1 else None
        months = _MONTHS_PER[unit]
        step = months * n if how == "every" else months // n if n and months % n == 0 else 0
        if step <= 0 or 12 % step:
            continue  # "5 lần/năm" has no regular calendar; leave it unscheduled
        return Recurrence(text, _period_anchors(step))
    return None


def recurrence(text: str, context: str = "") -> Recurrence | None:
    """The schedule of a recurring deadline, or None when its text names no regular one.

    `context` is the clause around the deadline: a deadline stored as "trước ngày 10/12"
    takes its period ("định kỳ hàng năm") from there. Days the text names win over a bare
    period ("định kỳ 6 tháng (trước ngày 15/6 và 15/12)" is due on the 15th).
    """
    text = " ".join((text or "").split())
    if not text or _CEILING.search(text):
        return None
    anchors = _explicit(text)
    if anchors:
        return Recurrence(text, tuple(sorted(anchors)))
    found = _period(text)
    if found is None and context:
        around = _period(" ".join(context.split()))
        found = Recurrence(text, around.anchors, around.weekly) if around else None
    return found
