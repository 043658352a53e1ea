"""Deadlines one can act on: the /hanchot list, its timeline picture, /lich's calendar file, /toi.

The schedule itself (due soon, overdue, recurring, plans whose period is over) comes from
planbot/agenda.py; this module only words it and sends it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import cards, html_split
from bot.access import requires
from bot.handling import STALE, command_text, library, reply_html, run
from nlp.fold import fold
from planbot.agenda import Agenda, Task, agenda, task_label, today_in_vietnam

CB_TIMELINE = re.compile(r"^tl:([0-9a-f]{8}|all)$")  # agency key, or every agency
CB_CALENDAR = re.compile(r"^ic:([0-9a-f]{8})$")
OVERDUE_SHOWN = 15  # the latest ones; the rest is one line
MAX_CAPTION = 1024


def _date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _source(task: Task) -> str:
    clause = task.clause
    return f"📄 {cards.esc(clause.plan)}, mục {cards.esc(clause.section or '—')}"


def task_line(task: Task, day: dt.date | None, today: dt.date) -> str:
    """• date — who: what, then the deadline as written and, for a recurring duty, the next dates."""
    when = f"<b>{_date(day)}</b> — " if day else ""
    lines = [f"• {when}{cards.esc(task_label(task, 200))}"]
    deadline = cards.esc(task.clause.deadline.text) if task.clause.deadline else ""
    if task.rule is not None:
        coming = ", ".join(_date(d) for d in task.next_dates(today))
        lines.append(f"   🔁 {deadline} · lần tới: {coming} · {_source(task)}")
    else:
        lines.append(f"   ⏰ {deadline} · {_source(task)}")
    return "\n".join(lines)


def agenda_text(schedule: Agenda, agency: str | None = None) -> str:
    """Due soon first (one-off and recurring), then recurring duties later on, overdue, ended plans."""
    scope = f" của <b>{cards.esc(agency)}</b>" if agency else ""
    today, days = schedule.today, schedule.days
    if schedule.empty:
        return f"📅 Không có nhiệm vụ nào{scope} có hạn chót hoặc lịch định kỳ trong các kế hoạch đã nạp."
    if schedule.upcoming:
        blocks = [f"📅 <b>Đến hạn trong {days} ngày tới</b>{scope} ({len(schedule.upcoming)}):"]
        blocks += [task_line(task, day, today) for day, task in schedule.upcoming]
    else:
        blocks = [f"📅 Không có nhiệm vụ nào{scope} đến hạn trong {days} ngày tới."]
    soon = {id(task) for _, task in schedule.upcoming}
    later = [t for t in schedule.recurring if id(t) not in soon]
    if later:
        blocks.append(f"🔁 <b>Nhiệm vụ định kỳ</b>{scope}, các lần tới ({len(later)}):")
        blocks += [task_line(task, task.next_dates(today, 1)[0], today) for task in later]
    if schedule.overdue:
        blocks.append(f"⚠️ <b>Đã quá hạn</b>{scope} ({len(schedule.overdue)}), gần nhất trước:")
        blocks += [task_line(task, task.due, today) for task in schedule.overdue[:OVERDUE_SHOWN]]
        if len(schedule.overdue) > OVERDUE_SHOWN:
            blocks.append(f"… và {len(schedule.overdue) - OVERDUE_SHOWN} nhiệm vụ quá hạn trước đó.")
    if schedule.ended:
        blocks.append("📕 <b>Kế hoạch đã hết thời kỳ</b> (không tính là quá hạn):")
        blocks += [
            f"• <b>{cards.esc(p.number)}</b>: thời kỳ kế hoạch đến {_date(p.end)} đã kết thúc; "
            f"{p.tasks} nhiệm vụ có hạn của kế hoạch này không còn được nhắc."
            for p in schedule.ended
        ]
    # blank lines between items let the splitter cut between tasks, never inside one
    return "\n\n".join(blocks)


def digest_text(agency: str, upcoming: list[tuple[dt.date, Task]], today: dt.date, days: int) -> str:
    """The morning message: what falls due within `days`, recurring duties included."""
    head = f"🔔 <b>{cards.esc(agency)}</b>: {len(upcoming)} nhiệm vụ đến hạn trong {days} ngày tới"
    return "\n\n".join([head] + [task_line(task, day, today) for day, task in upcoming])


def subscribed_text(agency: str, groups: list[str], found: list[Task], today: dt.date, days: int) -> str:
    """/theodoi's confirmation, honest about what the mornings will bring."""
    lines = [f"🔔 Đã theo dõi <b>{cards.esc(agency)}</b>. Hủy bằng /huytheodoi."]
    coming = sorted((d, t.clause.id, t) for t in found for d in t.next_dates(today, 1))
    if not coming:
        lines.append(
            "⚠️ Cơ quan này chưa có nhiệm vụ nào sắp đến hạn hoặc có lịch định kỳ "
            "trong các kế hoạch còn hiệu lực, "
            "nên bản tin buổi sáng sẽ trống (tôi không gửi gì) cho đến khi có kế hoạch giao việc có hạn."
        )
        return "\n".join(lines)
    shared = [g for g in groups if any(g in t.clause.lead + t.clause.partners for t in found)]
    lines.append(
        f"Mỗi sáng lúc 7:00 (giờ Việt Nam) tôi sẽ báo các nhiệm vụ đến hạn trong {days} ngày tới, "
        "kể cả việc định kỳ"
        + (" và việc giao chung cho " + ", ".join(cards.esc(g) for g in shared) if shared else "")
        + "."
    )
    day, _, task = coming[0]
    lines.append(f"Hạn gần nhất: <b>{_date(day)}</b> — {cards.esc(task_label(task, 160))}")
    return "\n".join(lines)


