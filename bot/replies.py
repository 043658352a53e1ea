"""The card for each intent of an answer: task list, overview, definition, absent agency, decline.

One renderer for the bot and the console: `reply(...)` gives HTML and a keyboard; the console
shows `html_split.plain_text` of the same HTML. Built from the pieces in bot/cards.py.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.browse_cards import agencies_keyboard
from bot.cards import (
    answer_card,
    answer_keyboard,
    answer_notes,
    callback,
    citation,
    deadline_text,
    declined_text,
    esc,
    format_date,
    page_buttons,
    plan_name,
    shorten,
    suggestions_keyboard,
)

if TYPE_CHECKING:
    from index.search import Answer, Hit

TASKS_PER_PAGE = 8
CB_TASKS = re.compile(r"^t:(\d{1,12}):(\d{1,4})$")  # question id, page of its task list
CB_OVERVIEW = re.compile(r"^o:(\d{1,9})$")  # plan id: the overview of that plan
ROLE_TITLES = {
    "vi": {"lead": "Chủ trì", "group": "Giao chung", "partner": "Phối hợp"},
    "en": {"lead": "Lead", "group": "Given to a group it belongs to", "partner": "Partner"},
}
TASK_WORDS = {
    "vi": {
        "tasks": "nhiệm vụ",
        "given": "giao chung cho",
        "none": "không có nhiệm vụ nào trong các kế hoạch đã nạp.",
    },
    "en": {"tasks": "tasks", "given": "given to", "none": "has no task in the loaded plans."},
}


def reply(
    question_id: int,
    question: str,
    answer: "Answer",
    lang: str = "vi",
    cut_to: int | None = None,
    page: int = 0,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The HTML and the buttons answering `question`, by the answer's intent."""
    if answer.intent == "agency_tasks":
        return tasks_view(question_id, question, answer, page, lang, cut_to)
    if answer.intent == "absent_agency":
        return absent_text(question, answer, lang, cut_to), absent_keyboard(answer)
    if answer.intent == "overview":
        if "choose_plan" in answer.details:
            return choose_plan_text(question, answer), choose_plan_keyboard(answer)
        return overview_text(question, answer, lang, cut_to), full_buttons(answer.hits)
    if answer.intent == "definition":
        return definition_text(question, answer, lang, cut_to), full_buttons(answer.hits)
    if answer.intent == "out_of_scope" and "unknown_plan" in answer.details:
        return unknown_plan_text(question, answer), None
    if answer.answered and answer.hits:
        return answer_card(question, answer, 0, lang, cut_to), answer_keyboard(question_id, answer, 0, lang)
    return declined_text(question, answer, lang, cut_to), suggestions_keyboard(answer.hits)


def _head(question: str) -> list[str]:
    return [f"❓ <i>{esc(shorten(question, 300))}</i>", ""]


def full_buttons(hits: list["Hit"]) -> InlineKeyboardMarkup | None:
    rows = [
        [
            InlineKeyboardButton(
                f"📄 Toàn văn mục {shorten(h.clause.section or h.clause.plan, 30)}",
                callback_data=callback(f"c:{h.clause.id}"),
            )
        ]
        for h in hits[:4]
    ]
    return InlineKeyboardMarkup(rows) if rows else None


# --- task lists ------------------------------------------------------------------------


def _task_line(number: int, hit: "Hit", lang: str = "vi") -> str:
    clause = hit.clause
    lines = [f"{number}. {esc(shorten(clause.text, 260))}"]
    if hit.role == "group" and hit.via:
        lines.append(f"   👥 {TASK_WORDS[lang]['given']} <i>{esc(hit.via)}</i>")
    lines.append(f"   ⏰ {deadline_text(clause.deadline, lang)}")
    lines.append(f"   📄 {citation(clause, lang)}")
    return "\n".join(lines)


def tasks_text(question: str, answer: "Answer") -> str:
    """Every page of the task lists in one text (the console, which does not page)."""
    return tasks_view(0, question, answer, 0, per_page=max(1, len(answer.hits)))[0]


