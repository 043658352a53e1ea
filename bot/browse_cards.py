"""The browsing cards: an agency's tasks page by page (lead, then partner), the agency list,
and the plans loaded, each with its keyboard."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.cards import agency_key, callback, deadline_text, esc, format_date, page_buttons, shorten

if TYPE_CHECKING:
    from planbot.library import ClauseRecord, PlanInfo

TASKS_PER_PAGE = 6
AGENCIES_PER_PAGE = 8


def task_line(clause: "ClauseRecord", number: int | None = None) -> str:
    head = f"{number}. " if number is not None else "• "
    lines = [
        f"{head}<b>{esc(clause.section or '—')}</b> ({esc(clause.plan)}): {esc(shorten(clause.text, 220))}"
    ]
    if clause.deadline is not None:
        lines.append(f"   ⏰ {deadline_text(clause.deadline)}")
    return "\n".join(lines)


def agency_tasks_page(
    name: str, lead: Sequence["ClauseRecord"], partners: Sequence["ClauseRecord"], page: int
) -> tuple[str, list["ClauseRecord"], int]:
    """One page of an agency's tasks, lead ones first; returns (html, clauses shown, pages).

    Only the page's clauses are taken from `lead` and `partners`: a busy agency's lists are
    read from the store a page at a time (planbot.catalog.Catalog.agency_tasks)."""
    total = len(lead) + len(partners)
    pages = max(1, -(-total // TASKS_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    first, last = page * TASKS_PER_PAGE, (page + 1) * TASKS_PER_PAGE
    shown = [("lead", c) for c in lead[first:last]]
    shown += [("partner", c) for c in partners[max(0, first - len(lead)) : max(0, last - len(lead))]]
    lines = [f"🏛 <b>{esc(name)}</b>: chủ trì {len(lead)}, phối hợp {len(partners)} nhiệm vụ"]
    current = None
    for n, (role, clause) in enumerate(shown, start=first + 1):
        if role != current:
            lines += ["", "<b>Chủ trì</b>" if role == "lead" else "<b>Phối hợp</b>"]
            current = role
        lines.append(task_line(clause, n))
    if pages > 1:
        lines += ["", f"<i>Trang {page + 1}/{pages}</i>"]
    return "\n".join(lines), [c for _, c in shown], pages


def agency_tasks_keyboard(
    name: str, shown: list["ClauseRecord"], page: int, pages: int
) -> InlineKeyboardMarkup:
    key = agency_key(name)
    first = page * TASKS_PER_PAGE + 1
    numbers = [
        InlineKeyboardButton(str(first + i), callback_data=callback(f"c:{c.id}")) for i, c in enumerate(shown)
    ]
    rows = [numbers] if numbers else []
    if nav := page_buttons(page, pages, lambda p: f"a:{key}:{p}"):
        rows.append(nav)
    rows.append(
        [
            InlineKeyboardButton("☰ Các cơ quan", callback_data=callback("al:0")),
            # handled by bot/schedule.py: the agency's timeline picture and calendar file
            InlineKeyboardButton("📈 Dòng thời gian", callback_data=callback(f"tl:{key}")),
            InlineKeyboardButton("📅 Lịch", callback_data=callback(f"ic:{key}")),
        ]
    )
    return InlineKeyboardMarkup(rows)


def agencies_keyboard(agencies: Sequence[tuple[str, int]], page: int) -> tuple[InlineKeyboardMarkup, int]:
    pages = max(1, -(-len(agencies) // AGENCIES_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = agencies[page * AGENCIES_PER_PAGE : (page + 1) * AGENCIES_PER_PAGE]
    rows = [
        [
            InlineKeyboardButton(
                shorten(f"{name} ({n})", 60), callback_data=callback(f"a:{agency_key(name)}:0")
            )
        ]
        for name, n in shown
    ]
    if nav := page_buttons(page, pages, lambda p: f"al:{p}"):
        rows.append(nav)
    return InlineKeyboardMarkup(rows), pages


def plans_text(plans: Iterable["PlanInfo"]) -> str:
    plans = list(plans)
    if not plans:
        return "Chưa có kế hoạch nào được nạp."
    lines = [f"📚 <b>Các kế hoạch đã nạp</b> ({len(plans)}):", ""]
    for p in plans:
        date = f" ngày {esc(format_date(p.date))}" if p.date else ""
        lines.append(f"• <b>{esc(p.number)}</b>{date}: {esc(shorten(p.title, 300))} ({p.clauses} điều khoản)")
    return "\n".join(lines)
