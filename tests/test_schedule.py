"""The schedule of tasks: /hanchot's agenda, the timeline PNG (what was drawn), the .ics read back."""

from __future__ import annotations

import datetime as dt
import io

from icalendar import Calendar
from matplotlib import dates as mdates
from PIL import Image

from index.records import ClauseRecord, PlanInfo
from nlp.deadlines import Deadline
from planbot import cli
from planbot.agenda import agenda, tasks
from planbot.calendar import calendar
from planbot.timeline import png, timeline_figure
from tests.test_cli import data_dir  # noqa: F401  (the fixture)

D = dt.date
TODAY = D(2026, 3, 1)


def _clause(id_, plan, text, lead, deadline, plan_date):
    return ClauseRecord(id_, plan, plan_date, f"II.{id_}", "Nhiệm vụ", text, [text], lead, [], deadline, 2)


PLANS = [
    PlanInfo(1, "12/KH-UBND", "2025-01-10", "Kế hoạch chuyển đổi số giai đoạn 2025 - 2027", 4),
    PlanInfo(2, "7/KH-UBND", "2019-02-14", "Kế hoạch cải cách hành chính năm 2019", 2),
]
RECORDS = [
    _clause(
        1,
        "12/KH-UBND",
        "Sở Tài chính bố trí kinh phí trước ngày 15/3/2026.",
        ["Sở Tài chính"],
        Deadline("trước ngày 15/3/2026", "date", "2026-03-15"),
        "2025-01-10",
    ),
    _clause(
        2,
        "12/KH-UBND",
        "Sở Nội vụ tổng hợp báo cáo trước ngày 10 của tháng cuối quý.",
        ["Sở Nội vụ"],
        Deadline("trước ngày 10 của tháng cuối quý", "recurring"),
        "2025-01-10",
    ),
    _clause(
        3,
        "12/KH-UBND",
        "Sở Xây dựng ban hành quy chế trong tháng 12/2025.",
        ["Sở Xây dựng"],
        Deadline("trong tháng 12/2025", "date", "2025-12-31"),
        "2025-01-10",
    ),
    _clause(
        4,
        "12/KH-UBND",
        "Sở Y tế thanh tra không quá một lần/năm.",
        ["Sở Y tế"],
        Deadline("không quá một lần/năm", "frequency"),
        "2025-01-10",
    ),
    _clause(
        5,
        "7/KH-UBND",
        "Sở Nội vụ đánh giá chỉ số cải cách trong quý II/2019.",
        ["Sở Nội vụ"],
        Deadline("trong quý II/2019", "date", "2019-06-30"),
        "2019-02-14",
    ),
    _clause(
        6,
        "7/KH-UBND",
        "Các sở báo cáo định kỳ 6 tháng.",
        ["Các sở"],
        Deadline("định kỳ 6 tháng", "recurring"),
        "2019-02-14",
    ),
]


def test_agenda_due_soon_first_recurring_next_dates_ended_plan_in_one_line():
    found = tasks(RECORDS, PLANS)
    assert [t.clause.id for t in found] == [1, 2, 3, 5, 6]  # a ceiling ("không quá") is no duty
    schedule = agenda(found, TODAY, days=30)
    assert [(d, t.clause.id) for d, t in schedule.upcoming] == [(D(2026, 3, 10), 2), (D(2026, 3, 15), 1)]
    assert [t.clause.id for t in schedule.overdue] == [3]  # its plan still runs
    (quarterly,) = schedule.recurring
    assert quarterly.next_dates(TODAY) == [D(2026, 3, 10), D(2026, 6, 10), D(2026, 9, 10)]
    (ended,) = schedule.ended  # 2019's plan: history, not two more overdue tasks
    assert (ended.number, ended.end, ended.tasks) == ("7/KH-UBND", D(2019, 12, 31), 2)
    # the recurring duty stops with its plan's period
    assert quarterly.next_dates(D(2027, 11, 1)) == [D(2027, 12, 10)]


def _day(x) -> dt.date:
    return x if isinstance(x, dt.date) else mdates.num2date(x).date()


