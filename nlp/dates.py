"""Calendar dates as Vietnamese plans write them, to ISO: the project's one date parser.

"ngày 14 tháng 02 năm 2019", "14/02/2019", "14-2-2019", "14.02.2019" → "2019-02-14". An
impossible date (31/02) is no date. The period ends deadlines need (a month's, a quarter's
last day) live here too, so every module turns a written date into ISO the same way.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

YEAR = r"(?:19|20)\d\d(?!\d)"  # e.g. "2019"
# A day, month and year in either written form; groups d, m, y.
_FULL_DATE = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})(?:\s*[/.-]\s*|\s+tháng\s+)(?P<m>\d{1,2})(?:\s*[/.-]\s*|\s+năm\s+)(?P<y>"
    + YEAR
    + ")",
    re.IGNORECASE,
)  # e.g. "14 tháng 02 năm 2019", "14/02/2019"


def iso_date(year: int, month: int, day: int) -> str | None:
    """ISO form of a calendar date, or None when there is no such day (31/02)."""
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def month_end(year: int, month: int) -> str | None:
    """The last day of a month: (2019, 2) → "2019-02-28"."""
    if not 1 <= month <= 12:
        return None
    return iso_date(year, month, calendar.monthrange(year, month)[1])


def quarter_end(year: int, quarter: int) -> str | None:
    """The last day of a quarter: (2019, 1) → "2019-03-31"."""
    return month_end(year, 3 * quarter) if 1 <= quarter <= 4 else None


def parse_date(text: str) -> str | None:
    """The first full calendar date in `text`, as ISO; None if there is none or it is impossible."""
    for match in _FULL_DATE.finditer(text):
        found = iso_date(int(match["y"]), int(match["m"]), int(match["d"]))
        if found:
            return found
    return None