def schedule_keyboard(agency: str | None) -> InlineKeyboardMarkup:
    """A timeline picture for everyone; a calendar file when one agency is meant."""
    key = cards.agency_key(agency) if agency else "all"
    row = [InlineKeyboardButton("📈 Dòng thời gian", callback_data=cards.callback(f"tl:{key}"))]
    if agency:
        row.append(InlineKeyboardButton("📅 Lịch (.ics)", callback_data=cards.callback(f"ic:{key}")))
    return InlineKeyboardMarkup([row])


async def deadlines_reply(
    update: Update, context: ContextTypes.DEFAULT_TYPE, days: int, agency: str | None
) -> None:
    """/hanchot's answer: the agenda as text, with the timeline (and calendar) buttons."""
    found = await run(library(context).schedule, agency)
    schedule = agenda(found, today_in_vietnam(), days)
    markup = schedule_keyboard(agency) if found else None
    await reply_html(update, agenda_text(schedule, agency), markup)


async def _agency_of_key(context: ContextTypes.DEFAULT_TYPE, key: str) -> str | None:
    names = [name for name, _ in await run(library(context).agencies) if cards.agency_key(name) == key]
    return names[0] if names else None


def timeline_caption(found: list[Task], agency: str | None, today: dt.date) -> str:
    schedule = agenda(found, today)
    scope = cards.esc(agency) if agency else "mọi cơ quan"
    parts = [f"📈 Hạn chót của <b>{scope}</b> — {len(found)} nhiệm vụ, vạch đỏ: hôm nay {_date(today)}."]
    if schedule.upcoming:
        day, task = schedule.upcoming[0]
        parts.append(f"Gần nhất: {_date(day)} — {cards.esc(task_label(task, 120))}")
    if schedule.ended:
        ended = ", ".join(cards.esc(p.number) for p in schedule.ended)
        parts.append(f"Kế hoạch đã hết thời kỳ: {ended}.")
    return html_split.fit_html("\n".join(parts), MAX_CAPTION)


