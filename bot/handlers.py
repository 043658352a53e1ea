"""Questions, the buttons under answers, and the error handler every handler falls back on.

Handlers are thin: they check who is asking, call the library in a worker thread
(it embeds and searches synchronously) and turn the result into a card.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot import cards, replies
from bot.access import requires
from bot.handling import STALE, command_text, edit_html, library, reply_html, run, send_html, settings

if TYPE_CHECKING:
    from index.search import Answer

logger = logging.getLogger(__name__)

PREPARING = "⏳ Đang chuẩn bị… (bot vừa khởi động, đang nạp mô hình; câu trả lời sẽ đến sau ít giây)"
SOMETHING_WRONG = "⚠️ Xin lỗi, đã có lỗi xảy ra khi xử lý yêu cầu. Bạn vui lòng thử lại sau."


@dataclass
class Asked:
    """A question answered in a chat: what its buttons need when pressed later."""

    user_id: int
    chat_id: int
    question: str
    answer: "Answer"
    lang: str
    cut_to: int | None
    index: int = 0
    vote: int = 0


class AnswerCache:
    """The latest answers by question id, so "Kết quả khác" does not search again.

    Bounded: an old answer's buttons then say "hỏi lại", as they do after a restart.
    """

    def __init__(self, size: int = 2000):
        self.size = size
        self._items: OrderedDict[int, Asked] = OrderedDict()

    def put(self, question_id: int, asked: Asked) -> None:
        self._items[question_id] = asked
        self._items.move_to_end(question_id)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def get(self, question_id: int) -> Asked | None:
        return self._items.get(question_id)


class Subjects:
    """What each chat's last answers were about, so a follow-up can lean on them.

    A private chat's latest subject holds for `private_seconds`; in a group a follow-up
    must reply to the bot's answer, so subjects are also kept by the answer's message id.
    """

    def __init__(self, private_seconds: float = 300, size: int = 2000, clock=time.monotonic):
        self.private_seconds = private_seconds
        self.size = size
        self.clock = clock
        self._latest: OrderedDict[int, tuple[float, object]] = OrderedDict()
        self._by_message: OrderedDict[tuple[int, int], object] = OrderedDict()

    def remember(self, chat_id: int, message_id: int | None, subject: object) -> None:
        self._latest[chat_id] = (self.clock(), subject)
        self._latest.move_to_end(chat_id)
        if message_id is not None:
            self._by_message[(chat_id, message_id)] = subject
            self._by_message.move_to_end((chat_id, message_id))
        for items in (self._latest, self._by_message):
            while len(items) > self.size:
                items.popitem(last=False)

    def previous(self, message: Message) -> object | None:
        """The subject a new message in this chat may continue, if any."""
        replied = message.reply_to_message
        if replied is not None and (subject := self._by_message.get((message.chat_id, replied.message_id))):
            return subject
        if message.chat.type != ChatType.PRIVATE:
            return None
        at, subject = self._latest.get(message.chat_id, (None, None))
        if at is None or self.clock() - at > self.private_seconds:
            return None
        return subject


# --- questions ----------------------------------------------------------------------


async def question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer any text in a private chat."""
    await answer_question(update, context, update.effective_message.text or "")


async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/hoi <câu hỏi>: ask explicitly, the usual way in a group."""
    text = command_text(update.effective_message)
    if not text:
        await reply_html(update, "Cách hỏi: <code>/hoi Sở Xây dựng phải làm gì, hạn khi nào?</code>")
        return
    await answer_question(update, context, text)


async def group_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a group, answer only when the bot is mentioned or replied to; otherwise stay silent."""
    message = update.effective_message
    mention = f"@{context.bot.username}".lower()
    mentions = [
        text
        for entity, text in message.parse_entities([MessageEntity.MENTION]).items()
        if text.lower() == mention
    ]
    replied = (
        message.reply_to_message is not None
        and message.reply_to_message.from_user is not None
        and message.reply_to_message.from_user.id == context.bot.id
    )
    if not mentions and not replied:
        return
    text = message.text or ""
    for handle in set(mentions):
        text = text.replace(handle, " ")
    await answer_question(update, context, " ".join(text.split()))


