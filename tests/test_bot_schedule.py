"""/hanchot's agenda, the timeline photo, /lich's .ics, /toi, through the fake Bot API."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

from icalendar import Calendar
from PIL import Image

from bot import cards, schedule
from nlp.deadlines import Deadline
from tests.fake_bot_api import ALICE, BOB, GROUP, FakeLibrary, ask, async_test, buttons, start_bot

D = dt.date


def _library() -> FakeLibrary:
    """The fake's clauses, dated in a plan that still runs, plus a quarterly report."""
    library = FakeLibrary()
    library.plan_list = [
        ("629/KH-UBND", "2025-02-14", "Kế hoạch cải thiện môi trường kinh doanh giai đoạn 2025 - 2027")
    ]
    first, second, third, fourth = library.clauses
    library.clauses = [
        dataclasses.replace(c, plan_date="2025-02-14")
        for c in (
            first,
            dataclasses.replace(second, deadline=Deadline("trước ngày 30/6/2026", "date", "2026-06-30")),
            dataclasses.replace(third, deadline=Deadline("trong quý IV/2025", "date", "2025-12-31")),
            dataclasses.replace(
                fourth,
                text="Sở Kế hoạch và Đầu tư tổng hợp, báo cáo trước ngày 10 của tháng cuối quý.",
                deadline=Deadline("trước ngày 10 của tháng cuối quý", "recurring"),
            ),
        )
    ]
    return library


@async_test
async def test_deadlines_due_soon_recurring_then_overdue_with_timeline_and_calendar(
    api, tmp_path, monkeypatch
):
    monkeypatch.setattr(schedule, "today_in_vietnam", lambda: D(2026, 6, 1))
    library = _library()
    async with start_bot(api, library, tmp_path):
        _, reply = await ask(api, "/hanchot 30")
        text = reply["text"]
        assert text.index("Đến hạn trong 30 ngày tới (2)") < text.index("Đã quá hạn (1)")
        soon = text[: text.index("Đã quá hạn")]
        assert soon.index("10/06/2026") < soon.index("30/06/2026")  # by date, recurring among them
        assert "lần tới: 10/06/2026, 10/09/2026, 10/12/2026" in text
        assert "31/12/2025" in text[text.index("Đã quá hạn") :]
        assert "hết thời kỳ" not in text
        keys = buttons(reply)
        assert keys == {"📈 Dòng thời gian": "tl:all"}

        since = api.mark()
        api.press(reply, keys["📈 Dòng thời gian"], ALICE)
        photo = await api.wait_for("sendPhoto", since=since)
        image = Image.open(io.BytesIO(photo.params["photo"].content))
        assert image.format == "PNG" and image.size[0] == 1100
        assert "mọi cơ quan" in photo.params["caption"] and "01/06/2026" in photo.params["caption"]
        assert "Gần nhất: 10/06/2026" in photo.params["caption"]

        _, one = await ask(api, "/hanchot so kh dt")
        assert "của <b>Sở Kế hoạch và Đầu tư</b>" in api.calls_of("sendMessage")[-1].params["text"]
        keys = buttons(one)
        key = cards.agency_key("Sở Kế hoạch và Đầu tư")
        assert keys == {"📈 Dòng thời gian": f"tl:{key}", "📅 Lịch (.ics)": f"ic:{key}"}
        since = api.mark()
        api.press(one, keys["📅 Lịch (.ics)"], ALICE)
        sent = await api.wait_for("sendDocument", since=since)
        upload = sent.params["document"]
        assert upload.filename == "hanchot-so-ke-hoach-va-dau-tu.ics"
        events = Calendar.from_ical(upload.content).walk("VEVENT")
        assert len(events) == 2
        (quarterly,) = [e for e in events if "RRULE" in e]
        assert quarterly["RRULE"]["BYMONTH"] == [3, 6, 9, 12] and quarterly.decoded("DTSTART") == D(
            2025, 3, 10
        )
        assert "2 sự kiện từ 2 nhiệm vụ" in sent.params["caption"]


@async_test
async def test_an_ended_plan_is_one_line_not_a_wall_of_overdue(api, planbot, tmp_path):
    found = planbot.schedule()
    assert len(found) >= 4
    async with start_bot(api, planbot, tmp_path):  # today: the 2019 plan's period (to 2021) is over
        since = api.mark()
        api.send_text("/hanchot", ALICE)
        await api.wait_for("sendMessage", lambda p: "hết thời kỳ" in p["text"], since)
        await api.settle()
        body = "\n".join(c.params["text"] for c in api.calls_of("sendMessage", since))
        assert "Đã quá hạn" not in body
        assert (
            f"<b>629/KH-UBND</b>: thời kỳ kế hoạch đến 31/12/2021 đã kết thúc; {len(found)} nhiệm vụ" in body
        )


@async_test
async def test_hanchot_in_2019_lists_next_quarterly_dates(api, planbot, tmp_path, monkeypatch):
    monkeypatch.setattr(schedule, "today_in_vietnam", lambda: D(2019, 9, 11))
    async with start_bot(api, planbot, tmp_path):
        _, reply = await ask(api, "/hanchot 20")
        text = api.calls_of("sendMessage")[-1].params["text"]
        assert "Không có nhiệm vụ nào đến hạn trong 20 ngày tới" in reply["text"]
        assert "Nhiệm vụ định kỳ" in text and "lần tới: 10/12/2019, 10/03/2020, 10/06/2020" in text
        assert "Đã quá hạn</b> (1)" in text and "31/03/2019" in text


@async_test
async def test_lich_sends_the_agency_calendar(api, planbot, tmp_path):
    async with start_bot(api, planbot, tmp_path):
        since = api.mark()
        api.send_text("/lich cac so ban nganh", ALICE)
        sent = await api.wait_for("sendDocument", since=since)
        events = Calendar.from_ical(sent.params["document"].content).walk("VEVENT")
        assert events and any("RRULE" in e for e in events)
        assert all(str(e["SUMMARY"]).startswith("Các Sở, Ban, ngành") for e in events)
        _, unknown = await ask(api, "/lich Sở Du hành Vũ trụ")
        assert "Không tìm thấy cơ quan" in unknown["text"]
        _, usage = await ask(api, "/lich")
        assert "Cách dùng" in usage["text"]


@async_test
async def test_coquan_offers_the_timeline(api, planbot, tmp_path):
    async with start_bot(api, planbot, tmp_path):
        _, reply = await ask(api, "/coquan Sở Nội vụ")
        since = api.mark()
        api.press(reply, buttons(reply)["📈 Dòng thời gian"], ALICE)
        photo = await api.wait_for("sendPhoto", since=since)
        assert "Sở Nội vụ" in photo.params["caption"]
        assert Image.open(io.BytesIO(photo.params["photo"].content)).format == "PNG"


@async_test
async def test_toi_gives_the_id_even_to_a_user_not_allowed(api, tmp_path):
    async with start_bot(api, FakeLibrary(), tmp_path, allowed_users=frozenset({ALICE["id"]})):
        _, refused = await ask(api, "/hanchot", BOB)
        assert "chưa được cấp quyền" in refused["text"]
        _, mine = await ask(api, "/toi", BOB)
        assert f"<code>{BOB['id']}</code>" in api.calls_of("sendMessage")[-1].params["text"]
        assert "PLANBOT_ADMIN_IDS" in mine["text"]
        _, group = await ask(api, "/id", ALICE, GROUP)
        assert str(GROUP["id"]) in group["text"] and str(ALICE["id"]) in group["text"]
