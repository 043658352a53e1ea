"""/start, /help and commands the bot does not have: how to use it, in the user's language."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import cards
from bot.access import is_admin, requires
from bot.handling import reply_html, settings, speaks_english

HELP = """👋 Xin chào! Tôi là <b>Planbot</b>, trợ lý tra cứu các kế hoạch (kế hoạch của UBND).
Bạn hỏi bằng tiếng Việt, có dấu hay không dấu đều được; tôi trích đúng điều khoản trả lời, kèm cơ quan chủ trì, cơ quan phối hợp, thời hạn và nguồn (số kế hoạch, mục).

Ví dụ: <i>Sở Xây dựng phải làm gì, hạn khi nào?</i>

/coquan &lt;tên cơ quan&gt; — mọi nhiệm vụ của một cơ quan
/hanchot [số ngày] — hạn chót sắp tới và đã quá hạn
/lich &lt;tên cơ quan&gt; — tệp lịch (.ics) các hạn chót của cơ quan
/kehoach — các kế hoạch đã nạp
/theodoi &lt;tên cơ quan&gt; — nhắc hạn chót mỗi sáng; /huytheodoi để hủy
/toi — mã người dùng của bạn (để quản trị viên cấp quyền)
Trong nhóm: nhắc tên tôi (@{username}), trả lời tin nhắn của tôi, hoặc dùng /hoi &lt;câu hỏi&gt;."""

HELP_EN = """👋 Hello! I am <b>Planbot</b>: I answer questions about Vietnamese government plans (kế hoạch) by quoting the clause that answers, with its lead agency, partner agencies, deadline and source (plan number, section).
Ask in Vietnamese (with or without accents) or in English.

Example: <i>Which agency issues construction permits, and by when?</i>

/coquan &lt;agency&gt; — every task of an agency
/hanchot [days] — deadlines due soon, recurring duties, overdue ones
/lich &lt;agency&gt; — the agency's deadlines as a calendar file (.ics)
/kehoach — the plans loaded
/theodoi &lt;agency&gt; — a reminder every morning at 7:00 (Vietnam time); /huytheodoi to stop
/toi — your numeric user id (an admin needs it to give you access)
In a group: mention me (@{username}), reply to one of my messages, or use /hoi &lt;question&gt;."""

ADMIN_HELP_EN = """

<b>Admins</b>
Send a PDF, DOCX or TXT plan (up to {max_mb} MB) to load it.
/xoa &lt;number&gt; — remove a plan · /reindex — rebuild the index · /thongke — usage statistics"""

ADMIN_HELP = """

<b>Quản trị viên</b>
Gửi tệp PDF, DOCX hoặc TXT (tối đa {max_mb} MB) để nạp kế hoạch mới.
/xoa &lt;số hiệu&gt; — xóa một kế hoạch · /reindex — lập chỉ mục lại · /thongke — thống kê câu hỏi"""


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet and show how to ask."""
    await help_command(update, context)


@requires("allowed")  # PLANBOT_ALLOWED_USERS holds for /start and /help too (issue 10)
async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List what the bot can do, with an example question."""
    english = speaks_english(update)
    text = (HELP_EN if english else HELP).format(username=cards.esc(context.bot.username))
    if is_admin(update, context):
        admin = ADMIN_HELP_EN if english else ADMIN_HELP
        text += admin.format(max_mb=settings(context).max_upload_bytes // (1024 * 1024))
    await reply_html(update, text)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Point to /help for a command the bot does not have."""
    await reply_html(update, "Tôi không biết lệnh này. Gõ /help để xem các lệnh, hoặc cứ đặt câu hỏi.")