def test_timeline_draws_one_row_per_task_and_today():
    found = tasks(RECORDS, PLANS)
    fig = timeline_figure(found, TODAY, "Hạn chót — thử")
    (ax,) = [a for a in fig.axes if a.get_yticklabels()]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == len(found) == 5
    assert labels[-1].startswith("Sở Nội vụ tổng hợp báo cáo")  # top row: the first due (10/03)
    assert any(label.startswith("Các sở báo cáo định kỳ") for label in labels)
    today_lines = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert [_day(line.get_xdata()[0]) for line in today_lines] == [TODAY]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Hôm nay 01/03/2026" in legend and "Đã quá hạn" in legend and "Định kỳ" in legend
    marks = {
        c.get_gid(): [mdates.num2date(x).date() for x in c.get_offsets()[:, 0]]
        for c in ax.collections
        if c.get_gid()
    }
    assert marks["clause-1"] == [D(2026, 3, 15)]
    assert D(2026, 3, 10) in marks["clause-2"] and D(2026, 6, 10) in marks["clause-2"]
    assert marks["clause-6"] == [D(2019, 6, 30), D(2019, 12, 31)]  # inside its plan's period only
    assert ax.get_title(loc="left") == "Hạn chót — thử"
    image = Image.open(io.BytesIO(png(fig)))
    assert image.format == "PNG" and image.size == (1100, int(100 * (1.6 + 0.42 * 5)))


def test_calendar_parses_back_with_rrules():
    found = tasks(RECORDS, PLANS)
    raw = calendar(found, "Sở Nội vụ", TODAY).to_ical()
    parsed = Calendar.from_ical(raw)
    assert str(parsed["X-WR-CALNAME"]) == "Hạn chót — Sở Nội vụ"
    events = {str(e["SUMMARY"]): e for e in parsed.walk("VEVENT")}
    assert len(events) == 5 and len({str(e["UID"]) for e in events.values()}) == 5
    once = next(e for s, e in events.items() if s.startswith("Sở Tài chính"))
    assert once.decoded("DTSTART") == D(2026, 3, 15) and "RRULE" not in once
    quarterly = next(e for s, e in events.items() if s.startswith("Sở Nội vụ tổng hợp"))
    assert quarterly.decoded("DTSTART") == D(2025, 3, 10)  # the first due date in the plan's period
    rule = quarterly["RRULE"]
    assert rule["FREQ"] == ["YEARLY"] and rule["BYMONTH"] == [3, 6, 9, 12] and rule["BYMONTHDAY"] == [10]
    assert rule["UNTIL"] == [D(2027, 12, 31)]
    half = next(e for s, e in events.items() if s.startswith("Các sở"))
    assert half["RRULE"]["BYMONTHDAY"] == [-1] and half.decoded("DTSTART") == D(2019, 6, 30)
    assert "Kế hoạch 12/KH-UBND, mục II.2" in str(quarterly["DESCRIPTION"])


def test_cli_timeline_and_calendar_on_the_bundled_plan(data_dir, tmp_path, capsys):  # noqa: F811
    picture, ics = tmp_path / "t.png", tmp_path / "t.ics"
    assert cli.main(["timeline", "-o", str(picture), "--today", "2019-09-01"]) == 0
    assert Image.open(picture).format == "PNG" and Image.open(picture).size[0] == 1100
    assert cli.main(["calendar", "--agency", "cac so ban nganh", "-o", str(ics)]) == 0
    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    recurring = [e for e in events if "RRULE" in e]
    assert len(recurring) == 1 and recurring[0]["RRULE"]["BYMONTHDAY"] == [10]
    assert recurring[0]["RRULE"]["UNTIL"] == [D(2021, 12, 31)]  # "… định hướng đến năm 2021"
    assert all(str(e["SUMMARY"]).startswith("Các Sở, Ban, ngành") for e in events)
    capsys.readouterr()
    assert cli.main(["calendar", "--agency", "Sở Du hành Vũ trụ", "-o", str(ics)]) == 1
    assert "no agency matching" in capsys.readouterr().err


def test_an_agency_schedule_includes_its_groups_tasks(planbot):
    # "Các Sở, Ban, ngành … trước ngày 10 của tháng cuối quý" is every department's duty
    names = planbot.agency_and_groups("so tai chinh")
    assert names[0] == "Sở Tài chính" and "Các Sở, Ban, ngành" in names
    found = planbot.schedule("Sở Tài chính")
    assert any(t.rule is not None and "Các Sở, Ban, ngành" in t.clause.lead for t in found)
    assert planbot.schedule("Ủy ban nhân dân tỉnh") == planbot.schedule("ubnd tinh")