def tasks_view(
    question_id: int,
    question: str,
    answer: "Answer",
    page: int,
    lang: str = "vi",
    cut_to: int | None = None,
    per_page: int = TASKS_PER_PAGE,
) -> tuple[str, InlineKeyboardMarkup]:
    """One page of the task lists: per agency, per plan, lead → given to a group → partner."""
    hits = answer.hits
    pages = max(1, -(-len(hits) // per_page))
    page = min(max(page, 0), pages - 1)
    first = page * per_page
    lines = _head(question)
    titles, words = ROLE_TITLES[lang], TASK_WORDS[lang]
    for listed in answer.details.get("agencies", []):
        counts = ", ".join(
            f"{titles[r].lower()} {listed[r]}" for r in ("lead", "group", "partner") if listed[r]
        )
        lines.append(f"🏛 <b>{esc(listed['agency'])}</b>: {listed['tasks']} {words['tasks']} ({counts})")
    for name in answer.details.get("absent", []):
        lines.append(f"🔎 <b>{esc(name)}</b>: {words['none']}")
    owners = [a["agency"] for a in answer.details.get("agencies", []) for _ in range(a["tasks"])]
    several = len(answer.details.get("agencies", [])) > 1
    current: tuple = ()
    for number, hit in enumerate(hits[first : first + per_page], start=first + 1):
        agency = owners[number - 1] if number - 1 < len(owners) else ""
        if (agency, hit.clause.plan, hit.role) != current:
            lines.append("")
            if current[:2] != (agency, hit.clause.plan):
                who = f"{esc(agency)} · " if several else ""
                lines.append(f"📚 <b>{who}{plan_name(hit.clause, lang)}</b>")
            lines.append(f"<b>{titles[hit.role]}</b>")
            current = (agency, hit.clause.plan, hit.role)
        lines.append(_task_line(number, hit, lang))
    if pages > 1:
        lines += ["", f"<i>Trang {page + 1}/{pages}</i>"]
    lines += answer_notes(answer, lang, cut_to)
    shown = hits[first : first + per_page]
    numbers = [
        InlineKeyboardButton(str(first + 1 + i), callback_data=callback(f"c:{h.clause.id}"))
        for i, h in enumerate(shown)
    ]
    rows = [numbers[:4], numbers[4:]] if len(numbers) > 4 else [numbers]
    if nav := page_buttons(page, pages, lambda p: f"t:{question_id}:{p}"):
        rows.append(nav)
    return "\n".join(lines), InlineKeyboardMarkup([r for r in rows if r])


# --- declines and choices -------------------------------------------------------------------


def absent_text(question: str, answer: "Answer", lang: str = "vi", cut_to: int | None = None) -> str:
    names = ", ".join(answer.details.get("absent", [])) or "Cơ quan này"
    scope = f"kế hoạch {esc(answer.plan_filter)}" if answer.plan_filter else "các kế hoạch đã nạp"
    lines = _head(question) + [f"🔎 <b>{esc(names)}</b> không có nhiệm vụ nào trong {scope}."]
    if names := answer.details.get("suggestions"):
        lines += [
            "",
            f"Các cơ quan có nhiệm vụ: {esc(', '.join(names))}…",
            "Bấm một cơ quan để xem nhiệm vụ:",
        ]
    return "\n".join(lines + answer_notes(answer, lang, cut_to))


def absent_keyboard(answer: "Answer") -> InlineKeyboardMarkup | None:
    names = answer.details.get("suggestions", [])
    if not names:
        return None
    markup, _ = agencies_keyboard([(name, 0) for name in names], 0)
    rows = [
        [InlineKeyboardButton(re.sub(r" \(0\)$", "", b.text), callback_data=b.callback_data) for b in row]
        for row in markup.inline_keyboard
    ]
    rows.append([InlineKeyboardButton("☰ Tất cả cơ quan", callback_data=callback("al:0"))])
    return InlineKeyboardMarkup(rows)


def unknown_plan_text(question: str, answer: "Answer") -> str:
    loaded = ", ".join(answer.details.get("plans", [])) or "chưa có"
    return "\n".join(
        _head(question)
        + [
            f"🔎 Không có kế hoạch số <b>{esc(answer.details['unknown_plan'])}</b> trong các kế hoạch đã nạp.",
            f"Các kế hoạch đã nạp: {esc(loaded)} (gõ /kehoach để xem).",
        ]
    )


def choose_plan_text(question: str, answer: "Answer") -> str:
    lines = _head(question) + ["📚 Đã nạp nhiều kế hoạch. Bạn hỏi về kế hoạch nào?"]
    for plan in answer.details["choose_plan"]:
        date = f" ngày {esc(format_date(plan['date']))}" if plan.get("date") else ""
        lines.append(f"• <b>{esc(plan['number'])}</b>{date}: {esc(shorten(plan['title'], 160))}")
    return "\n".join(lines)


def choose_plan_keyboard(answer: "Answer") -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    shorten(f"{p['number']} · {p['title']}", 60), callback_data=callback(f"o:{p['id']}")
                )
            ]
            for p in answer.details["choose_plan"][:10]
        ]
    )


# --- overview and definition -----------------------------------------------------------------


def overview_text(question: str, answer: "Answer", lang: str = "vi", cut_to: int | None = None) -> str:
    plan = answer.details["plan"]
    lines = _head(question) if question else []
    lines.append(f"📚 <b>{esc(plan.get('citation') or 'Kế hoạch ' + plan['number'])}</b>")
    lines.append(f"<b>{esc(shorten(plan['title'], 400))}</b>")
    issued = [esc(plan["issuer"])] if plan.get("issuer") else []
    if plan.get("date"):
        issued.append(f"ngày {esc(format_date(plan['date']))}")
    if plan.get("signer"):
        issued.append(f"người ký: {esc(plan['signer'])}")
    if issued:
        lines.append("🏛 " + ", ".join(issued))
    if answer.hits:
        lines += ["", "🎯 <b>Mục đích, mục tiêu, yêu cầu</b>"]
        for hit in answer.hits:
            title = (
                f"<b>{esc(shorten(hit.clause.section_title, 60))}</b> " if hit.clause.section_title else ""
            )
            lines.append(
                f"• {title}(mục {esc(hit.clause.section or '—')}): {esc(shorten(hit.clause.text, 500))}"
            )
    lines += [
        "",
        f"📊 {plan['tasks']} nhiệm vụ giao cho {plan['agencies']} cơ quan; "
        f"{plan['dated_tasks']} nhiệm vụ có thời hạn.",
    ]
    lines.append("Gõ /coquan để xem nhiệm vụ theo cơ quan, /hanchot để xem hạn chót.")
    return "\n".join(lines + answer_notes(answer, lang, cut_to))


def definition_text(question: str, answer: "Answer", lang: str = "vi", cut_to: int | None = None) -> str:
    found = answer.details["definition"]
    hit = answer.hits[0]
    lines = _head(question) + [
        f"📖 <b>{esc(found['term'])}</b>: {esc(found['meaning'])}",
        f"<blockquote>{esc(shorten(found['source'], 600))}</blockquote>",
        f"📄 {citation(hit.clause, lang)}",
    ]
    return "\n".join(lines + answer_notes(answer, lang, cut_to))
