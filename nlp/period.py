"""The period a plan covers, from its title: "giai đoạn 2021 - 2025" ends on 31/12/2025; Vietnam's clock.

A plan's one-off dates all lie inside its period; once the period is over, its tasks are
history, not a list of things overdue.
"""

from __future__ import annotations

import datetime as dt
import re

VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")  # the plans' clock; no daylight saving, no tz database
_Y = r"((?:19|20)\d\d)(?!\d)"
# Ordered; every year any rule finds counts, and the period ends with the latest one.
PERIOD_RULES = (
    re.compile(
        rf"giai\s+đoạn\s+(?:từ\s+)?(?:năm\s+)?(?:19|20)\d\d\s*(?:[-–—]|đến)\s*(?:năm\s+)?{_Y}", re.IGNORECASE
    ),  # e.g. "giai đoạn 2021 - 2025"
    re.compile(rf"(?<!tầm nhìn )(?:định\s+hướng\s+)?đến\s+(?:hết\s+)?năm\s+{_Y}", re.IGNORECASE),
    # e.g. "và định hướng đến năm 2021" (a vision, "tầm nhìn đến năm 2045", is not the period)
    re.compile(rf"(?<!đến )(?<!tầm nhìn )năm\s+{_Y}", re.IGNORECASE),  # e.g. "cải cách hành chính năm 2019"
)
_VISION = re.compile(rf"tầm\s+nhìn\s+(?:đến\s+)?(?:năm\s+)?{_Y}", re.IGNORECASE)
# The title's cited documents carry their own years ("Nghị quyết số 02/NQ-CP ngày 01/01/2019").
_CITED_DATE = re.compile(
    r"ngày\s+\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}",
    re.IGNORECASE,
)


def plan_period(title: str, plan_date: str | None = None) -> dt.date | None:
    """The last day of the period a plan's title names, or None when it names none."""
    text = _VISION.sub(" ", _CITED_DATE.sub(" ", " ".join((title or "").split())))
    years = [int(m.group(1)) for rule in PERIOD_RULES for m in rule.finditer(text)]
    if plan_date:  # a year before the plan was issued reports on the past
        years = [y for y in years if y >= int(plan_date[:4])]
    return dt.date(max(years), 12, 31) if years else None
