"""The time commitments of a clause: the phrase as written, its type, and the ISO date it implies.

Types follow the gold vocabulary: anything that implies a due date is "date" (a quarter,
a month or a year included, e.g. "hoàn thành trong quý I/2019" → 2019-03-31); a duty with
its own days is "recurring" ("trước ngày 20 tháng cuối quý", "định kỳ 6 tháng"); how often
is "frequency" ("3 tháng một lần", "thường xuyên", "hằng năm"). A processing time to reach
("rút ngắn … còn dưới 63 ngày làm việc") is a "duration": the clause's target, not its
deadline. Several periods or a range ("Quý III, IV/2026", "2026 - 2027") are due at the end
of the first period, or of the range, and keep the rest in the text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from nlp.dates import YEAR, iso_date, month_end, quarter_end


@dataclass(frozen=True)
class Deadline:
    """A time commitment as written, its type, and the ISO date it implies (if any)."""

    text: str
    type: str  # date | duration | frequency | recurring | ongoing
    due: str | None = None

    def as_json(self) -> dict:
        return {"text": self.text, "type": self.type, "due": self.due}


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_Y = rf"(?P<y>{YEAR})"  # e.g. "2019"
_M = r"(?P<m>\d{1,2})"  # e.g. "9"
_Q = r"(?:IV|I{1,3}|[1-4])(?!\w)"  # e.g. "III"
_TO_YEAR = r"(?:\s*[/.–-]\s*|\s+năm\s+)"  # e.g. "/" in "9/2021", " năm " in "quý II năm 2022"
_AND = r"\s*(?:,|và|–|-)\s*"  # e.g. ", " in "Quý III, IV/2026"
_MORE_YEARS = rf"(?:{_AND}(?:năm\s+)?{YEAR}){{0,5}}"  # e.g. ", 2027" in "Quý IV/2026, 2027"
# e.g. "tháng 5, 6/2026"
_MONTH_YEAR = rf"tháng\s+{_M}(?:{_AND}\d{{1,2}}(?![\d/])){{0,11}}{_TO_YEAR}{_Y}{_MORE_YEARS}"
# e.g. "Quý III, IV/2026"
_QUARTER_YEAR = rf"quý\s+(?P<q>{_Q})(?:{_AND}(?:quý\s+)?{_Q}){{0,3}}{_TO_YEAR}{_Y}{_MORE_YEARS}"
# e.g. "30/6/2021"
_DAY_MONTH = rf"(?P<d>\d{{1,2}})(?:\s*[/.-]\s*|\s+tháng\s+){_M}(?:{_TO_YEAR}{_Y})?(?![\d/])"
_BY = r"(?:hoàn thành trong|hoàn thành|trong|chậm nhất(?: là)?(?: trong)?|đến hết|đến cuối|đến|cuối|hết)\s+"
_COUNT = r"(?:\d+|một|hai|ba|bốn|sáu|bảy|tám|chín|mười)"  # e.g. "03", "ba"
_EVERY = r"(?:hằng|hàng|mỗi)"  # e.g. "hằng" in "hằng năm"
_RANGE = rf"(?:(?:năm|giai đoạn|từ năm|từ)\s+)?{YEAR}\s*[-–]\s*(?:năm\s+)?{_Y}"  # e.g. "2026 - 2027"

# Dates that belong to a cited document ("Nghị quyết số 02/NQ-CP ngày 01/01/2019") are
# masked before the rules run, so they are never taken for the task's deadline.
_CITED = re.compile(
    r"(?:Nghị quyết|Nghị định|Quyết định|Kế hoạch|Chỉ thị|Thông tư|Công văn|Văn bản|Luật|"
    r"Thông báo|Kết luận|Chương trình|Đề án|Hướng dẫn|Pháp lệnh|Báo cáo|Công điện)"
    r"(?:\s+liên tịch)?(?:\s+số)?\s*[\w/.–-]*\d[\w/.–-]*"
    r"(?:\s+(?:ban hành\s+)?ngày\s+\d{1,2}(?:\s*[/.-]\s*|\s+tháng\s+)\d{1,2}"
    r"(?:\s*[/.-]\s*|\s+năm\s+)\d{4})?", re.IGNORECASE)  # e.g. "Nghị quyết số 02/NQ-CP ngày 01/01/2019"
# A year after these words is a horizon, a scope or the start of a period, not a deadline.
_NOT_AFTER = re.compile(
    r"(?<!\w)(?:định hướng|tầm nhìn|giai đoạn|thời kỳ|xét|từ nay|từ)\s*(?:đến\s*)?$",
    re.IGNORECASE)  # e.g. "tầm nhìn đến " before "năm 2030", "có xét đến " before "năm 2050"
# … nor a year that opens a span into the future ("năm 2014 và các năm tiếp theo").
_NOT_BEFORE = re.compile(r"\s*(?:và các năm tiếp theo|và những năm tiếp theo|trở đi)",
                         re.IGNORECASE)  # e.g. " và các năm tiếp theo"
# A bare "đến năm 2030" in a sentence naming a plan, strategy or goal is that document's
# horizon ("dự thảo Kế hoạch giảm phát thải … đến năm 2030"), not when the task is due.
_HORIZON_HOLDER = re.compile(
    r"(?<!\w)(?:kế hoạch|chiến lược|quy hoạch|đề án|chương trình|lộ trình|kịch bản|mục tiêu|"
    r"nghị quyết|nghị định|dự thảo)(?!\w)[^.;:!?]*$", re.IGNORECASE)  # e.g. "Kế hoạch giảm phát thải … "
_BARE_HORIZON = re.compile(r"đến\s+năm\s", re.IGNORECASE)  # e.g. "đến năm 2030"
# An attribute, not a schedule: "nhiệm vụ chính trị thường xuyên", "công tác thường xuyên".
_ATTRIBUTE_OF = re.compile(r"(?<!\w)(?:nhiệm vụ|công tác|hoạt động)(?:\s+\w+){0,3}\s*$",
                           re.IGNORECASE)  # e.g. "nhiệm vụ chính trị " before "thường xuyên"


def _year(match: re.Match, plan_year: int | None) -> int | None:
    found = match.groupdict().get("y")
    return int(found) if found else plan_year


def _due_day(match, plan_year):
    year = _year(match, plan_year)
    return iso_date(year, int(match["m"]), int(match["d"])) if year else None


def _due_before_month(match, plan_year):
    month = int(match["m"])
    if not 1 <= month <= 12:
        return None
    return (date(int(match["y"]), month, 1) - timedelta(days=1)).isoformat()


def _due_month(match, plan_year):
    return month_end(int(match["y"]), int(match["m"]))


def _due_quarter(match, plan_year):
    return quarter_end(int(match["y"]), _ROMAN[match["q"].lower()])


def _due_before_quarter(match, plan_year):
    quarter, year = _ROMAN[match["q"].lower()], int(match["y"])
    return quarter_end(year, quarter - 1) if quarter > 1 else iso_date(year - 1, 12, 31)


def _due_half(match, plan_year):
    return month_end(int(match["y"]), 6 if match["half"].lower() == "đầu" else 12)


def _due_year(match, plan_year):
    return iso_date(int(match["y"]), 12, 31)


def _due_before_year(match, plan_year):
    return iso_date(int(match["y"]) - 1, 12, 31)


def _no_due(match, plan_year):
    return None


def _rule(pattern: str) -> re.Pattern:
    return re.compile(pattern.replace(" ", r"\s+"), re.IGNORECASE)


# Lists inside a phrase are bounded ({0,3}): a run of "quý I, quý I, …" without a year
# must not be re-read from every start, so each rule stays linear in the text's length.
# (pattern, type, due, rank), most specific first. Every rule's matches are collected (a
# span taken by an earlier rule is not read again); the clause's deadlines are then ordered
# by rank, then by position, so a commitment ("trước ngày 30/9/2021") outranks a bare
# period ("Trong năm 2021") wherever it stands. A named group "text" narrows the phrase.
RULES = (
    (_rule(r"(?:trước|chậm nhất(?: là)?(?: vào)?|vào) ngày \d{1,2}(?:\s*[/.-]\s*\d{1,2})?(?: của)? "
           r"(?:(?:các )?tháng cuối (?:mỗi |của |hằng |hàng )?quý|(?:hằng|hàng|mỗi) (?:tháng|quý|năm))"
           r"(?:\s*(?:,|và|;)\s*trước ngày \d{1,2}(?: của)? tháng \d{1,2}(?: (?:hằng|hàng) năm)?)?"),
     "recurring", _no_due, 0),  # e.g. "trước ngày 10 của tháng cuối quý và trước ngày 10 tháng 12"
    # A yearly day without a year: "định kỳ hằng năm (trước ngày 10/12)" is due every 10 December.
    (_rule(rf"(?:định kỳ )?{_EVERY} năm\s*[(,]?\s*(?P<text>(?:trước|chậm nhất(?: là)?|vào) ngày \d{{1,2}}"
           r"\s*[/.-]\s*\d{1,2})(?![\d/.-])"),
     "recurring", _no_due, 0),  # e.g. "định kỳ hàng năm (trước ngày 10/12)" → "trước ngày 10/12"
    (_rule(rf"(?P<text>(?:trước|chậm nhất(?: là)?|vào) ngày \d{{1,2}}\s*[/.-]\s*\d{{1,2}})(?![\d/.-])"
           rf"\s*(?:của\s+)?{_EVERY} năm"),
     "recurring", _no_due, 0),  # e.g. "trước ngày 15/12 hằng năm" → "trước ngày 15/12"
    (_rule(rf"(?:trước|chậm nhất(?: là)?(?: vào)?|hạn chót|không muộn hơn|trong|đến(?: hết)?) "
           rf"ngày {_DAY_MONTH}"),
     "date", _due_day, 1),  # e.g. "trước ngày 30/6/2021" → 2021-06-30
    (_rule(rf"trước {_MONTH_YEAR}"), "date", _due_before_month, 1),  # e.g. "trước tháng 12/2019" → 2019-11-30
    (_rule(rf"trước {_QUARTER_YEAR}"),
     "date", _due_before_quarter, 1),  # e.g. "trước quý III/2021" → 2021-06-30
    (_rule(rf"trước năm {_Y}"), "date", _due_before_year, 1),  # e.g. "trước năm 2025" → 2024-12-31
    (_rule(r"định kỳ (?:(?:hằng|hàng|mỗi) )?(?:\d+ )?(?:tháng|quý|năm|tuần)"
           r"(?:\s*(?:,|và)\s*(?:hằng|hàng) (?:năm|quý))?"),
     "recurring", _no_due, 2),  # e.g. "định kỳ 6 tháng, hằng năm"
    (_rule(rf"(?:{_BY})?{_QUARTER_YEAR}"),
     "date", _due_quarter, 3),  # e.g. "hoàn thành trong quý I/2019" → 2019-03-31
    (_rule(rf"(?:{_BY})?6 tháng (?P<half>đầu|cuối) năm {_Y}"),
     "date", _due_half, 3),  # e.g. "6 tháng đầu năm 2022"
    (_rule(rf"(?:{_BY})?{_MONTH_YEAR}"), "date", _due_month, 3),  # e.g. "trong tháng 9/2021" → 2021-09-30
    (_rule(rf"{_BY}năm {_Y}{_MORE_YEARS}"), "date", _due_year, 3),  # e.g. "trong năm 2021" → 2021-12-31
    # A span of years as a whole deadline cell, or after "Thời gian …:", is due at its end.
    (re.compile(rf"(?:^\s*|thời\s+(?:gian|hạn)[^:\n]{{0,40}}:\s*)(?P<text>{_RANGE})(?=\s*[.;]?\s*$|\s*[.;])",
                re.IGNORECASE),
     "date", _due_year, 3),  # e.g. "2026 - 2027" → 2027-12-31
    # A date or a year standing alone is a deadline cell's "by then".
    (re.compile(rf"^\s*(?:ngày\s+)?(?P<text>{_DAY_MONTH})\s*\.?\s*$", re.IGNORECASE),
     "date", _due_day, 3),  # e.g. a cell "30/6/2021" → 2021-06-30
    (re.compile(rf"^\s*(?P<text>(?:năm\s+)?{_Y})\s*\.?\s*$", re.IGNORECASE),
     "date", _due_year, 3),  # e.g. "2021"
    (_rule(rf"(?:(?:không quá|tối đa|ít nhất|tối thiểu) )?{_COUNT} lần"
           r"\s*(?:/\s*|trong (?:một |01 )?|mỗi |một )"
           r"(?:năm|quý|tháng|tuần)(?!\w)"),
     "frequency", _no_due, 3),  # e.g. "không quá một lần/năm"
    (_rule(rf"{_COUNT} (?:tháng|quý|năm|tuần) (?:một|1|01) lần(?!\w)"),
     "frequency", _no_due, 3),  # e.g. "3 tháng một lần"
    (_rule(r"thường xuyên(?=\s*(?:[.;,)]|$))|(?:^|(?<=:)\s*)thường xuyên"),
     "frequency", _no_due, 4),  # e.g. "Thời gian: thường xuyên", a table cell "Thường xuyên"
    # "hằng năm" is a schedule only standing alone, not as an attribute ("ngân sách hằng năm, …").
    (_rule(rf"(?:^|(?<=[.;:(,])|(?<=[.;:(,]\s)){_EVERY} (?:năm|quý|tháng)"
           rf"|{_EVERY} (?:năm|quý|tháng)(?=\s*(?:[.;)]|$))"),
     "frequency", _no_due, 4),  # e.g. "Hằng năm, tổ chức …", "… báo cáo hằng năm."
    # A year closing a sentence dates the task ("… trên địa bàn tỉnh năm 2019."), unless the
    # sentence cites a document, whose title it then belongs to.
    (re.compile(rf"(?:^|(?<=[.;!?]))[^.;!?#]*?(?<!\w)(?P<text>năm\s+{_Y})(?=\s*(?:[.;!?]|$))", re.IGNORECASE),
     "date", _due_year, 4),  # e.g. "… các xã, phường, thị trấn trên địa bàn tỉnh năm 2019."
)

# Processing times to reach, not dates to meet: the clause's target.
TARGET_RULES = (
    (_rule(rf"(?:dưới|không quá|tối đa|trong vòng|trong thời hạn|trong|chậm nhất|còn) {_COUNT} "
           r"(?:ngày làm việc|ngày|giờ|tháng|tuần)(?!\w)"),
     "duration", _no_due, 0),  # e.g. "dưới 63 ngày làm việc", "không quá 10 ngày"
)


def extract_deadlines(text: str, plan_date: str | None = None) -> list[Deadline]:
    """Every deadline a clause commits to, the clause's own deadline first; [] if none.

    `plan_date` (ISO) supplies the year of a date written without one and rules out
    years before the plan, which report on the past ("Trong năm 2018, đã đạt …").
    """
    return [deadline for _, _, deadline in _found(text, plan_date, RULES)]


def extract_deadline(text: str, plan_date: str | None = None) -> Deadline | None:
    """The clause's deadline (the first of `extract_deadlines`), or None."""
    found = extract_deadlines(text, plan_date)
    return found[0] if found else None


