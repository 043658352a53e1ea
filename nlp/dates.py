"""Calendar dates as Vietnamese documents write them, to ISO: one parser for the header's
issue date, a table's deadline cell and the deadline rules (which build on `iso_date` and
`month_end`).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

YEAR = r"(?:19|20)\d\d(?!\d)"  # e.g. "2019"
_Y = rf"(?P<y>{YEAR})"
# Ordered: the spelled-out form first, so "ngày 14 tháng 02 năm 2019" is never read piecemeal.
DATES = (
    # e.g. "ngày 14 tháng 02 năm 2019"
    re.compile(rf"ngày\s+(?P<d>\d{{1,2}})\s+tháng\s+(?P<m>\d{{1,2}})\s+năm\s+{_Y}", re.IGNORECASE),
    # e.g. "ngày 14/02/2019", "30/6/2021"
    re.compile(rf"(?:ngày\s+)?(?P<d>\d{{1,2}})\s*[/.-]\s*(?P<m>\d{{1,2}})\s*[/.-]\s*{_Y}", re.IGNORECASE),
    # A draft leaves day and month blank: still a date line, with no date in it.
    # e.g. "ngày  tháng  năm 2026"
    re.compile(rf"ngày\s+(?:(?P<d>\d{{1,2}})\s+)?tháng\s+(?:(?P<m>\d{{1,2}})\s+)?năm\s+{_Y}", re.IGNORECASE),
    re.compile(rf"(?:năm\s+)?{_Y}", re.IGNORECASE),  # e.g. "2021", "năm 2021": only as a whole cell
)


@dataclass(frozen=True)
class FoundDate:
    """Where a date is written, its ISO form (None when day or month is blank or impossible)
    and its year."""

    start: int
    end: int
    iso: str | None
    year: int
    year_only: bool = False


def parse_date(text: str, whole: bool = False) -> FoundDate | None:
    """The first date written in `text` ("ngày 14 tháng 02 năm 2019", "14/02/2019"); with
    `whole`, only when it is all of `text`, and then a bare year too ("2021" → 31/12)."""
    for number, pattern in enumerate(DATES):
        year_only = number == len(DATES) - 1
        if year_only and not whole:
            continue
        match = pattern.fullmatch(text.strip()) if whole else pattern.search(text)
        if not match:
            continue
        year = int(match["y"])
        if year_only:
            iso = iso_date(year, 12, 31)
        else:
            iso = iso_date(year, int(match["m"]), int(match["d"])) if match["d"] and match["m"] else None
        return FoundDate(match.start(), match.end(), iso, year, year_only)
    return None


def iso_date(year: int, month: int, day: int) -> str | None:
    """ "YYYY-MM-DD", or None for an impossible date (31/2)."""
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def month_end(year: int, month: int) -> str | None:
    """The last day of a month, as ISO; None for a month outside 1–12."""
    if not 1 <= month <= 12:
        return None
    return iso_date(year, month, calendar.monthrange(year, month)[1])


def quarter_end(year: int, quarter: int) -> str | None:
    """The last day of a quarter: (2019, 1) → "2019-03-31"."""
    return month_end(year, 3 * quarter) if 1 <= quarter <= 4 else None