@requires("allowed")
async def answer_question(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """Check the rate and the length, then answer (typing… shown only if the answer is slow)."""
    user, chat = update.effective_user, update.effective_chat
    text = text.strip()
    if not text:
        await reply_html(update, "Bạn muốn hỏi gì? Ví dụ: <i>Sở Xây dựng phải làm gì, hạn khi nào?</i>")
        return
    wait = context.bot_data["limiter"].check(user.id)
    if wait:
        await reply_html(update, f"⏳ Bạn hỏi hơi nhanh. Vui lòng đợi khoảng {wait} giây rồi hỏi tiếp nhé.")
        return
    limit = settings(context).max_question_chars
    cut_to = limit if len(text) > limit else None
    text = text[:limit]
    answered = asyncio.Event()
    delay = settings(context).typing_after_seconds
    context.application.create_task(_typing_unless(answered, context, chat.id, delay), update=update)
    try:
        await _answer(update, context, text, cut_to)
    finally:
        answered.set()


async def _typing_unless(
    answered: asyncio.Event, context: ContextTypes.DEFAULT_TYPE, chat_id: int, delay: float
):
    """The typing indicator, unless the answer came within `delay` seconds (it is cosmetic).

    Never cancelled once sending: a request cut off midway reached the Bot API as a bad one."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(answered.wait(), delay)
        return
    with contextlib.suppress(TelegramError):
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, cut_to: int | None) -> None:
    """Ask the library, log the question, send the card."""
    user, chat = update.effective_user, update.effective_chat
    lib = library(context)
    subjects = context.bot_data["subjects"]
    previous = subjects.previous(update.effective_message)
    waiting = None
    if not lib.model_ready:  # the first question after a start waits for the model: say so
        waiting = await reply_html(update, PREPARING)
    answer = await run(lib.ask, text, previous=previous)
    if waiting is not None:
        with contextlib.suppress(TelegramError):
            await waiting.delete()
    question_id = await run(lib.log_question, user.id, chat.id, text, answer)
    lang = "en" if cards.looks_english(text) else "vi"
    context.bot_data["answers"].put(question_id, Asked(user.id, chat.id, text, answer, lang, cut_to))
    html, markup = await run(replies.reply, question_id, text, answer, lang, cut_to)  # may read a page
    sent = await reply_html(update, html, markup)
    subjects.remember(chat.id, sent.message_id, answer.context)


# --- buttons under answers ------------------------------------------------------------


async def _asked(update: Update, context: ContextTypes.DEFAULT_TYPE, question_id: int) -> Asked | None:
    """The cached answer a button refers to, if it exists and belongs to this chat."""
    asked = context.bot_data["answers"].get(question_id)
    if asked is None or asked.chat_id != update.effective_chat.id:
        await update.callback_query.answer(STALE)
        return None
    return asked


@requires("allowed")
async def show_clause(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "Toàn văn" button: send the whole clause with its footnotes."""
    query = update.callback_query
    clause_id = int(cards.CB_FULL.match(query.data).group(1))
    clause = await run(library(context).clause, clause_id)
    if clause is None:
        await query.answer("Điều khoản này không còn (kế hoạch có thể đã bị gỡ).")
        return
    await query.answer()
    reply_to = query.message.message_id if query.message else None
    await send_html(context.bot, update.effective_chat.id, cards.full_clause(clause), reply_to=reply_to)


@requires("allowed")
async def more_results(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "Kết quả khác" button: page through the other hits in place."""
    query = update.callback_query
    match = cards.CB_MORE.match(query.data)
    asked = await _asked(update, context, int(match.group(1)))
    if asked is None:
        return
    index = int(match.group(2))
    if not asked.answer.answered or index >= len(asked.answer.hits):
        await query.answer(STALE)
        return
    await query.answer()
    asked.index = index
    question_id = int(match.group(1))
    html = cards.answer_card(asked.question, asked.answer, index, asked.lang, asked.cut_to)
    await edit_html(query, html, cards.answer_keyboard(question_id, asked.answer, index, asked.lang))


@requires("allowed")
async def task_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The ◀ / ▶ buttons under a task list: another page in place."""
    query = update.callback_query
    match = replies.CB_TASKS.match(query.data)
    asked = await _asked(update, context, int(match.group(1)))
    if asked is None:
        return
    if asked.answer.intent != "agency_tasks":
        await query.answer(STALE)
        return
    await query.answer()
    html, markup = await run(  # the page's clauses are read from the store
        replies.tasks_view,
        int(match.group(1)),
        asked.question,
        asked.answer,
        int(match.group(2)),
        asked.lang,
        asked.cut_to,
    )
    await edit_html(query, html, markup)


@requires("allowed")
async def plan_overview(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A plan's button under "which plan?": that plan's overview."""
    query = update.callback_query
    plan_id = int(replies.CB_OVERVIEW.match(query.data).group(1))
    lib = library(context)
    number = next((p.number for p in await run(lib.plans) if p.id == plan_id), None)
    if number is None:
        await query.answer("Kế hoạch này không còn (có thể đã bị gỡ).")
        return
    await query.answer()
    answer = await run(lib.overview, number)
    reply_to = query.message.message_id if query.message else None
    sent = await send_html(
        context.bot,
        update.effective_chat.id,
        replies.overview_text("", answer),
        replies.full_buttons(answer.hits),
        reply_to=reply_to,
    )
    context.bot_data["subjects"].remember(update.effective_chat.id, sent.message_id, answer.context)


@requires("allowed")
async def feedback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The 👍 / 👎 buttons: store the vote with the question."""
    query = update.callback_query
    match = cards.CB_FEEDBACK.match(query.data)
    question_id = int(match.group(1))
    asked = await _asked(update, context, question_id)
    if asked is None:
        return
    value = 1 if match.group(2) == "u" else -1
    await run(library(context).record_feedback, question_id, update.effective_user.id, value)
    await query.answer("Cảm ơn bạn đã góp ý!" if value > 0 else "Cảm ơn! Bạn có thể chọn lý do bên dưới.")
    # only the asker's vote changes the buttons everyone in the chat sees
    if (
        update.effective_user.id == asked.user_id
        and asked.vote != value
        and asked.answer.answered
        and asked.answer.hits
    ):
        asked.vote = value
        if value > 0:
            markup = cards.feedback_done_keyboard(question_id, asked.answer, asked.index, value, asked.lang)
        else:  # a 👎 asks why: sai cơ quan / sai hạn / không liên quan
            markup = cards.reason_keyboard(question_id, asked.answer, asked.index, asked.lang)
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(markup)


@requires("allowed")
async def feedback_reason(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A reason button under a 👎: store the 👎 with why, then drop the reason row."""
    query = update.callback_query
    match = cards.CB_REASON.match(query.data)
    question_id = int(match.group(1))
    asked = await _asked(update, context, question_id)
    if asked is None:
        return
    reason = cards.REASONS[match.group(2)]
    await run(library(context).record_feedback, question_id, update.effective_user.id, -1, reason)
    await query.answer(f"Đã ghi lý do: {cards.REASON_LABELS['vi'][reason].lower()}. Cảm ơn bạn!")
    if update.effective_user.id == asked.user_id and asked.answer.answered and asked.answer.hits:
        asked.vote = -1
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(
                cards.feedback_done_keyboard(question_id, asked.answer, asked.index, -1, asked.lang)
            )


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any button data no handler recognises: forged or from an older bot; change nothing."""
    await update.callback_query.answer(STALE)


# --- errors -------------------------------------------------------------------------


async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error with where it happened (never the token) and tell the user."""
    update_id = getattr(update, "update_id", None)
    chat = update.effective_chat if isinstance(update, Update) else None
    logger.error(
        "error while handling update %s in chat %s",
        update_id,
        chat.id if chat else None,
        exc_info=context.error,
    )
    if not isinstance(update, Update) or chat is None:
        return
    try:
        if update.callback_query:
            with contextlib.suppress(BadRequest):  # already answered before the failure
                await update.callback_query.answer(SOMETHING_WRONG, show_alert=True)
                return
        await context.bot.send_message(chat.id, SOMETHING_WRONG)
    except TelegramError:  # the chat may be gone, or Telegram unreachable
        logger.warning("could not tell chat %s about the error", chat.id)