def extract_target(text: str, plan_date: str | None = None) -> Deadline | None:
    """A processing time the clause sets as its target ("còn dưới 63 ngày làm việc"), or None."""
    found = _found(text, plan_date, TARGET_RULES)
    return found[0][2] if found else None


def _found(text: str, plan_date: str | None, rules) -> list[tuple[int, int, Deadline]]:
    plan_year = int(plan_date[:4]) if plan_date else None
    masked = _CITED.sub(lambda m: "#" * len(m.group()), text)
    taken: list[tuple[int, int]] = []
    found = []
    for pattern, kind, due_of, rank in rules:
        for match in pattern.finditer(masked):
            group = "text" if "text" in pattern.groupindex else 0
            start, end = match.start(group), match.end(group)
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue
            if not _is_commitment(masked, match, start):
                continue
            due = due_of(match, plan_year)
            if kind == "date" and match.groupdict().get("y") and due is None:
                continue  # an impossible date such as 31/02
            if plan_year and due and int(due[:4]) < plan_year:
                continue
            taken.append((match.start(), match.end()))
            phrase = " ".join(text[start:end].split())
            found.append((rank, start, Deadline(text=phrase, type=kind, due=due)))
    found.sort(key=lambda item: item[:2])
    return found


def _is_commitment(masked: str, match: re.Match, start: int) -> bool:
    """Whether a matched phrase commits the task, rather than naming a horizon or a scope."""
    before = masked[max(0, start - 200):start]
    if _NOT_AFTER.search(before) or _NOT_BEFORE.match(masked, match.end()):
        return False
    phrase = match.group()
    if _BARE_HORIZON.match(phrase) and _HORIZON_HOLDER.search(before):
        return False
    return not (phrase.lower().lstrip().startswith("thường") and _ATTRIBUTE_OF.search(before))
