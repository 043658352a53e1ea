"""The time commitment of a clause: the phrase as written, its type, and the ISO date it implies.

Types follow the gold vocabulary: anything that implies a due date is "date" (a quarter,
a month or a year included, e.g. "hoàn thành trong quý I/2019" → 2019-03-31); the rest
is "recurring", "duration", "frequency" or "ongoing".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from nlp.dates import iso_date as _iso
from nlp.dates import month_end as _month_end


@dataclass(frozen=True)
class Deadline:
    """A time commitment as written, its type, and the ISO date it implies (if any)."""

    text: str
    type: str  # date | duration | frequency | recurring | ongoing
    due: str | None = None

    def as_json(self) -> dict:
        return {"text": self.text, "type": self.type, "due": self.due}


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_Y = r"(?P<y>(?:19|20)\d\d)(?!\d)"
_M = r"(?P<m>\d{1,2})"
_TO_YEAR = r"(?:\s*[/.–-]\s*|\s+năm\s+)"
_MONTH_YEAR = rf"tháng\s+{_M}{_TO_YEAR}{_Y}"
_QUARTER_YEAR = rf"quý\s+(?P<q>IV|I{{1,3}}|[1-4]){_TO_YEAR}{_Y}"
_DAY_MONTH = rf"(?P<d>\d{{1,2}})(?:\s*[/.-]\s*|\s+tháng\s+){_M}(?:{_TO_YEAR}{_Y})?(?![\d/])"
_BY = r"(?:hoàn thành trong|hoàn thành|trong|chậm nhất(?: là)?(?: trong)?|đến hết|đến cuối|đến|cuối|hết)\s+"
_COUNT = r"(?:\d+|một|hai|ba|bốn|sáu|bảy|tám|chín|mười)"

# Dates that belong to a cited document ("Nghị quyết số 02/NQ-CP ngày 01/01/2019") are
# masked before the rules run, so they are never taken for the task's deadline.
_CITED = re.compile(
    r"(?:Nghị quyết|Nghị định|Quyết định|Kế hoạch|Chỉ thị|Thông tư|Công văn|Văn bản|Luật|"
    r"Thông báo|Kết luận|Chương trình|Đề án|Hướng dẫn|Pháp lệnh|Báo cáo|Công điện)"
    r"(?:\s+liên tịch)?(?:\s+số)?\s*[\w/.–-]*\d[\w/.–-]*"
    r"(?:\s+(?:ban hành\s+)?ngày\s+\d{1,2}(?:\s*[/.-]\s*|\s+tháng\s+)\d{1,2}"
    r"(?:\s*[/.-]\s*|\s+năm\s+)\d{4})?", re.IGNORECASE)
# A year after these words is a horizon or the start of a period, not a deadline.
_NOT_AFTER = re.compile(r"(?<!\w)(?:định hướng|tầm nhìn|giai đoạn|từ)\s*(?:đến\s*)?$", re.IGNORECASE)


def _year(match: re.Match, plan_year: int | None) -> int | None:
    found = match.groupdict().get("y")
    return int(found) if found else plan_year


def _due_day(match, plan_year):
    year = _year(match, plan_year)
    return _iso(year, int(match["m"]), int(match["d"])) if year else None


def _due_before_month(match, plan_year):
    month = int(match["m"])
    if not 1 <= month <= 12:
        return None
    return (date(int(match["y"]), month, 1) - timedelta(days=1)).isoformat()


def _due_month(match, plan_year):
    return _month_end(int(match["y"]), int(match["m"]))


def _due_quarter(match, plan_year):
    return _month_end(int(match["y"]), 3 * _ROMAN[match["q"].lower()])


def _due_before_quarter(match, plan_year):
    quarter, year = _ROMAN[match["q"].lower()], int(match["y"])
    return _month_end(year, 3 * (quarter - 1)) if quarter > 1 else _iso(year - 1, 12, 31)


def _due_half(match, plan_year):
    return _month_end(int(match["y"]), 6 if match["half"].lower() == "đầu" else 12)


def _due_year(match, plan_year):
    return _iso(int(match["y"]), 12, 31)


def _due_before_year(match, plan_year):
    return _iso(int(match["y"]) - 1, 12, 31)


def _no_due(match, plan_year):
    return None


def _rule(pattern: str) -> re.Pattern:
    return re.compile(pattern.replace(" ", r"\s+"), re.IGNORECASE)


# (pattern, type, due) in priority order: the first rule that matches gives the deadline,
# so commitments ("trước", "hoàn thành trong") outrank bare periods and durations.
# A named group "text" narrows the quoted phrase inside a wider match.
RULES = (
    (_rule(r"(?:trước|chậm nhất(?: là)?(?: vào)?|vào) ngày \d{1,2}(?:\s*[/.-]\s*\d{1,2})?(?: của)? "
           r"(?:tháng cuối (?:mỗi |của )?quý|(?:hằng|hàng|mỗi) (?:tháng|quý|năm))"
           r"(?:\s*(?:,|và|;)\s*trước ngày \d{1,2}(?: của)? tháng \d{1,2}(?: (?:hằng|hàng) năm)?)?"),
     "recurring", _no_due),  # e.g. "trước ngày 10 của tháng cuối quý và trước ngày 10 tháng 12"
    (_rule(r"định kỳ (?:(?:hằng|hàng|mỗi) )?(?:\d+ )?(?:tháng|quý|năm|tuần)(?:\s*(?:,|và)\s*(?:hằng|hàng) (?:năm|quý))?"),
     "recurring", _no_due),  # e.g. "định kỳ 6 tháng, hằng năm"
    (_rule(rf"(?:trước|chậm nhất(?: là)?(?: vào)?|hạn chót|không muộn hơn|trong|đến(?: hết)?) ngày {_DAY_MONTH}"),
     "date", _due_day),  # e.g. "trước ngày 30/6/2021" → 2021-06-30
    (_rule(rf"trước {_MONTH_YEAR}"), "date", _due_before_month),  # e.g. "trước tháng 12/2019" → 2019-11-30
    (_rule(rf"trước {_QUARTER_YEAR}"), "date", _due_before_quarter),  # e.g. "trước quý III/2021" → 2021-06-30
    (_rule(rf"trước năm {_Y}"), "date", _due_before_year),  # e.g. "trước năm 2025" → 2024-12-31
    (_rule(rf"(?:{_BY})?{_QUARTER_YEAR}"), "date", _due_quarter),  # e.g. "hoàn thành trong quý I/2019" → 2019-03-31
    (_rule(rf"(?:{_BY})?6 tháng (?P<half>đầu|cuối) năm {_Y}"), "date", _due_half),  # e.g. "6 tháng đầu năm 2022" → 2022-06-30
    (_rule(rf"(?:{_BY})?{_MONTH_YEAR}"), "date", _due_month),  # e.g. "trong tháng 9/2021" → 2021-09-30
    (_rule(rf"{_BY}năm {_Y}"), "date", _due_year),  # e.g. "trong năm 2021" → 2021-12-31
    (_rule(rf"(?:dưới|không quá|tối đa|trong vòng|trong thời hạn|trong|chậm nhất|còn) {_COUNT} "
           r"(?:ngày làm việc|ngày|giờ|tháng|tuần)(?!\w)"),
     "duration", _no_due),  # e.g. "dưới 63 ngày làm việc", "không quá 10 ngày"
    (_rule(rf"(?:(?:không quá|tối đa|ít nhất|tối thiểu) )?{_COUNT} lần\s*(?:/\s*|trong (?:một |01 )?|mỗi |một )"
           r"(?:năm|quý|tháng|tuần)(?!\w)"),
     "frequency", _no_due),  # e.g. "không quá một lần/năm"
    (_rule(r"thường xuyên"), "ongoing", _no_due),  # e.g. "Thời gian: thường xuyên"
    # "hằng năm" is a schedule only standing alone, not as an attribute ("ngân sách hằng năm, …").
    (_rule(r"(?:^|(?<=[.;:(,])|(?<=[.;:(,]\s))(?:hằng|hàng) (?:năm|quý|tháng)|(?:hằng|hàng) (?:năm|quý|tháng)(?=\s*(?:[.;)]|$))"),
     "ongoing", _no_due),  # e.g. "Hằng năm, tổ chức …", "… báo cáo hằng năm."
    # A year closing a sentence dates the task ("… trên địa bàn tỉnh năm 2019."), unless the
    # sentence cites a document, whose title it then belongs to.
    (re.compile(rf"(?:^|(?<=[.;!?]))[^.;!?#]*?(?<!\w)(?P<text>năm\s+{_Y})(?=\s*(?:[.;!?]|$))", re.IGNORECASE),
     "date", _due_year),  # e.g. "… các xã, phường, thị trấn trên địa bàn tỉnh năm 2019."
)


def extract_deadline(text: str, plan_date: str | None = None) -> Deadline | None:
    """The deadline a clause commits to, or None.

    `plan_date` (ISO) supplies the year of a date written without one and rules out
    years before the plan, which report on the past ("Trong năm 2018, đã đạt …").
    """
    plan_year = int(plan_date[:4]) if plan_date else None
    masked = _CITED.sub(lambda m: "#" * len(m.group()), text)
    for pattern, kind, due_of in RULES:
        for match in pattern.finditer(masked):
            group = "text" if "text" in pattern.groupindex else 0
            start = match.start(group)
            if _NOT_AFTER.search(masked[:start]):
                continue
            due = due_of(match, plan_year)
            if kind == "date" and match.groupdict().get("y") and due is None:
                continue  # an impossible date such as 31/02
            if plan_year and due and int(due[:4]) < plan_year:
                continue
            phrase = " ".join(text[start:match.end(group)].split())
            return Deadline(text=phrase, type=kind, due=due)
    return None
