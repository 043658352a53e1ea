"""The bot end to end: questions, answer cards and their buttons, limits, errors, logging.

The real python-telegram-bot Application polls a fake Bot API server on 127.0.0.1
(tests/fake_bot_api.py) over HTTP; every message it sends is checked there for valid
HTML and length. Paths that matter run on the real library (bundled plan, real
model); FakeLibrary is used where a test must make the library fail or wait.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from bot import browse_cards, cards, html_split
from bot.app import ADMIN_COMMANDS, COMMANDS, install_redaction
from bot.limits import QuestionLimiter
from tests.fake_bot_api import (
    ADMIN,
    ALICE,
    BOB,
    GROUP,
    TOKEN,
    FakeLibrary,
    ask,
    async_test,
    buttons,
    parse_html,
    start_bot,
)

REPO = Path(__file__).resolve().parents[1]


# --- the fake itself: it must refuse what Telegram refuses --------------------------------


@async_test
async def test_fake_api_refuses_what_telegram_refuses(api):
    from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
    from telegram.error import BadRequest

    bad = ["<b>unclosed", "<script>x</script>", "a & b", "x < y", "<b><i>crossed</b></i>", "😀" * 2049, "  "]
    async with Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url) as tg:
        for text in bad:
            with pytest.raises(BadRequest):
                await tg.send_message(ALICE["id"], text, parse_mode="HTML")
        with pytest.raises(BadRequest):
            await tg.send_message(
                ALICE["id"],
                "ok",
                reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="é" * 33)]]),
            )
        sent = await tg.send_message(
            ALICE["id"], "<b>ok</b> &amp; <a href='https://x.vn'>link</a> " + "😀" * 2000, parse_mode="HTML"
        )
        await tg.edit_message_text("<b>ok</b>", ALICE["id"], sent.message_id, parse_mode="HTML")
        with pytest.raises(BadRequest, match="not modified"):
            await tg.edit_message_text("<b>ok</b>", ALICE["id"], sent.message_id, parse_mode="HTML")
        with pytest.raises(BadRequest):
            await tg.answer_callback_query("never-sent")
    assert len(api.errors()) == len(bad) + 3
    api.calls.clear()  # the refusals were the point of this test


# --- /start, /help, the command menu ---------------------------------------------------


@async_test
async def test_start_shows_example_and_menu_is_registered(api, tmp_path):
    async with start_bot(api, FakeLibrary(), tmp_path):
        _, reply = await ask(api, "/start")
        assert "Sở Xây dựng phải làm gì" in reply["text"]
        assert "/coquan" in reply["text"] and "@planbot_test_bot" in reply["text"]
        assert "Quản trị viên" not in reply["text"]
        _, admin_help = await ask(api, "/help", ADMIN)
        assert "/xoa" in admin_help["text"] and "20 MB" in admin_help["text"]
    assert [c["command"] for c in api.commands["default"]] == [c for c, _ in COMMANDS]
    assert [c["command"] for c in api.commands[f"chat:{ADMIN['id']}"]] == [
        c for c, _ in COMMANDS + ADMIN_COMMANDS
    ]


def test_readme_documents_every_registered_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- bot-commands -->")[1].split("<!-- /bot-commands -->")[0]
    for command, _ in COMMANDS + ADMIN_COMMANDS:
        assert f"/{command}" in section, command


# --- questions on the real library --------------------------------------------------------


@async_test
async def test_question_answered_with_agency_deadline_quote_and_citation(api, planbot, tmp_path):
    async with start_bot(api, planbot, tmp_path, typing_after_seconds=0):
        _, reply = await ask(api, "Thời gian cấp phép xây dựng phải rút xuống còn bao nhiêu ngày?")
    html = api.calls_of("sendMessage")[-1].params["text"]
    assert "Chủ trì:</b> Sở Xây dựng" in html
    assert "dưới 63 ngày làm việc" in html
    assert re.search(r"<blockquote>[^<]*63 ngày làm việc[^<]*</blockquote>", html)
    assert "629/KH-UBND" in html and "II.2.a" in html and "14/02/2019" in html
    assert set(buttons(reply)) >= {"📄 Toàn văn", "Kết quả khác ▶", "👍", "👎"}
    assert any(c.method == "sendChatAction" for c in api.calls)  # answers slower than 0 s show it


@async_test
async def test_an_answer_faster_than_the_typing_delay_costs_one_request(api, planbot, tmp_path):
    """No typing action for a quick answer: each is a request of the ~30 a second Telegram allows."""
    async with start_bot(api, planbot, tmp_path, typing_after_seconds=60):
        _, reply = await ask(api, "Sở Xây dựng có nhiệm vụ gì?")
    assert reply["text"] and not api.calls_of("sendChatAction")


@async_test
async def test_unaccented_and_english_questions(api, planbot, tmp_path):
    async with start_bot(api, planbot, tmp_path):
        _, plain = await ask(api, "so xay dung phai lam gi, han khi nao")
        _, english = await ask(api, "What must Sở Xây dựng do and by when?")
    assert "Sở Xây dựng" in plain["text"] and "II.2.a" in plain["text"] and "Chủ trì" in plain["text"]
    # "what must X do" is the agency's task list (issue 9), in English labels
    assert (
        "Sở Xây dựng: " in english["text"]
        and "Lead" in english["text"]
        and "Plan 629/KH-UBND" in english["text"]
    )
    assert "dưới 63 ngày làm việc" in english["text"]  # the plan's own words, not translated


@async_test
async def test_group_answers_only_when_addressed(api, planbot, tmp_path):
    async with start_bot(api, planbot, tmp_path):
        since = api.mark()
        api.send_text("Sở Xây dựng phải làm gì?", BOB, GROUP)  # chatter between people
        asked, reply = await ask(api, "@planbot_test_bot Sở Xây dựng phải làm gì?", BOB, GROUP)
        await api.settle()
        to_group = [c for c in api.calls_of("sendMessage", since) if c.params["chat_id"] == GROUP["id"]]
        assert len(to_group) == 1
        assert to_group[0].params["reply_parameters"]["message_id"] == asked["message_id"]
        assert "Sở Xây dựng" in reply["text"] and "@planbot_test_bot" not in reply["text"]

        _, followup = await ask(api, "Sở Tài chính phải làm gì?", ALICE, GROUP, reply_to=reply)
        assert "Sở Tài chính" in followup["text"]
        _, by_command = await ask(api, "/hoi@planbot_test_bot so xay dung lam gi", ALICE, GROUP)
        assert "Sở Xây dựng" in by_command["text"]

        since = api.mark()
        human = api.send_text("ai trực hôm nay?", ALICE, GROUP)
        api.send_text("mình trực", BOB, GROUP, reply_to=human)  # a reply, but not to the bot
        api.send_text("hỏi @someone_else nhé", BOB, GROUP)
        await ask(api, "/kehoach", ALICE, GROUP)
        await api.settle()
        texts = [c.params["text"] for c in api.calls_of("sendMessage", since)]
        assert len(texts) == 1 and "629/KH-UBND" in texts[0]


@async_test
async def test_answer_buttons(api, planbot, tmp_path):
    async with start_bot(api, planbot, tmp_path):
        _, card = await ask(api, "Thời gian cấp phép xây dựng phải rút xuống còn bao nhiêu ngày?")
        keys = buttons(card)

        since = api.mark()
        api.press(card, keys["📄 Toàn văn"], ALICE)
        full = await api.wait_reply(ALICE["id"], since)
        assert "rút ngắn thời gian cấp phép" in full.params["text"] and "II.2.a" in full.params["text"]
        assert full.params["reply_parameters"]["message_id"] == card["message_id"]

        since = api.mark()
        api.press(card, keys["Kết quả khác ▶"], ALICE)
        edit = await api.wait_for("editMessageText", since=since)
        assert "Kết quả 2/" in edit.params["text"]
        page2 = api.message(ALICE["id"], card["message_id"])
        assert "◀ Trước" in buttons(page2)
        since = api.mark()
        api.press(page2, buttons(page2)["◀ Trước"], ALICE)
        back = await api.wait_for("editMessageText", since=since)
        assert "Kết quả 1/" in back.params["text"] and "II.2.a" in back.params["text"]

        before = planbot.stats()["feedback"]
        since = api.mark()
        api.press(card, keys["👍"], ALICE)
        thanks = await api.wait_for("answerCallbackQuery", since=since)
        assert "Cảm ơn" in thanks.params["text"]
        marked = await api.wait_for("editMessageReplyMarkup", since=since)
        assert "Đã ghi nhận 👍" in str(marked.params["reply_markup"])
        after = planbot.stats()["feedback"]
        assert after["up"] == before["up"] + 1
        assert all(c.ok for c in api.calls if c.method == "answerCallbackQuery")


@async_test
async def test_declined_question_offers_nearest_clauses(api, planbot, tmp_path):
    async with start_bot(api, planbot, tmp_path):
        _, reply = await ask(api, "Thời tiết ở Đà Lạt cuối tuần này thế nào?")
        assert "Chưa tìm thấy điều khoản phù hợp" in reply["text"]
        suggestions = buttons(reply)
        assert suggestions and all(re.fullmatch(r"c:\d+", d) for d in suggestions.values())
        since = api.mark()
        api.press(reply, next(iter(suggestions.values())), ALICE)
        full = await api.wait_reply(ALICE["id"], since)
        assert "629/KH-UBND" in full.params["text"]
    declined = [q for _, q in planbot.stats()["declined"]]
    assert "Thời tiết ở Đà Lạt cuối tuần này thế nào?" in declined


@async_test
async def test_html_in_question_is_escaped(api, planbot, tmp_path):
    async with start_bot(api, planbot, tmp_path):
        await ask(api, "<b>Sở Xây dựng</b> & <script>alert(1)</script> phải làm gì?")
    html = api.calls_of("sendMessage")[-1].params["text"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&amp;" in html
    assert "<script>" not in html


@async_test
async def test_search_syntax_in_questions_never_errors(api, planbot, tmp_path):
    questions = [
        'Sở Xây dựng "cấp phép',
        "Sở Xây dựng OR Sở Tài chính",
        "cấp phép* xây* dựng*",
        "NEAR(Sở Xây dựng, hạn",
        "((Sở Tài chính) AND (",
        'OR AND NOT * " ( ) : ^ -',
        "",
    ]
    async with start_bot(api, planbot, tmp_path):
        for question in questions:
            _, reply = await ask(api, question or "   ")
            assert "đã có lỗi" not in reply["text"].lower(), question


@async_test
async def test_long_question_is_cut_with_a_note(api, tmp_path):
    library = FakeLibrary()
    async with start_bot(api, library, tmp_path):
        _, reply = await ask(api, "Sở Xây dựng phải làm gì? " + "rất " * 600)
    assert "chỉ xét 1000 ký tự đầu" in reply["text"]
    assert len(library.questions[-1][2]) == 1000


# --- who may ask, how often ------------------------------------------------------------------


@async_test
async def test_rate_limit_per_user(api, tmp_path):
    async with start_bot(api, FakeLibrary(), tmp_path, questions_per_minute=2):
        for _ in range(2):
            _, reply = await ask(api, "Sở Xây dựng phải làm gì?")
            assert "II.2.a" in reply["text"]
        _, limited = await ask(api, "Sở Xây dựng phải làm gì?")
        assert "hỏi hơi nhanh" in limited["text"]
        _, other = await ask(api, "Sở Xây dựng phải làm gì?", BOB)  # a different user is not held back
        assert "II.2.a" in other["text"]


def test_limiter_window():
    now = [0.0]
    limiter = QuestionLimiter(2, clock=lambda: now[0])
    assert limiter.check(1) == 0 and limiter.check(1) == 0
    assert limiter.check(1) == 60
    now[0] = 45.0
    assert limiter.check(1) == 15 and limiter.check(2) == 0
    now[0] = 60.0
    assert limiter.check(1) == 0


@async_test
async def test_allowed_users_only(api, tmp_path):
    library = FakeLibrary()
    async with start_bot(api, library, tmp_path, allowed_users=frozenset({ALICE["id"]})):
        _, refused = await ask(api, "Sở Xây dựng phải làm gì?", BOB)
        assert "chưa được cấp quyền" in refused["text"]
        _, refused_browse = await ask(api, "/coquan", BOB)
        assert "chưa được cấp quyền" in refused_browse["text"]
        _, answered = await ask(api, "Sở Xây dựng phải làm gì?", ALICE)
        assert "II.2.a" in answered["text"]
        since = api.mark()
        api.press(answered, buttons(answered)["📄 Toàn văn"], BOB)
        await api.wait_for("answerCallbackQuery", lambda p: "chưa được cấp quyền" in p.get("text", ""), since)
        _, admin_answer = await ask(api, "Sở Xây dựng phải làm gì?", ADMIN)
        assert "II.2.a" in admin_answer["text"]
    assert [q[0] for q in library.questions] == [ALICE["id"], ADMIN["id"]]


# --- callback data ----------------------------------------------------------------------


@async_test
async def test_forged_and_stale_buttons_change_nothing(api, tmp_path):
    library = FakeLibrary()
    async with start_bot(api, library, tmp_path):
        _, card = await ask(api, "Sở Xây dựng phải làm gì?")
        forged = [
            "m:999:1",
            "f:999:u",
            "c:999999",
            "m:1:99",
            "f:1:x",
            "zzz",
            "c:1;DROP",
            "a:00000000:0",
            "d:forgedtoken1",
            "dx:forged12",
            "al:x",
        ]
        since = api.mark()
        for data in forged:
            api.press(card, data, BOB)
        for _ in forged:
            await api.wait_for("answerCallbackQuery", since=since)
        await api.settle()
        answers = api.calls_of("answerCallbackQuery", since)
        assert len(answers) == len(forged) and all(c.params.get("text") for c in answers)
        changed = [
            c
            for c in api.calls[since:]
            if c.method in {"sendMessage", "editMessageText", "editMessageReplyMarkup", "deleteMessage"}
        ]
        assert changed == []
        assert library.feedback == {} and library.plan_list[0][0] == "629/KH-UBND"


def test_callback_data_fits_64_bytes():
    long_name = "Ban Quản lý các Khu công nghiệp Việt Nam – Singapore và các khu chế xuất tỉnh Bình Dương"
    markup = browse_cards.agencies_keyboard([(long_name, 3)] * 30, 3)[0]
    data = [b.callback_data for row in markup.inline_keyboard for b in row]
    assert data and all(len(d.encode()) <= 64 for d in data)
    assert cards.CB_AGENCY.match(data[0])
    with pytest.raises(ValueError):
        cards.callback("x" * 65)


# --- message splitting --------------------------------------------------------------------


def _clause_set_html() -> str:
    """A /hanchot-like listing far over 4096 UTF-16 units, with emoji and astral characters."""
    blocks = []
    for i in range(40):
        text = f"Sở Xây dựng 🏗️ đẩy mạnh cải cách thủ tục 𝒜 & <cấp phép> số {i}. " * 4
        blocks.append(f"• <b>II.{i}</b> — {cards.esc(text)}\n   ⏰ <i>trước ngày 30/6/2019</i> 😀")
    return (
        "\n\n".join(blocks)
        + "\n\n<blockquote>"
        + cards.esc("Câu trích dẫn rất dài 😀. " * 400)
        + "</blockquote>"
    )


def test_split_respects_limit_tags_and_clause_boundaries():
    html = _clause_set_html()
    assert html_split.utf16_len(html) > 3 * 4096
    parts = html_split.split_html(html)
    assert len(parts) >= 4
    for part in parts:
        assert html_split.utf16_len(part) <= 4096
        visible, errors = parse_html(part)
        assert not errors, errors
    listing = [p for p in parts if "<blockquote>" not in p]
    # the listing parts are cut between items, not inside one
    assert all(p.startswith("• <b>II.") and p.endswith("😀") for p in listing)

    def words(s: str) -> str:
        return re.sub(r"\s+", "", re.sub(r"<[^>]*>", "", s))

    assert words("".join(parts)) == words(html)


def test_split_never_cuts_a_tag_entity_or_surrogate_pair():
    html = "<b>" + ("😀&amp;𝒜x" * 3000) + "</b>"
    for limit in (4096, 101, 37):
        parts = html_split.split_html(html, limit)
        for part in parts:
            assert html_split.utf16_len(part) <= limit
            assert not parse_html(part)[1]
            assert part.startswith("<b>") and part.endswith("</b>")
            part.encode("utf-16-le")  # no lone surrogates
        assert "".join(p[3:-4] for p in parts) == html[3:-4]
    assert html_split.split_html("ngắn") == ["ngắn"]


@async_test
async def test_long_full_text_is_sent_as_several_valid_messages(api, tmp_path):
    library = FakeLibrary()
    long_clause = library.clauses[0]
    long_clause.text = " ".join(
        f"Nhiệm vụ {i}: Sở Xây dựng 🏗️ rút ngắn thời gian cấp phép 𝒜 <b>&</b>." for i in range(300)
    )
    async with start_bot(api, library, tmp_path):
        _, card = await ask(api, "Sở Xây dựng phải làm gì?")
        since = api.mark()
        api.press(card, buttons(card)["📄 Toàn văn"], ALICE)
        await api.wait_for("sendMessage", lambda p: "Nhiệm vụ 299" in p["text"], since)
    parts = [c.params["text"] for c in api.calls_of("sendMessage", since)]
    assert len(parts) >= 3
    assert all(html_split.utf16_len(p) <= 4096 for p in parts)
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in parts[1]


# --- errors and logs ------------------------------------------------------------------------


@async_test
async def test_error_is_logged_with_context_and_user_is_told(api, tmp_path, caplog):
    library = FakeLibrary()
    library.fail_ask = RuntimeError("index exploded")
    caplog.set_level(logging.DEBUG)
    async with start_bot(api, library, tmp_path):
        asked, reply = await ask(api, "Sở Xây dựng phải làm gì?")
    assert "đã có lỗi xảy ra" in reply["text"]
    record = next(r for r in caplog.records if r.name == "bot.handlers" and r.levelno == logging.ERROR)
    assert str(ALICE["id"]) in record.getMessage() and re.search(r"update \d+", record.getMessage())
    assert "index exploded" in caplog.text
    assert TOKEN not in caplog.text and TOKEN.split(":")[1] not in caplog.text
    assert str(ADMIN["id"]) not in caplog.text


def test_token_and_admin_ids_are_redacted_from_library_logs(caplog):
    install_redaction(TOKEN, {ADMIN["id"]})
    caplog.set_level(logging.DEBUG)
    logging.getLogger("httpx").info('HTTP Request: POST https://api.telegram.org/bot%s/getMe "200"', TOKEN)
    logging.getLogger("telegram.ext.ExtBot").debug("Calling sendMessage with {'chat_id': %d}", ADMIN["id"])
    try:
        raise ConnectionError(f"cannot reach https://api.telegram.org/bot{TOKEN}/getUpdates")
    except ConnectionError:
        logging.getLogger("telegram.ext.Updater").exception("polling failed")
    assert "bot<token>/getMe" in caplog.text and "'chat_id': <admin>" in caplog.text
    assert TOKEN not in caplog.text and str(ADMIN["id"]) not in caplog.text


@async_test
async def test_post_shutdown_closes_the_library(api, tmp_path):
    from bot.app import build_application
    from tests.fake_bot_api import bot_settings

    library = FakeLibrary()
    application = build_application(bot_settings(api, tmp_path), library)
    assert application.bot_data["library"] is library
    await application.post_shutdown(application)
    assert library.closed


def test_the_bot_meters_its_bot_api_requests_at_the_rate_set(api, tmp_path):
    """Telegram allows a bot ~30 requests a second; PLANBOT_BOT_API_RATE raises it, 0 unmeters."""
    from telegram.ext import AIORateLimiter

    from bot.app import build_application
    from planbot.settings import Settings
    from tests.fake_bot_api import bot_settings

    settings = bot_settings(api, tmp_path)
    assert settings.bot_api_rate == 30 == Settings.from_env({}).bot_api_rate
    metered = build_application(settings, FakeLibrary()).bot.rate_limiter
    assert isinstance(metered, AIORateLimiter) and metered._base_limiter.max_rate == 30
    raised = Settings.from_env({"PLANBOT_BOT_API_RATE": "100"})
    assert (
        build_application(
            settings.with_(bot_api_rate=raised.bot_api_rate), FakeLibrary()
        ).bot.rate_limiter._base_limiter.max_rate
        == 100
    )
    assert build_application(settings.with_(bot_api_rate=0), FakeLibrary()).bot.rate_limiter is None


@async_test
async def test_questions_in_flight_run_in_one_pool_of_the_update_slots(api, tmp_path):
    """As many library threads as update slots, so the questions in flight reach the encoder together."""
    import asyncio
    import threading

    from planbot.settings import Settings

    assert Settings.from_env({"PLANBOT_ANSWER_SLOTS": "4"}).answer_slots == 4
    seen, release = set(), threading.Event()

    class Waiting(FakeLibrary):
        def ask(self, *args, **kwargs):
            seen.add(threading.current_thread().name)
            release.wait(5)
            return super().ask(*args, **kwargs)

    async with start_bot(api, Waiting(), tmp_path, answer_slots=3) as application:
        assert application.update_processor.max_concurrent_updates == 3
        for n in range(3):
            api.send_text(f"Sở Xây dựng có nhiệm vụ gì? {n}", ALICE)
        for _ in range(100):
            if len(seen) == 3:
                break
            await asyncio.sleep(0.05)
        release.set()
        assert len(seen) == 3 and all(name.startswith("planbot-answer") for name in seen)


# --- run_bot -------------------------------------------------------------------------------


def test_run_bot_long_polls_until_stopped_and_closes_the_library(api, tmp_path, monkeypatch):
    import threading
    import time

    from telegram.ext import CommandHandler

    from bot import app as bot_app
    from tests.fake_bot_api import bot_settings

    library = FakeLibrary()
    real_build = bot_app.build_application

    async def stop(update, context):
        context.application.stop_running()

    def build(settings, lib):
        application = real_build(settings, lib)
        # how this test ends the run: a command only it sends, handled inside the bot's loop
        application.add_handler(CommandHandler("stop_test", stop), group=-1)
        return application

    monkeypatch.setattr(bot_app, "build_application", build)
    seen = {}

    def user():
        end = time.monotonic() + 30
        while not api.calls_of("deleteWebhook") and time.monotonic() < end:
            time.sleep(0.02)
        since = api.mark()
        api.send_text("Sở Xây dựng phải làm gì?", ALICE)
        while not api.calls_of("sendMessage", since) and time.monotonic() < end:
            time.sleep(0.02)
        seen["reply"] = [c.params["text"] for c in api.calls_of("sendMessage", since)]
        api.send_text("/stop_test", ALICE)

    driver = threading.Thread(target=user, daemon=True)
    driver.start()
    bot_app.run_bot(bot_settings(api, tmp_path), library)
    driver.join(5)
    assert seen["reply"] and "II.2.a" in seen["reply"][0]
    assert api.commands["default"]  # post_init ran
    assert library.closed  # post_shutdown ran


def test_run_bot_uses_a_webhook_when_given_a_url(api, tmp_path, monkeypatch):
    from telegram.ext import Application

    from bot.app import run_bot, webhook_secret
    from tests.fake_bot_api import bot_settings

    calls = {}
    monkeypatch.setattr(Application, "run_webhook", lambda self, **kwargs: calls.update(kwargs))
    monkeypatch.setattr(Application, "run_polling", lambda self, **kwargs: pytest.fail("polled"))
    library = FakeLibrary()
    bundled = []
    library.ensure_bundled = lambda: bundled.append(True) or []
    run_bot(
        bot_settings(api, tmp_path), library, webhook_url="https://bot.example.vn/planbot/hook", port=8444
    )
    assert (
        calls["webhook_url"] == "https://bot.example.vn/planbot/hook" and calls["url_path"] == "planbot/hook"
    )
    assert calls["port"] == 8444 and calls["secret_token"] == webhook_secret(TOKEN)
    assert TOKEN not in calls["secret_token"] and TOKEN not in calls["url_path"]
    assert bundled == [True]
