"""Browsing end to end: /coquan, /hanchot, /kehoach, subscriptions and the daily digest."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from bot import browse_cards, cards, schedule
from bot.browse import DIGEST_TIME, send_deadline_digest
from tests.fake_bot_api import (
    ALICE,
    GROUP,
    FakeLibrary,
    ask,
    async_test,
    buttons,
    start_bot,
)


@async_test
async def test_agency_tasks_accent_and_abbreviation_insensitive(api, planbot, tmp_path):
    canonical, lead, partners = planbot.agency_tasks("Sở Kế hoạch và Đầu tư")
    assert canonical and lead
    async with start_bot(api, planbot, tmp_path):
        _, reply = await ask(api, "/coquan so kh dt")
        assert canonical in reply["text"]
        assert f"chủ trì {len(lead)}, phối hợp {len(partners)}" in reply["text"]
        keys = buttons(reply)
        assert keys["1"] == f"c:{lead[0].id}"
        since = api.mark()
        api.press(reply, keys["1"], ALICE)
        full = await api.wait_reply(ALICE["id"], since)
        assert cards.esc(lead[0].section) in full.params["text"]

        _, unknown = await ask(api, "/coquan Sở Du hành Vũ trụ")
        assert "Không tìm thấy cơ quan" in unknown["text"]


@async_test
async def test_agency_buttons_without_argument(api, planbot, tmp_path):
    agencies = planbot.agencies()
    async with start_bot(api, planbot, tmp_path):
        _, reply = await ask(api, "/coquan")
        keys = buttons(reply)
        first = f"{agencies[0][0]} ({agencies[0][1]})"
        assert cards.shorten(first, 60) in keys
        since = api.mark()
        api.press(reply, keys[cards.shorten(first, 60)], ALICE)
        edit = await api.wait_for("editMessageText", since=since)
        assert cards.esc(agencies[0][0]) in edit.params["text"]
        assert len(agencies) > browse_cards.AGENCIES_PER_PAGE
        tasks = api.message(ALICE["id"], reply["message_id"])
        since = api.mark()
        api.press(tasks, buttons(tasks)["☰ Các cơ quan"], ALICE)  # back to the list
        await api.wait_for("editMessageText", since=since)
        listing = api.message(ALICE["id"], reply["message_id"])
        since = api.mark()
        api.press(listing, buttons(listing)["Tiếp ▶"], ALICE)
        await api.wait_for("editMessageText", since=since)
        page2 = api.message(ALICE["id"], reply["message_id"])
        ninth = agencies[browse_cards.AGENCIES_PER_PAGE]
        assert cards.shorten(f"{ninth[0]} ({ninth[1]})", 60) in buttons(page2)


@async_test
async def test_deadlines_listing(api, planbot, tmp_path, monkeypatch):
    # Issue 13 changed this listing: due soon first (recurring duties among them), then overdue
    # latest first; checked on a day inside the bundled plan's period (2019-2021).
    monkeypatch.setattr(schedule, "today_in_vietnam", lambda: dt.date(2019, 11, 1))
    overdue, upcoming = planbot.deadlines(60, today=dt.date(2019, 11, 1))
    assert overdue and upcoming
    async with start_bot(api, planbot, tmp_path):
        since = api.mark()
        api.send_text("/hanchot 60", ALICE)
        await api.wait_for("sendMessage", lambda p: "Đã quá hạn" in p["text"], since)
        await api.settle()
        texts = [c.params["text"] for c in api.calls_of("sendMessage", since)]
        body = "\n".join(texts)
        assert "đến hạn trong 60 ngày tới" in body.lower()
        soon, late = body.split("Đã quá hạn")
        dates = [
            dt.datetime.strptime(d, "%d/%m/%Y").date()
            for d in re.findall(r"• <b>(\d\d/\d\d/\d{4})</b>", soon)
        ]
        assert dates == sorted(dates) and len(dates) == len(upcoming) + 1  # + the quarterly report's 10/12
        past = [
            dt.datetime.strptime(d, "%d/%m/%Y").date()
            for d in re.findall(r"• <b>(\d\d/\d\d/\d{4})</b>", late)
        ]
        assert past == sorted(past, reverse=True) and len(past) == len(overdue)
        assert "629/KH-UBND" in body and "mục" in body

        agency = overdue[0].lead[0] if overdue[0].lead else planbot.agencies()[0][0]
        await ask(api, f"/hanchot 60 {agency}")
        only = api.calls_of("sendMessage")[-1].params["text"]
        agency_overdue, _ = planbot.deadlines(60, agency, dt.date(2019, 11, 1))
        assert f"Đã quá hạn</b> của <b>{cards.esc(agency)}</b> ({len(agency_overdue)})" in only
        _, unknown = await ask(api, "/hanchot Sở Du hành Vũ trụ")
        assert "Không tìm thấy cơ quan" in unknown["text"]


@async_test
async def test_plans_listing(api, planbot, tmp_path):
    async with start_bot(api, planbot, tmp_path):
        _, reply = await ask(api, "/kehoach")
    assert "629/KH-UBND" in reply["text"] and "14/02/2019" in reply["text"] and "điều khoản" in reply["text"]


@async_test
async def test_subscription_digest_job(api, planbot, tmp_path):
    dated = [c for c in planbot.deadlines(100_000, today=dt.date(2000, 1, 1))[1] if c.lead]
    assert dated, "the bundled plan has deadlines with a due date and a lead agency"
    target = dated[0]
    due = dt.date.fromisoformat(target.deadline.due)
    agency = target.lead[0]
    try:
        await _subscribe_and_digest(api, planbot, tmp_path, target, due, agency)
    finally:  # the library is shared with the rest of the session
        planbot.unsubscribe(GROUP["id"])


async def _subscribe_and_digest(api, planbot, tmp_path, target, due, agency):
    async with start_bot(api, planbot, tmp_path) as application:
        daily = application.job_queue.get_jobs_by_name("deadline-digest")
        assert len(daily) == 1 and daily[0].next_t is not None
        await ask(api, f"/theodoi {agency}", ALICE, GROUP)
        assert f"Đã theo dõi <b>{cards.esc(agency)}</b>" in api.calls_of("sendMessage")[-1].params["text"]
        assert (GROUP["id"], agency) in planbot.subscriptions()

        since = api.mark()
        application.job_queue.run_once(send_deadline_digest, 0, data={"today": due - dt.timedelta(days=3)})
        digest = await api.wait_for("sendMessage", lambda p: p["chat_id"] == GROUP["id"], since)
        assert "🔔" in digest.params["text"] and agency in digest.params["text"]
        assert (
            target.deadline.text in digest.params["text"]
            or cards.esc(target.deadline.text) in digest.params["text"]
        )
        assert cards.format_date(target.deadline.due) in digest.params["text"]

        since = api.mark()
        application.job_queue.run_once(send_deadline_digest, 0, data={"today": due + dt.timedelta(days=30)})
        await api.settle(0.5)
        assert not api.calls_of("sendMessage", since)  # nothing due that week: no message

        _, bye = await ask(api, "/huytheodoi", ALICE, GROUP)
        assert "Đã hủy theo dõi 1" in bye["text"]
        assert not [s for s in planbot.subscriptions() if s[0] == GROUP["id"]]
        since = api.mark()
        application.job_queue.run_once(send_deadline_digest, 0, data={"today": due - dt.timedelta(days=3)})
        await api.settle(0.5)
        assert not api.calls_of("sendMessage", since)
    assert DIGEST_TIME.utcoffset() == dt.timedelta(hours=7)


@async_test
async def test_subscribe_unknown_agency_and_usage(api, tmp_path):
    library = FakeLibrary()
    async with start_bot(api, library, tmp_path):
        _, unknown = await ask(api, "/theodoi Sở Du hành Vũ trụ")
        assert "Không tìm thấy cơ quan" in unknown["text"]
        _, usage = await ask(api, "/theodoi")
        assert "Cách dùng" in usage["text"] and "chưa theo dõi" in usage["text"]
        _, none = await ask(api, "/huytheodoi")
        assert "chưa theo dõi" in none["text"]
    assert library.subs == set()


@async_test
async def test_agency_tasks_are_paginated(api, tmp_path):
    library = FakeLibrary()
    base = library.clauses[0]
    library.clauses += [dataclasses.replace(base, id=100 + i, section=f"IV.{i + 1}") for i in range(12)]
    async with start_bot(api, library, tmp_path):
        _, page1 = await ask(api, "/coquan SO XAY DUNG")
        assert "Trang 1/3" in page1["text"] and "chủ trì 13, phối hợp 1" in page1["text"]
        since = api.mark()
        api.press(page1, buttons(page1)["Tiếp ▶"], ALICE)
        edit = await api.wait_for("editMessageText", since=since)
        assert "Trang 2/3" in edit.params["text"] and "IV.6" in edit.params["text"]
        page2 = api.message(ALICE["id"], page1["message_id"])
        assert buttons(page2)["7"] == "c:105"
        since = api.mark()
        api.press(page2, buttons(page2)["Tiếp ▶"], ALICE)
        edit = await api.wait_for("editMessageText", since=since)
        assert "Trang 3/3" in edit.params["text"] and "<b>Phối hợp</b>" in edit.params["text"]
        page3 = api.message(ALICE["id"], page1["message_id"])
        assert "Tiếp ▶" not in buttons(page3)
        since = api.mark()
        api.press(page3, buttons(page3)["◀ Trước"], ALICE)
        edit = await api.wait_for("editMessageText", since=since)
        assert "Trang 2/3" in edit.params["text"]
        since = api.mark()
        api.press(page1, "a:" + cards.agency_key("Sở Xây dựng") + ":1", ALICE)  # the page already shown
        await api.wait_for("answerCallbackQuery", since=since)  # "not modified" is not an error
