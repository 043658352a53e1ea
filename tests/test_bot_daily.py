"""The rough edges a daily user hits: English help, the readiness line, "đang chuẩn bị…", /theodoi."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys

from bench.fake_bot_api import BOT_USERNAME
from bot import browse
from bot.app import readiness_line
from bot.browse import send_deadline_digest
from tests.conftest import MODEL_CACHE, REPO
from tests.fake_bot_api import ADMIN, ALICE, GROUP, FakeLibrary, ask, async_test, start_bot
from tests.test_cli import data_dir  # noqa: F401  (the fixture)

D = dt.date


@async_test
async def test_start_and_help_in_english_for_english_users(api, tmp_path):
    english = {**ALICE, "language_code": "en-GB"}
    async with start_bot(api, FakeLibrary(), tmp_path):
        _, start = await ask(api, "/start", english)
        assert start["text"].startswith("👋 Hello! I am Planbot") and f"@{BOT_USERNAME}" in start["text"]
        assert "Xin chào" not in start["text"]
        _, admin = await ask(api, "/help", {**ADMIN, "language_code": "en"})
        assert "Admins" in admin["text"] and "remove a plan" in admin["text"]
        _, vietnamese = await ask(api, "/help", ALICE)
        assert vietnamese["text"].startswith("👋 Xin chào!") and "/lich" in vietnamese["text"]


@async_test
async def test_serve_says_which_bot_which_plans_and_how(api, tmp_path, capsys):
    async with start_bot(api, FakeLibrary(), tmp_path):
        pass
    (line,) = [line for line in capsys.readouterr().out.splitlines() if line.startswith("planbot ready")]
    assert line == (
        f"planbot ready: @{BOT_USERNAME} · 1 plan: 629/KH-UBND (14/02/2019, 4 clauses) · long polling"
    )


def test_readiness_line_for_a_webhook_and_no_plans():
    line = readiness_line("x_bot", [], "webhook https://example.org/hook (port 8443)")
    assert line == (
        "planbot ready: @x_bot · 0 plans: none yet (send one as an admin) · "
        "webhook https://example.org/hook (port 8443)"
    )


@async_test
async def test_a_question_waiting_for_the_model_says_it_is_preparing(api, tmp_path):
    library = FakeLibrary()
    library.model_ready = False
    async with start_bot(api, library, tmp_path):
        since = api.mark()
        api.send_text("Sở Xây dựng cấp phép xây dựng trong bao nhiêu ngày?", ALICE)
        await api.wait_for(
            "sendMessage", lambda p: "cấp phép" in p["text"] and "Đang chuẩn bị" not in p["text"], since
        )
        sent = [c.params["text"] for c in api.calls_of("sendMessage", since)]
        assert sent[0].startswith("⏳ Đang chuẩn bị…")
        await api.wait_for("deleteMessage", since=since)  # the note goes once the answer is there
        library.model_ready = True
        since = api.mark()
        await ask(api, "Sở Xây dựng cấp phép xây dựng trong bao nhiêu ngày?")
        assert not any("Đang chuẩn bị" in c.params["text"] for c in api.calls_of("sendMessage", since))


@async_test
async def test_subscribing_to_an_agency_with_nothing_dated_says_the_digest_stays_empty(
    api, tmp_path, monkeypatch
):
    monkeypatch.setattr(browse, "today_in_vietnam", lambda: D(2026, 6, 1))
    library = FakeLibrary()  # its plan is of 2019: nothing is due any more
    async with start_bot(api, library, tmp_path):
        _, reply = await ask(api, "/theodoi Sở Xây dựng")
        assert "Đã theo dõi" in reply["text"] and "bản tin buổi sáng sẽ trống" in reply["text"]
    assert library.subs == {(ALICE["id"], "Sở Xây dựng")}


@async_test
async def test_subscription_includes_group_and_recurring_tasks(api, planbot, tmp_path, monkeypatch):
    # Sở Tài chính leads nothing dated in the bundled plan; "Các Sở, Ban, ngành" has a quarterly report
    monkeypatch.setattr(browse, "today_in_vietnam", lambda: D(2019, 9, 5))
    try:
        async with start_bot(api, planbot, tmp_path) as application:
            _, reply = await ask(api, "/theodoi so tai chinh", ALICE, GROUP)
            text = api.calls_of("sendMessage")[-1].params["text"]
            assert "Đã theo dõi <b>Sở Tài chính</b>" in text and "sẽ trống" not in text
            assert "việc giao chung cho Các Sở, Ban, ngành" in reply["text"]
            assert "Hạn gần nhất: <b>10/09/2019</b>" in text
            since = api.mark()
            application.job_queue.run_once(send_deadline_digest, 0, data={"today": D(2019, 12, 5)})
            digest = await api.wait_for("sendMessage", lambda p: p["chat_id"] == GROUP["id"], since)
            assert "🔔 <b>Sở Tài chính</b>" in digest.params["text"]
            assert (
                "<b>10/12/2019</b>" in digest.params["text"]
                and "lần tới: 10/12/2019" in digest.params["text"]
            )
    finally:  # the library is shared with the rest of the session
        planbot.unsubscribe(GROUP["id"])


def test_planbot_serve_prints_its_readiness_line(api, data_dir):  # noqa: F811
    """The real command, as an operator starts it, against the fake Bot API."""
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PLANBOT_DATA_DIR": str(data_dir),
        "PLANBOT_MODEL_CACHE": str(MODEL_CACHE),
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_BASE_URL": api.base_url,
        "TELEGRAM_BASE_FILE_URL": api.base_file_url,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "planbot.cli", "serve"],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        line = proc.stdout.readline()  # blocks until the bot is up (or the process dies)
    finally:
        proc.send_signal(signal.SIGINT)  # what Ctrl-C does; the bot stops cleanly
        proc.communicate(timeout=60)
    assert line.startswith(f"planbot ready: @{BOT_USERNAME} · 1 plan: 629/KH-UBND (14/02/2019, "), line
    assert line.rstrip().endswith("clauses) · long polling")
