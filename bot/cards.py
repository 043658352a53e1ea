"""What the bot says: the pieces of every card, the answer and clause cards, their keyboards,
and the callback data grammar.

One card per intent is in bot/replies.py, the browsing cards in bot/browse_cards.py, and
cutting a long message into parts in bot/html_split.py. Everything here is a pure function of library records, so it can be tested without
Telegram. Every piece of dynamic text goes through `esc` (html.escape) because the
bot sends in HTML parse mode and a stray "<" from a plan or a question would make
Telegram refuse the whole message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from nlp.fold import fold

if TYPE_CHECKING:  # the bot only reads these records; importing them would load the index
    from index.search import Answer, Hit
    from nlp.deadlines import Deadline
    from planbot.library import ClauseRecord

MAX_CALLBACK_BYTES = 64

# Callback data grammar; a button press whose data does not match exactly one of these
# is forged or from an older version of the bot and is refused politely.
CB_FULL = re.compile(r"^c:(\d{1,12})$")  # whole clause
CB_MORE = re.compile(r"^m:(\d{1,12}):(\d{1,2})$")  # question id, hit index
CB_FEEDBACK = re.compile(r"^f:(\d{1,12}):([ud])$")  # question id, up/down
CB_REASON = re.compile(r"^fr:(\d{1,12}):([ahk])$")  # question id, why the 👎
CB_AGENCY = re.compile(r"^a:([0-9a-f]{8}):(\d{1,4})$")  # agency key, page
CB_AGENCIES = re.compile(r"^al:(\d{1,4})$")  # page of the agency list
CB_REMOVE = re.compile(r"^d:([A-Za-z0-9_-]{6,16})$")  # pending removal token
CB_KEEP = re.compile(r"^dx:([A-Za-z0-9_-]{6,16})$")


def esc(text: object) -> str:
    return escape(str(text), quote=False)


def agency_key(name: str) -> str:
    """A short stable key for an agency: full names do not fit in 64 bytes of callback data."""
    return hashlib.blake2s(name.encode("utf-8"), digest_size=4).hexdigest()


def callback(data: str) -> str:
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:  # a bug here, not user input
        raise ValueError(f"callback data too long: {data!r}")
    return data


# --- language -----------------------------------------------------------------------

_ENGLISH = frozenset(
    "what who which when where how does is are must should shall deadline deadlines agency "
    "agencies responsible task tasks plan plans due will of for and in about".split()
)
_WH = frozenset("what who which when where how does is are".split())


def looks_english(text: str) -> bool:
    """True for a question asked in English, even one naming a Vietnamese agency.

    Counted over plain-ASCII words only: "What must Sở Xây dựng do?" is English.
    Words such as "do", "the", "to" are left out: they are also Vietnamese typed
    without diacritics ("do", "thể", "tổ").
    """
    words = re.findall(r"[^\W\d_]+", text.lower())
    english = sum(w.isascii() and w in _ENGLISH for w in words)
    if not english:
        return False
    if fold(text) == text.lower() and words[0] in _WH:
        return True
    return english >= 2 and english >= 0.3 * len(words)


LABELS = {
    "vi": {
        "lead": "Chủ trì",
        "partners": "Phối hợp",
        "deadline": "Thời hạn",
        "target": "Chỉ tiêu thời gian",
        "due": "hạn chót",
        "none": "không nêu",
        "plan": "Kế hoạch",
        "dated": "ngày",
        "section": "mục",
        "page": "trang",
        "result": "Kết quả",
        "full": "📄 Toàn văn",
        "more": "Kết quả khác ▶",
        "prev": "◀ Trước",
        "declined": "Chưa tìm thấy điều khoản phù hợp với câu hỏi này trong các kế hoạch đã nạp.",
        "suggest": "Các điều khoản gần nhất (bấm để xem toàn văn):",
        "rephrase": "Bạn thử hỏi cụ thể hơn, ví dụ nêu tên cơ quan hoặc nhiệm vụ.",
        "cut": "Câu hỏi dài quá {n} ký tự nên chỉ xét {n} ký tự đầu.",
        "footnotes": "Chú thích",
        # the library's notes, by their first words
        "notes": {
            "empty question": "Câu hỏi không có từ nào để tra cứu.",
            "no money stated": "Các kế hoạch đã nạp không nêu số tiền cho việc này.",
            "no area stated": "Các kế hoạch đã nạp không nêu diện tích cho việc này.",
            "no percent stated": "Các kế hoạch đã nạp không nêu tỷ lệ cho việc này.",
        },
    },
    "en": {
        "lead": "Lead agency",
        "partners": "Partners",
        "deadline": "Deadline",
        "target": "Time target",
        "due": "due",
        "none": "not stated",
        "plan": "Plan",
        "dated": "dated",
        "section": "section",
        "page": "page",
        "result": "Result",
        "full": "📄 Full text",
        "more": "More results ▶",
        "prev": "◀ Back",
        "declined": "No matching clause was found in the loaded plans (Chưa tìm thấy điều khoản phù hợp).",
        "suggest": "Nearest clauses (tap to read in full):",
        "rephrase": "Try naming the agency or the task.",
        "cut": "The question is longer than {n} characters; only the first {n} were used.",
        "footnotes": "Footnotes",
        "notes": {
            "no money stated": "The loaded plans state no sum of money for this.",
            "no area stated": "The loaded plans state no area for this.",
            "no percent stated": "The loaded plans state no percentage for this.",
        },
    },
}


# --- small pieces -------------------------------------------------------------------


def format_date(iso: str | None) -> str:
    """ISO date → dd/mm/yyyy; anything else is shown as written."""
    if not iso:
        return ""
    try:
        return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")
    except ValueError:
        return iso


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def deadline_text(deadline: "Deadline | None", lang: str = "vi") -> str:
    lab = LABELS[lang]
    if deadline is None:
        return lab["none"]
    out = esc(deadline.text)
    if deadline.due:
        out += f" ({lab['due']} {esc(format_date(deadline.due))})"
    return out


def plan_name(clause: "ClauseRecord", lang: str = "vi") -> str:
    """How the clause's plan is cited: by its own citation where that says more than "Kế hoạch"
    and its number (a decision's attached plan, a programme), else by the label and number."""
    cited = clause.plan_citation
    if cited and cited != f"Kế hoạch {clause.plan}":
        return esc(cited)
    return f"{LABELS[lang]['plan']} {esc(clause.plan)}"


def citation(clause: "ClauseRecord", lang: str = "vi") -> str:
    """Plan number and date, section path and title, page: where to check the quote."""
    lab = LABELS[lang]
    parts = [plan_name(clause, lang)]
    if clause.plan_date:
        parts[0] += f" {lab['dated']} {esc(format_date(clause.plan_date))}"
    if clause.section:
        section = f"{lab['section']} {esc(clause.section)}"
        if clause.section_title:
            section += f" ({esc(shorten(clause.section_title, 80))})"
        parts.append(section)
    if clause.page:
        parts.append(f"{lab['page']} {clause.page}")
    return " · ".join(parts)


def _who(clause: "ClauseRecord", lang: str) -> list[str]:
    lab = LABELS[lang]
    lines = [f"🏛 <b>{lab['lead']}:</b> {esc(', '.join(clause.lead)) or lab['none']}"]
    if clause.partners:
        lines.append(f"🤝 <b>{lab['partners']}:</b> {esc(', '.join(clause.partners))}")
    # Every date the clause commits to, its own first; a processing time is its target.
    dated = "; ".join(deadline_text(d, lang) for d in clause.deadlines or [clause.deadline] if d)
    lines.append(f"⏰ <b>{lab['deadline']}:</b> {dated or deadline_text(None, lang)}")
    if clause.target is not None:
        lines.append(f"🎯 <b>{lab['target']}:</b> {deadline_text(clause.target, lang)}")
    return lines


# --- answers ------------------------------------------------------------------------


def answer_card(
    question: str, answer: "Answer", index: int = 0, lang: str = "vi", cut_to: int | None = None
) -> str:
    """One hit of an answered question: who, by when, the quoted sentence(s), the source."""
    lab = LABELS[lang]
    hit = answer.hits[index]
    quote = hit.quote.strip() or shorten(hit.clause.text, 600)
    lines = [f"❓ <i>{esc(shorten(question, 300))}</i>", ""]
    lines += _who(hit.clause, lang)
    lines.append(f"<blockquote>{esc(quote)}</blockquote>")
    lines.append(f"📄 {citation(hit.clause, lang)}")
    if len(answer.hits) > 1:
        lines.append(f"<i>{lab['result']} {index + 1}/{len(answer.hits)}</i>")
    lines += answer_notes(answer, lang, cut_to)
    return "\n".join(lines)


def declined_text(question: str, answer: "Answer", lang: str = "vi", cut_to: int | None = None) -> str:
    lab = LABELS[lang]
    lines = [f"❓ <i>{esc(shorten(question, 300))}</i>", "", f"🤔 {lab['declined']}"]
    notes = answer_notes(answer, lang, cut_to)  # why, before the nearest clauses it leads to
    lines += [*notes, ""] if notes else []
    lines.append(lab["suggest"] if answer.hits else lab["rephrase"])
    return "\n".join(lines)


def answer_notes(answer: "Answer", lang: str, cut_to: int | None) -> list[str]:
    cut_to = cut_to or answer.cut_to  # the bot's own limit, or the library's
    if cut_to:
        return ["", f"ℹ️ <i>{esc(LABELS[lang]['cut'].format(n=cut_to))}</i>"]
    if answer.note:
        note = LABELS[lang]["notes"].get(answer.note, answer.note)
        return ["", f"ℹ️ <i>{esc(note)}</i>"]
    return []


def answer_keyboard(question_id: int, answer: "Answer", index: int, lang: str = "vi") -> InlineKeyboardMarkup:
    lab = LABELS[lang]
    hit = answer.hits[index]
    nav = []
    if index > 0:
        nav.append(InlineKeyboardButton(lab["prev"], callback_data=callback(f"m:{question_id}:{index - 1}")))
    if index + 1 < len(answer.hits):
        nav.append(InlineKeyboardButton(lab["more"], callback_data=callback(f"m:{question_id}:{index + 1}")))
    rows = [[InlineKeyboardButton(lab["full"], callback_data=callback(f"c:{hit.clause.id}"))]]
    if nav:
        rows[0] += nav
    rows.append(
        [
            InlineKeyboardButton("👍", callback_data=callback(f"f:{question_id}:u")),
            InlineKeyboardButton("👎", callback_data=callback(f"f:{question_id}:d")),
        ]
    )
    return InlineKeyboardMarkup(rows)


def feedback_done_keyboard(
    question_id: int, answer: "Answer", index: int, value: int, lang: str = "vi"
) -> InlineKeyboardMarkup:
    """The answer keyboard with the vote row replaced by a thank-you (the asker voted)."""
    rows = list(answer_keyboard(question_id, answer, index, lang).inline_keyboard[:-1])
    thanks = "Đã ghi nhận 👍" if value > 0 else "Đã ghi nhận 👎"
    rows.append(
        (
            InlineKeyboardButton(
                thanks, callback_data=callback(f"f:{question_id}:{'u' if value > 0 else 'd'}")
            ),
        )
    )
    return InlineKeyboardMarkup(rows)


# Why an answer was wrong: button code → stored reason, and the words on the button.
REASONS = {"a": "wrong_agency", "h": "wrong_deadline", "k": "irrelevant"}
REASON_LABELS = {
    "vi": {"wrong_agency": "Sai cơ quan", "wrong_deadline": "Sai hạn", "irrelevant": "Không liên quan"},
    "en": {"wrong_agency": "Wrong agency", "wrong_deadline": "Wrong deadline", "irrelevant": "Not relevant"},
}


def reason_keyboard(question_id: int, answer: "Answer", index: int, lang: str = "vi") -> InlineKeyboardMarkup:
    """After a 👎: the answer keyboard, the vote noted, and one row asking why."""
    rows = list(feedback_done_keyboard(question_id, answer, index, -1, lang).inline_keyboard)
    labels = REASON_LABELS[lang]
    rows.append(
        tuple(
            InlineKeyboardButton(labels[reason], callback_data=callback(f"fr:{question_id}:{code}"))
            for code, reason in REASONS.items()
        )
    )
    return InlineKeyboardMarkup(rows)


def clause_button_label(clause: "ClauseRecord") -> str:
    who = clause.lead[0] if clause.lead else shorten(clause.text, 40)
    return shorten(f"{clause.section or clause.plan} · {who}", 60)


def suggestions_keyboard(hits: Sequence["Hit"]) -> InlineKeyboardMarkup | None:
    rows = [
        [InlineKeyboardButton(clause_button_label(h.clause), callback_data=callback(f"c:{h.clause.id}"))]
        for h in hits[:5]
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def full_clause(clause: "ClauseRecord", lang: str = "vi") -> str:
    """The whole clause with its footnotes, for the "Toàn văn" button."""
    lab = LABELS[lang]
    lines = [f"📄 <b>{citation(clause, lang)}</b>", ""] + _who(clause, lang) + ["", esc(clause.text.strip())]
    if clause.footnotes:
        lines += ["", f"<b>{lab['footnotes']}:</b>"]
        lines += [esc(f) for f in clause.footnotes]
    return "\n".join(lines)


def page_buttons(page: int, pages: int, data) -> list[InlineKeyboardButton]:
    """◀ / ▶ buttons to the neighbouring pages; `data(page)` is the callback data of one."""
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton("◀ Trước", callback_data=callback(data(page - 1))))
    if page + 1 < pages:
        nav.append(InlineKeyboardButton("Tiếp ▶", callback_data=callback(data(page + 1))))
    return nav
