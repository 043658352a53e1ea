"""/thongke: days counted in Vietnam time, the 👎 answers with their reasons, through the fake Bot API."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.admin import stats_text
from index.search import Answer, Hit
from tests.fake_bot_api import ADMIN, ALICE, ask, async_test, buttons

UTC = dt.UTC


def _at(library, question_id: int, when: dt.datetime) -> None:
    with library.store.write() as db:
        db.execute("update questions set ts = ? where id = ?", [when.timestamp(), question_id])


def test_days_are_counted_in_vietnam_time(fake_library):
    lib = fake_library
    ids = [lib.log_question(1, 1, f"câu hỏi {i}", Answer(f"câu hỏi {i}", False, [])) for i in range(4)]
    # 18:30 UTC on 1 Dec is 01:30 on 2 Dec in Vietnam; 16:59 UTC is still 1 Dec there
    _at(lib, ids[0], dt.datetime(2026, 12, 1, 18, 30, tzinfo=UTC))
    _at(lib, ids[1], dt.datetime(2026, 12, 1, 16, 59, tzinfo=UTC))
    _at(
        lib, ids[2], dt.datetime(2026, 11, 25, 17, 30, tzinfo=UTC)
    )  # 26/11 00:30 there: the window's first day
    _at(lib, ids[3], dt.datetime(2026, 11, 25, 16, 30, tzinfo=UTC))  # 25/11 23:30 there: 8 days back
    now = dt.datetime(2026, 12, 1, 20, 0, tzinfo=UTC).timestamp()  # 2 Dec, 03:00 in Vietnam
    stats = lib.stats(7, now=now)
    assert stats["per_day"] == [("2026-11-26", 1), ("2026-12-01", 1), ("2026-12-02", 1)]
    assert stats["declined"][0] == ("2026-12-02T01:30", "câu hỏi 0")


def test_disliked_answers_listed_with_the_answer_and_reason(fake_library):
    lib = fake_library
    lib.ingest(_plan(lib))
    clause = lib.clauses()[1]
    good = lib.log_question(
        7, 7, "Ai lập quy hoạch?", Answer("Ai lập quy hoạch?", True, [Hit(clause, clause.text, 1.0)])
    )
    bad = lib.log_question(7, 7, "Thời tiết?", Answer("Thời tiết?", False, []))
    lib.record_feedback(good, 7, -1)
    lib.record_feedback(good, 8, -1, "wrong_deadline")
    lib.record_feedback(bad, 7, -1, "irrelevant")
    lib.record_feedback(bad, 9, 1)
    with pytest.raises(ValueError):
        lib.record_feedback(good, 7, -1, "because")
    stats = lib.stats()
    assert stats["feedback"] == {"up": 1, "down": 3}
    assert [(d["question"], d["reason"]) for d in stats["disliked"]] == [
        ("Thời tiết?", "irrelevant"),
        ("Ai lập quy hoạch?", "wrong_deadline"),
        ("Ai lập quy hoạch?", None),
    ]
    text = stats_text(stats)
    assert "Câu trả lời bị 👎</b> (3 gần nhất)" in text
    assert "“Thời tiết?”\n   → (bot đã từ chối trả lời) · <b>không liên quan</b>" in text
    assert f"→ 45/KH-UBND, mục {clause.section}" in text and "<b>sai hạn</b>" in text
    assert "Giờ Việt Nam (UTC+7)" in text


def _plan(lib):
    from tests.test_library import OTHER_PLAN

    path = lib.settings.data_dir.parent / "45.txt"
    path.write_text(OTHER_PLAN, encoding="utf-8")
    return path


@async_test
async def test_a_thumbs_down_asks_why_and_thongke_lists_it(api, planbot, tmp_path):
    from tests.fake_bot_api import start_bot

    async with start_bot(api, planbot, tmp_path):
        _, card = await ask(api, "Sở Xây dựng cấp phép xây dựng trong bao nhiêu ngày?", ALICE)
        since = api.mark()
        api.press(card, buttons(card)["👎"], ALICE)
        await api.wait_for("editMessageReplyMarkup", since=since)
        shown = api.message(ALICE["id"], card["message_id"])
        keys = buttons(shown)
        assert {"Sai cơ quan", "Sai hạn", "Không liên quan", "Đã ghi nhận 👎"} <= set(keys)
        since = api.mark()
        api.press(shown, keys["Sai hạn"], ALICE)
        thanks = await api.wait_for("answerCallbackQuery", since=since)
        assert "sai hạn" in thanks.params["text"]
        await api.wait_for("editMessageReplyMarkup", since=since)
        assert "Sai hạn" not in buttons(api.message(ALICE["id"], card["message_id"]))
        _, reply = await ask(api, "/thongke", ADMIN)
    text = api.calls_of("sendMessage")[-1].params["text"]
    assert "“Sở Xây dựng cấp phép xây dựng trong bao nhiêu ngày?”" in text
    entry = text.split("“Sở Xây dựng cấp phép xây dựng trong bao nhiêu ngày?”")[1].split("\n•")[0]
    assert "629/KH-UBND, mục" in entry and "<b>sai hạn</b>" in entry
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).strftime("%d/%m/%Y")
    assert today in reply["text"]  # today's questions, counted on Vietnam's day