async def send_timeline(update: Update, context: ContextTypes.DEFAULT_TYPE, agency: str | None) -> None:
    """Render the timeline off the event loop and send it as a photo with a short caption."""
    from planbot.timeline import timeline_png

    chat_id = update.effective_chat.id
    with contextlib.suppress(TelegramError):  # the indicator is cosmetic
        await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_PHOTO)
    found = await run(library(context).schedule, agency)
    today = today_in_vietnam()
    title = f"Hạn chót — {agency}" if agency else "Hạn chót — mọi cơ quan"
    picture = await run(timeline_png, found, today, title)
    await context.bot.send_photo(
        chat_id, InputFile(picture, filename="hanchot.png"), caption=timeline_caption(found, agency, today)
    )


async def send_calendar(update: Update, context: ContextTypes.DEFAULT_TYPE, agency: str) -> None:
    """The agency's deadlines as an .ics file (recurring ones as RRULEs)."""
    from planbot.calendar import calendar

    found = await run(library(context).schedule, agency)
    if not found:
        await context.bot.send_message(
            update.effective_chat.id,
            f"📅 <b>{cards.esc(agency)}</b> chưa có nhiệm vụ nào có hạn chót hoặc lịch định kỳ: "
            "không có gì để đưa vào lịch.",
        )
        return
    cal = await run(calendar, found, agency, today_in_vietnam())
    events = len(cal.walk("VEVENT"))
    slug = re.sub(r"[^a-z0-9]+", "-", fold(agency)).strip("-") or "co-quan"
    await context.bot.send_document(
        update.effective_chat.id,
        InputFile(cal.to_ical(), filename=f"hanchot-{slug}.ics"),
        caption=(
            f"📅 Lịch hạn chót của <b>{cards.esc(agency)}</b>: {events} sự kiện "
            f"từ {len(found)} nhiệm vụ "
            "(việc định kỳ lặp lại theo lịch). Mở tệp để thêm vào lịch của bạn."
        ),
    )


@requires("allowed")
async def timeline_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "Dòng thời gian" button under /hanchot and /coquan: the picture as a photo."""
    query = update.callback_query
    key = CB_TIMELINE.match(query.data).group(1)
    agency = None if key == "all" else await _agency_of_key(context, key)
    if key != "all" and agency is None:
        await query.answer(STALE)
        return
    await query.answer("Đang vẽ…")
    await send_timeline(update, context, agency)


@requires("allowed")
async def calendar_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "Lịch (.ics)" button: the agency's calendar file."""
    query = update.callback_query
    agency = await _agency_of_key(context, CB_CALENDAR.match(query.data).group(1))
    if agency is None:
        await query.answer(STALE)
        return
    await query.answer()
    await send_calendar(update, context, agency)


@requires("allowed")
async def calendar_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/lich <cơ quan>: an .ics file of that agency's deadlines."""
    name = command_text(update.effective_message)
    if not name:
        await reply_html(
            update, "Cách dùng: <code>/lich Sở Tài chính</code>: tệp lịch (.ics) các hạn chót của cơ quan."
        )
        return
    agency = await run(library(context).resolve_agency, name)
    if agency is None:
        await reply_html(update, f"Không tìm thấy cơ quan “{cards.esc(name)}”. Gõ /coquan để xem danh sách.")
        return
    await send_calendar(update, context, agency)


async def whoami_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/toi (/id): the user's numeric id, for PLANBOT_ADMIN_IDS or PLANBOT_ALLOWED_USERS."""
    # open to everyone: a user who is not allowed yet needs this id to ask for access
    user, chat = update.effective_user, update.effective_chat
    lines = [f"🆔 Mã người dùng (user id) của bạn: <code>{user.id}</code>"]
    if chat.id != user.id:
        lines.append(f"Mã cuộc trò chuyện này (chat id): <code>{chat.id}</code>")
    lines.append(
        "Quản trị viên thêm mã này vào <code>PLANBOT_ADMIN_IDS</code> (quản trị) hoặc "
        "<code>PLANBOT_ALLOWED_USERS</code> (người được dùng bot)."
    )
    await reply_html(update, "\n".join(lines))
