"""Browsing without a question: agencies and their tasks, deadlines, plans, subscriptions."""

from __future__ import annotations

import datetime as dt
import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot import browse_cards, cards, schedule
from bot.access import requires
from bot.handling import STALE, command_text, edit_html, library, reply_html, run, send_html
from planbot.agenda import agenda

logger = logging.getLogger(__name__)

VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")  # no daylight saving, so no tz database needed
DIGEST_TIME = dt.time(7, 0, tzinfo=VIETNAM)
DIGEST_DAYS = 7
MAX_DAYS = 3660


def today_in_vietnam() -> dt.date:
    """The plans' "today": the server may run in another time zone."""
    return dt.datetime.now(VIETNAM).date()


@requires("allowed")
async def agency_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/coquan [tên cơ quan]: an agency's tasks, or the agencies as buttons."""
    name = command_text(update.effective_message)
    lib = library(context)
    if not name:
        agencies = await run(lib.agencies)
        if not agencies:
            await reply_html(update, "Chưa có cơ quan nào: chưa nạp kế hoạch nào.")
            return
        markup, _ = browse_cards.agencies_keyboard(agencies, 0)
        await reply_html(update, f"🏛 Chọn cơ quan ({len(agencies)}):", markup)
        return
    canonical, lead, partners = await run(lib.agency_tasks, name)
    if canonical is None:
        await reply_html(update, f"Không tìm thấy cơ quan “{cards.esc(name)}”. Gõ /coquan để xem danh sách.")
        return
    html, shown, pages = browse_cards.agency_tasks_page(canonical, lead, partners, 0)
    await reply_html(update, html, browse_cards.agency_tasks_keyboard(canonical, shown, 0, pages))


@requires("allowed")
async def agency_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A page of an agency's tasks (button from /coquan)."""
    query = update.callback_query
    match = cards.CB_AGENCY.match(query.data)
    lib = library(context)
    names = [name for name, _ in await run(lib.agencies) if cards.agency_key(name) == match.group(1)]
    if not names:
        await query.answer(STALE)
        return
    canonical, lead, partners = await run(lib.agency_tasks, names[0])
    if canonical is None:
        await query.answer(STALE)
        return
    page = int(match.group(2))
    html, shown, pages = browse_cards.agency_tasks_page(canonical, lead, partners, page)
    await query.answer()
    await edit_html(
        query, html, browse_cards.agency_tasks_keyboard(canonical, shown, min(page, pages - 1), pages)
    )


@requires("allowed")
async def agency_list(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A page of the agency buttons."""
    query = update.callback_query
    agencies = await run(library(context).agencies)
    if not agencies:
        await query.answer(STALE)
        return
    markup, _ = browse_cards.agencies_keyboard(agencies, int(cards.CB_AGENCIES.match(query.data).group(1)))
    await query.answer()
    await edit_html(query, f"🏛 Chọn cơ quan ({len(agencies)}):", markup)


@requires("allowed")
async def deadlines_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/hanchot [N] [cơ quan]: deadlines in the next N days (default 30) and overdue ones."""
    words = command_text(update.effective_message).split()
    days = 30
    if words and words[0].isdigit():
        days = max(1, min(int(words[0]), MAX_DAYS))
        words = words[1:]
    lib = library(context)
    agency = None
    if words:
        agency = await run(lib.resolve_agency, " ".join(words))
        if agency is None:
            await reply_html(
                update, f"Không tìm thấy cơ quan “{cards.esc(' '.join(words))}”. Gõ /coquan để xem danh sách."
            )
            return
    await schedule.deadlines_reply(update, context, days, agency)


@requires("allowed")
async def plans_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/kehoach: the plans loaded, with number, date and title."""
    await reply_html(update, browse_cards.plans_text(await run(library(context).plans)))


@requires("allowed")
async def subscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/theodoi <cơ quan>: a daily reminder of that agency's deadlines in this chat."""
    name = command_text(update.effective_message)
    chat_id = update.effective_chat.id
    lib = library(context)
    if not name:
        mine = [agency for chat, agency in await run(lib.subscriptions) if chat == chat_id]
        current = "\n".join(f"• {cards.esc(a)}" for a in mine) or "• (chưa theo dõi cơ quan nào)"
        await reply_html(update, f"Cách dùng: <code>/theodoi Sở Xây dựng</code>\n\nĐang theo dõi:\n{current}")
        return
    canonical = await run(lib.subscribe, chat_id, name)
    if canonical is None:
        await reply_html(update, f"Không tìm thấy cơ quan “{cards.esc(name)}”. Gõ /coquan để xem danh sách.")
        return
    found = await run(lib.schedule, canonical)
    names = await run(lib.agency_and_groups, canonical)
    text = schedule.subscribed_text(
        canonical, names[1:] if canonical in names else names, found, today_in_vietnam(), DIGEST_DAYS
    )
    await reply_html(update, text)


@requires("allowed")
async def unsubscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/huytheodoi [cơ quan]: stop one reminder, or all of this chat's."""
    name = command_text(update.effective_message) or None
    removed = await run(library(context).unsubscribe, update.effective_chat.id, name)
    if not removed:
        await reply_html(
            update,
            "Cuộc trò chuyện này chưa theo dõi cơ quan nào" + (f" tên “{cards.esc(name)}”." if name else "."),
        )
        return
    await reply_html(update, f"🔕 Đã hủy theo dõi {removed} cơ quan.")


async def send_deadline_digest(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Daily job: send each subscribed chat its agencies' deadlines due within 7 days."""
    # job.data may carry {"today": date}: a test, or a catch-up run, picks the day
    data = context.job.data if context.job is not None and isinstance(context.job.data, dict) else {}
    today = data.get("today") or today_in_vietnam()
    lib = context.bot_data["library"]
    dropped: set[int] = set()
    for chat_id, agency in await run(lib.subscriptions):
        if chat_id in dropped:
            continue
        # its own tasks, its groups' and the recurring ones, as /hanchot shows them
        upcoming = agenda(await run(lib.schedule, agency), today, DIGEST_DAYS).upcoming
        if not upcoming:
            continue
        try:
            await send_html(context.bot, chat_id, schedule.digest_text(agency, upcoming, today, DIGEST_DAYS))
        except Forbidden:  # blocked or removed from the group: stop writing there
            logger.info("chat %s no longer reachable; dropping its subscriptions", chat_id)
            dropped.add(chat_id)
            await run(lib.unsubscribe, chat_id)
        except TelegramError:
            logger.warning("could not send the deadline digest to chat %s", chat_id, exc_info=True)
