"""The Telegram application: every handler registered here, and the ways to run it."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import shutil
import urllib.parse
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from telegram import BotCommand, BotCommandScopeChat, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    filters,
)

from bot import admin, browse, cards, commands, handlers, replies, schedule
from bot.limits import QuestionLimiter

if TYPE_CHECKING:
    from planbot.library import Planbot
    from planbot.settings import Settings

logger = logging.getLogger(__name__)

COMMANDS = [
    ("start", "Giới thiệu và cách đặt câu hỏi"),
    ("help", "Hướng dẫn sử dụng, kèm câu hỏi mẫu"),
    ("hoi", "Đặt câu hỏi (cách hỏi trong nhóm)"),
    ("coquan", "Mọi nhiệm vụ của một cơ quan"),
    ("hanchot", "Hạn chót sắp tới và đã quá hạn"),
    ("lich", "Tệp lịch (.ics) hạn chót của một cơ quan"),
    ("kehoach", "Các kế hoạch đã nạp"),
    ("theodoi", "Nhắc hạn chót của một cơ quan mỗi sáng"),
    ("huytheodoi", "Hủy nhắc hạn chót"),
    ("toi", "Mã người dùng của bạn (để cấp quyền)"),
]
ADMIN_COMMANDS = [
    ("xoa", "Xóa một kế hoạch (quản trị)"),
    ("reindex", "Lập chỉ mục lại (quản trị)"),
    ("thongke", "Thống kê câu hỏi (quản trị)"),
]

# loggers that can see request URLs (and so the token) or exceptions carrying them
_SENSITIVE_LOGGERS = ("httpx", "httpcore", "telegram", "apscheduler", "tornado", "bot", "planbot", "asyncio")


class RedactSecrets(logging.Filter):
    """Blanks the bot token and admin ids out of log records.

    The Bot API puts the token in every request URL, and python-telegram-bot's debug
    log prints request parameters, which include admin chat ids.
    """

    def __init__(self, token: str, admin_ids: Iterable[int] = ()):
        super().__init__()
        self.token = token
        self.admin_ids = frozenset(admin_ids)
        self._token = re.compile(re.escape(token)) if token else None
        ids = "|".join(str(abs(i)) for i in sorted(self.admin_ids))
        self._ids = re.compile(rf"(?<!\d)({ids})(?!\d)") if ids else None

    def redact(self, text: str) -> str:
        if self._token:
            text = self._token.sub("<token>", text)
        if self._ids:
            text = self._ids.sub("<admin>", text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is the logging module's problem, not ours
            return True
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


def install_redaction(token: str, admin_ids: Iterable[int] = ()) -> RedactSecrets:
    """Attach the filter to every logger that may log secrets and to the root handlers.

    A logger's filters only see records created on that very logger, so the filter goes
    on each existing logger of those libraries (their loggers exist once imported).
    """
    redactor = RedactSecrets(token, admin_ids)
    names = [
        name
        for name in list(logging.root.manager.loggerDict)
        if any(name == p or name.startswith(p + ".") for p in _SENSITIVE_LOGGERS)
    ]
    for target in [logging.getLogger(n) for n in (*_SENSITIVE_LOGGERS, *names)] + list(logging.root.handlers):
        for old in [f for f in target.filters if isinstance(f, RedactSecrets)]:
            target.removeFilter(old)  # settings may have changed since the last build
        target.addFilter(redactor)
    return redactor


async def post_init(application: Application) -> None:
    """Load the model before the first question; register the command menu in Vietnamese."""
    settings = application.bot_data["settings"]
    # The library's calls run in this pool (bot.handling.run): one thread per update slot, so
    # the questions in flight reach the encoder together and are encoded in one batch.
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(settings.answer_slots, thread_name_prefix="planbot-answer")
    )
    # Loaded here, not on the first question (17-25 s with no word to the user).
    seconds = await asyncio.to_thread(application.bot_data["library"].warm_up)
    logger.info("ready: model loaded and index open in %.1f s", seconds)
    await application.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])
    for admin_id in settings.admin_ids:
        try:
            await application.bot.set_my_commands(
                [BotCommand(c, d) for c, d in COMMANDS + ADMIN_COMMANDS], scope=BotCommandScopeChat(admin_id)
            )
        except TelegramError:  # an admin who never opened a chat with the bot
            logger.warning("could not set the admin command menu for one admin chat")
    await announce_ready(application)


def readiness_line(username: str, plans: list, mode: str) -> str:
    """ "planbot ready: @bot · 1 plan: 629/KH-UBND (14/02/2019, 95 clauses) · long polling"."""
    listed = ", ".join(
        f"{p.number} ({cards.format_date(p.date) or 'no date'}, {p.clauses} clauses)" for p in plans
    )
    count = f"{len(plans)} plan{'s' if len(plans) != 1 else ''}"
    return f"planbot ready: @{username} · {count}: {listed or 'none yet (send one as an admin)'} · {mode}"


async def announce_ready(application: Application) -> None:
    """Say on stdout which bot is up, on which plans, and how it gets updates: the operator's cue."""
    plans = await asyncio.to_thread(application.bot_data["library"].plans)
    mode = application.bot_data.get("mode") or "long polling"
    print(readiness_line(application.bot.username, plans, mode), flush=True)


