"""What every handler module uses: the objects in `bot_data`, the library called off the
event loop, a command's text, and HTML sent, replied or edited within Telegram's limits."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardMarkup, Message, ReplyParameters, Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import html_split

if TYPE_CHECKING:
    from planbot.library import Planbot
    from planbot.settings import Settings

STALE = "Nút này đã cũ hoặc không hợp lệ. Bạn hãy hỏi lại nhé."


def library(context: ContextTypes.DEFAULT_TYPE) -> "Planbot":
    return context.bot_data["library"]


def settings(context: ContextTypes.DEFAULT_TYPE) -> "Settings":
    return context.bot_data["settings"]


def speaks_english(update: Update) -> bool:
    """Telegram's language setting of the user is English ("en", "en-GB", …)."""
    user = update.effective_user
    code = (user.language_code or "") if user is not None else ""
    return code.lower().split("-")[0] == "en"


async def run(fn, *args, **kwargs) -> Any:
    """Call the (blocking, thread-safe) library off the event loop so other chats keep going."""
    return await asyncio.to_thread(fn, *args, **kwargs)


async def send_html(
    bot,
    chat_id: int,
    html: str,
    reply_markup: InlineKeyboardMarkup | None = None,
    reply_to: int | None = None,
) -> Message:
    """Send `html` as one or more messages under Telegram's limit; buttons go on the last."""
    parts = html_split.split_html(html)
    sent = None
    for i, part in enumerate(parts):
        sent = await bot.send_message(
            chat_id,
            part,
            reply_markup=reply_markup if i == len(parts) - 1 else None,
            reply_parameters=ReplyParameters(reply_to, allow_sending_without_reply=True)
            if reply_to and i == 0
            else None,
        )
    if sent is None:
        raise ValueError("nothing to send: the message is empty")
    return sent


async def reply_html(update: Update, html: str, reply_markup: InlineKeyboardMarkup | None = None) -> Message:
    """Answer the message of `update`, quoting it in groups so the asker sees it is theirs."""
    message = update.effective_message
    quote = message.message_id if message.chat.type != ChatType.PRIVATE else None
    return await send_html(message.get_bot(), message.chat_id, html, reply_markup, reply_to=quote)


async def refuse(update: Update, text: str) -> None:
    """Say no politely: an alert under a pressed button, otherwise a reply."""
    if update.callback_query:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await reply_html(update, text)


async def edit_html(query, html: str, reply_markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit the message under a button; pressing the button showing the current page is a no-op."""
    html = html_split.fit_html(html)
    shown = query.message
    if (
        shown is not None
        and getattr(shown, "text", None) == html_split.plain_text(html)
        and shown.reply_markup == reply_markup
    ):
        return  # Telegram would refuse the edit as "message is not modified"
    try:
        await query.edit_message_text(html, reply_markup=reply_markup)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


def command_text(message: Message) -> str:
    """What follows the command, newlines kept (context.args would flatten them)."""
    parts = (message.text or "").split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""
