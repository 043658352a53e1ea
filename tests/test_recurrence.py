"""Recurring deadlines: their rule, next dates from a fixed "today", RRULEs; a plan's period."""

from __future__ import annotations

import datetime as dt

import pytest

from nlp.period import plan_period
from nlp.recurrence import recurrence

D = dt.date


@pytest.mark.parametrize(
    "text, context, today, expected, rrules",
    [
        (
            "trước ngày 10 của tháng cuối quý",
            "",
            D(2026, 12, 1),
            [D(2026, 12, 10), D(2027, 3, 10), D(2027, 6, 10)],
            ["FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=10"],
        ),
        (
            "trước ngày 10 của tháng cuối quý và trước ngày 10 tháng 12",
            "",
            D(2026, 9, 11),
            [D(2026, 12, 10), D(2027, 3, 10)],
            ["FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=10"],
        ),
        (
            "trước ngày 20 tháng cuối quý",
            "",
            D(2026, 3, 20),
            [D(2026, 3, 20), D(2026, 6, 20)],
            ["FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=20"],
        ),
        (
            "định kỳ 6 tháng",
            "",
            D(2026, 7, 1),
            [D(2026, 12, 31), D(2027, 6, 30)],
            ["FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1"],
        ),
        (
            "định kỳ 6 tháng, hằng năm",
            "",
            D(2026, 1, 1),
            [D(2026, 6, 30), D(2026, 12, 31)],
            ["FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1"],
        ),
        (
            "định kỳ 6 tháng (trước ngày 15/6 và 15/12)",
            "",
            D(2026, 6, 16),
            [D(2026, 12, 15), D(2027, 6, 15)],
            ["FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=15"],
        ),
        (
            "hằng năm (trước ngày 10/12)",
            "",
            D(2026, 12, 11),
            [D(2027, 12, 10), D(2028, 12, 10)],
            ["FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=10"],
        ),
        # the stored phrase lacks the period; the clause gives it, the phrase gives the day
        (
            "trước ngày 10/12",
            "Các Sở, ngành định kỳ hàng năm (trước ngày 10/12) báo cáo",
            D(2026, 1, 5),
            [D(2026, 12, 10)],
            ["FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=10"],
        ),
        (
            "trước ngày 20 hằng tháng",
            "",
            D(2026, 2, 21),
            [D(2026, 3, 20), D(2026, 4, 20), D(2026, 5, 20)],
            ["FREQ=MONTHLY;BYMONTHDAY=20"],
        ),
        (
            "định kỳ hằng quý",
            "",
            D(2026, 2, 1),
            [D(2026, 3, 31), D(2026, 6, 30)],
            ["FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1"],
        ),
        (
            "3 tháng một lần",
            "",
            D(2026, 10, 1),
            [D(2026, 12, 31), D(2027, 3, 31)],
            ["FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1"],
        ),
        (
            "ít nhất 2 lần/năm",
            "",
            D(2026, 1, 1),
            [D(2026, 6, 30), D(2026, 12, 31)],
            ["FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1"],
        ),
        ("hằng tháng", "", D(2026, 2, 28), [D(2026, 2, 28), D(2026, 3, 31)], ["FREQ=MONTHLY;BYMONTHDAY=-1"]),
        (
            "Hằng năm",
            "",
            D(2026, 12, 31),
            [D(2026, 12, 31), D(2027, 12, 31)],
            ["FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=-1"],
        ),
        (
            "định kỳ hằng tuần",
            "",
            D(2026, 12, 1),
            [D(2026, 12, 4), D(2026, 12, 11)],
            ["FREQ=WEEKLY;BYDAY=FR"],
        ),
    ],
)
def test_next_dates_and_rrules(text, context, today, expected, rrules):
    rule = recurrence(text, context)
    assert rule is not None, text
    assert rule.next_dates(today, len(expected)) == expected
    assert rule.rrules() == rrules


@pytest.mark.parametrize(
    "text",
    [
        "không quá một lần/năm",
        "tối đa 2 lần trong một năm",
        "thường xuyên",
        "5 lần/năm",
        "trong vòng 5 ngày làm việc",
        "",
    ],
)
def test_no_regular_schedule(text):
    assert recurrence(text) is None


def test_next_dates_stop_at_the_plan_end():
    rule = recurrence("trước ngày 10 của tháng cuối quý")
    assert rule.next_dates(D(2025, 8, 1), 5, until=D(2025, 12, 31)) == [D(2025, 9, 10), D(2025, 12, 10)]
    assert rule.next_dates(D(2026, 1, 1), 3, until=D(2025, 12, 31)) == []


def test_a_short_month_takes_its_last_day():
    rule = recurrence("trước ngày 31 hằng tháng")
    assert rule.next_dates(D(2026, 2, 1), 2) == [D(2026, 2, 28), D(2026, 3, 31)]


@pytest.mark.parametrize(
    "title, date, end",
    [
        (
            (
                "Triển khai Nghị quyết số 02/NQ-CP ngày 01/01/2019 của Chính phủ về cải thiện môi trường kinh doanh "
                "năm 2019 và định hướng đến năm 2021 trên địa bàn tỉnh Bình Dương"
            ),
            "2019-02-14",
            D(2021, 12, 31),
        ),
        (
            "Chuyển đổi số tỉnh Hòa Phong giai đoạn 2021 - 2025, tầm nhìn đến năm 2030",
            "2021-05-01",
            D(2025, 12, 31),
        ),
        ("Hỗ trợ nhà ở cho người có công với cách mạng năm 2024", "2024-03-01", D(2024, 12, 31)),
        ("Thực hiện thị trường tín chỉ các-bon", "2025-01-01", None),
    ],
)
def test_plan_period(title, date, end):
    assert plan_period(title, date) == end