async def post_shutdown(application: Application) -> None:
    """Close the library (SQLite, index files) once polling has stopped."""
    await asyncio.to_thread(application.bot_data["library"].close)


def build_application(settings: "Settings", library: "Planbot") -> Application:
    """The bot, wired: handlers, shared objects in bot_data, the daily digest job."""
    if not settings.telegram_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    install_redaction(settings.telegram_token, settings.admin_ids)
    # Downloads a killed bot left behind (and replacements never confirmed) go at start.
    shutil.rmtree(settings.uploads_dir, ignore_errors=True)
    builder = (
        Application.builder()
        .token(settings.telegram_token)
        .defaults(
            Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True))
        )
        # questions take a model call; one slow chat must not hold up the others
        .concurrent_updates(settings.answer_slots)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if settings.bot_api_rate > 0:
        builder = builder.rate_limiter(AIORateLimiter(overall_max_rate=settings.bot_api_rate, max_retries=2))
    if settings.telegram_base_url:
        builder = builder.base_url(settings.telegram_base_url)
    if settings.telegram_base_file_url:
        builder = builder.base_file_url(settings.telegram_base_file_url)
    application = builder.build()

    application.bot_data.update(
        library=library,
        settings=settings,
        limiter=QuestionLimiter(settings.questions_per_minute),
        answers=handlers.AnswerCache(),
        subjects=handlers.Subjects(),
        removals={},
        replacements={},
        ingest_lock=asyncio.Lock(),
    )

    private = filters.ChatType.PRIVATE
    new_text = filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE
    application.add_handlers(
        [
            CommandHandler("start", commands.start),
            CommandHandler("help", commands.help_command),
            CommandHandler("hoi", handlers.ask_command),
            CommandHandler("coquan", browse.agency_command),
            CommandHandler("hanchot", browse.deadlines_command),
            CommandHandler("lich", schedule.calendar_command),
            CommandHandler(["toi", "id"], schedule.whoami_command),
            CommandHandler("kehoach", browse.plans_command),
            CommandHandler("theodoi", browse.subscribe_command),
            CommandHandler("huytheodoi", browse.unsubscribe_command),
            CommandHandler("xoa", admin.remove_command),
            CommandHandler("reindex", admin.reindex_command, block=False),
            CommandHandler("thongke", admin.stats_command),
            # an upload takes seconds to minutes; block=False keeps answers flowing meanwhile
            MessageHandler(filters.Document.ALL & private, admin.upload, block=False),
            MessageHandler(new_text & private, handlers.question),
            MessageHandler(
                new_text & filters.ChatType.GROUPS & (filters.Entity("mention") | filters.REPLY),
                handlers.group_message,
            ),
            MessageHandler(filters.COMMAND & private, commands.unknown_command),
            CallbackQueryHandler(handlers.show_clause, pattern=cards.CB_FULL),
            CallbackQueryHandler(handlers.more_results, pattern=cards.CB_MORE),
            CallbackQueryHandler(handlers.feedback, pattern=cards.CB_FEEDBACK),
            CallbackQueryHandler(handlers.task_page, pattern=replies.CB_TASKS),
            CallbackQueryHandler(handlers.plan_overview, pattern=replies.CB_OVERVIEW),
            CallbackQueryHandler(handlers.feedback_reason, pattern=cards.CB_REASON),
            CallbackQueryHandler(browse.agency_page, pattern=cards.CB_AGENCY),
            CallbackQueryHandler(browse.agency_list, pattern=cards.CB_AGENCIES),
            CallbackQueryHandler(schedule.timeline_button, pattern=schedule.CB_TIMELINE),
            CallbackQueryHandler(schedule.calendar_button, pattern=schedule.CB_CALENDAR),
            CallbackQueryHandler(admin.confirm_removal, pattern=cards.CB_REMOVE),
            CallbackQueryHandler(admin.cancel_removal, pattern=cards.CB_KEEP),
            CallbackQueryHandler(admin.confirm_replace, pattern=admin.CB_REPLACE, block=False),
            CallbackQueryHandler(admin.keep_old, pattern=admin.CB_KEEP_OLD),
            CallbackQueryHandler(handlers.stale_button),
        ]
    )
    application.add_error_handler(handlers.error_handler)
    application.job_queue.run_daily(
        browse.send_deadline_digest, time=browse.DIGEST_TIME, name="deadline-digest"
    )
    return application


def webhook_secret(token: str) -> str:
    """A stable secret Telegram echoes in each webhook call, derived so restarts agree."""
    return hashlib.sha256(f"planbot-webhook:{token}".encode()).hexdigest()


def run_bot(
    settings: "Settings", library: "Planbot", webhook_url: str | None = None, port: int = 8443
) -> None:
    """Run until interrupted: long polling, or a webhook server when webhook_url is given."""
    if not logging.root.handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO)
    # httpx logs every request URL at INFO, and those URLs carry the token
    logging.getLogger("httpx").setLevel(logging.WARNING)
    library.ensure_bundled()
    application = build_application(settings, library)
    application.bot_data["mode"] = f"webhook {webhook_url} (port {port})" if webhook_url else "long polling"
    if webhook_url:
        application.run_webhook(
            listen="0.0.0.0",
            port=port,
            url_path=urllib.parse.urlsplit(webhook_url).path.strip("/"),
            webhook_url=webhook_url,
            secret_token=webhook_secret(settings.telegram_token),
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
