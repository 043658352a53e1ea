"""What the bot says: HTML cards, message splitting, inline keyboards, callback data.

Everything here is a pure function of library records, so it can be tested without
Telegram. Every piece of dynamic text goes through `esc` (html.escape) because the
bot sends in HTML parse mode and a stray "<" from a plan or a question would make
Telegram refuse the whole message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Sequence
from html import escape, unescape
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from nlp.fold import fold

if TYPE_CHECKING:  # the bot only reads these records; importing them would load the index
    from index.search import Answer, Hit
    from nlp.deadlines import Deadline
    from planbot.library import ClauseRecord, PlanInfo

MAX_MESSAGE = 4096  # Telegram's limit, in UTF-16 code units
MAX_CALLBACK_BYTES = 64
TASKS_PER_PAGE = 6
AGENCIES_PER_PAGE = 8

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


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: astral characters (most emoji) count twice."""
    return len(text.encode("utf-16-le")) // 2


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
        "notes": {"empty question": "Câu hỏi không có từ nào để tra cứu."},
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
        "notes": {},
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


def citation(clause: "ClauseRecord", lang: str = "vi") -> str:
    """Plan number and date, section path and title, page: where to check the quote."""
    lab = LABELS[lang]
    parts = [f"{lab['plan']} {esc(clause.plan)}"]
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
    lines += _notes(answer, lang, cut_to)
    return "\n".join(lines)


def declined_text(question: str, answer: "Answer", lang: str = "vi", cut_to: int | None = None) -> str:
    lab = LABELS[lang]
    lines = [f"❓ <i>{esc(shorten(question, 300))}</i>", "", f"🤔 {lab['declined']}"]
    lines.append(lab["suggest"] if answer.hits else lab["rephrase"])
    return "\n".join(lines + _notes(answer, lang, cut_to))


def _notes(answer: "Answer", lang: str, cut_to: int | None) -> list[str]:
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


# --- browsing -----------------------------------------------------------------------


def task_line(clause: "ClauseRecord", number: int | None = None) -> str:
    head = f"{number}. " if number is not None else "• "
    lines = [
        f"{head}<b>{esc(clause.section or '—')}</b> ({esc(clause.plan)}): {esc(shorten(clause.text, 220))}"
    ]
    if clause.deadline is not None:
        lines.append(f"   ⏰ {deadline_text(clause.deadline)}")
    return "\n".join(lines)


def agency_tasks_page(
    name: str, lead: list["ClauseRecord"], partners: list["ClauseRecord"], page: int
) -> tuple[str, list["ClauseRecord"], int]:
    """One page of an agency's tasks, lead ones first; returns (html, clauses shown, pages)."""
    tasks = [("lead", c) for c in lead] + [("partner", c) for c in partners]
    pages = max(1, -(-len(tasks) // TASKS_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = tasks[page * TASKS_PER_PAGE : (page + 1) * TASKS_PER_PAGE]
    lines = [f"🏛 <b>{esc(name)}</b>: chủ trì {len(lead)}, phối hợp {len(partners)} nhiệm vụ"]
    current = None
    for n, (role, clause) in enumerate(shown, start=page * TASKS_PER_PAGE + 1):
        if role != current:
            lines += ["", "<b>Chủ trì</b>" if role == "lead" else "<b>Phối hợp</b>"]
            current = role
        lines.append(task_line(clause, n))
    if pages > 1:
        lines += ["", f"<i>Trang {page + 1}/{pages}</i>"]
    return "\n".join(lines), [c for _, c in shown], pages


def _page_buttons(page: int, pages: int, data) -> list[InlineKeyboardButton]:
    """◀ / ▶ buttons to the neighbouring pages; `data(page)` is the callback data of one."""
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton("◀ Trước", callback_data=callback(data(page - 1))))
    if page + 1 < pages:
        nav.append(InlineKeyboardButton("Tiếp ▶", callback_data=callback(data(page + 1))))
    return nav


def agency_tasks_keyboard(
    name: str, shown: list["ClauseRecord"], page: int, pages: int
) -> InlineKeyboardMarkup:
    key = agency_key(name)
    first = page * TASKS_PER_PAGE + 1
    numbers = [
        InlineKeyboardButton(str(first + i), callback_data=callback(f"c:{c.id}")) for i, c in enumerate(shown)
    ]
    rows = [numbers] if numbers else []
    if nav := _page_buttons(page, pages, lambda p: f"a:{key}:{p}"):
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
    if nav := _page_buttons(page, pages, lambda p: f"al:{p}"):
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


# --- splitting ----------------------------------------------------------------------

_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|[^<&]|[<&]", re.S)
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)")
_SENTENCE_END = frozenset(".!?;:…")


def _tokens(html: str) -> list[str]:
    """Tags and entities stay whole; text is split into characters (code points)."""
    return _TOKEN.findall(html)


def _apply(stack: tuple[tuple[str, str], ...], token: str) -> tuple[tuple[str, str], ...]:
    m = _TAG.match(token)
    if not m or token.endswith("/>"):
        return stack
    closing, name = m.group(1), m.group(2).lower()
    if not closing:
        return stack + ((name, token),)
    for i in range(len(stack) - 1, -1, -1):
        if stack[i][0] == name:
            return stack[:i]
    return stack


def _closers(stack: tuple[tuple[str, str], ...]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _priority(tokens: list[str], pos: int) -> int | None:
    """How good it is to cut before tokens[pos]: 0 between clauses … 3 between words."""
    prev = tokens[pos - 1]
    before = tokens[pos - 2] if pos >= 2 else ""
    if prev == "\n":
        return 0 if before == "\n" else 1
    if prev == " " or prev == "\t":
        return 2 if before[-1:] in _SENTENCE_END else 3
    return None


def split_html(html: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split an HTML message into parts of at most `limit` UTF-16 units each.

    Cuts at the best boundary available: a blank line (between clauses), a line
    break, the end of a sentence, a space, and only as a last resort between two
    characters. Never inside a tag or an entity; a tag open at the cut is closed at
    the end of one part and reopened at the start of the next, so each part is valid
    HTML on its own.
    """
    html = html.strip()
    if utf16_len(html) <= limit:
        return [html] if html else []
    tokens = _tokens(html)
    units = [utf16_len(t) for t in tokens]
    parts: list[str] = []
    start, stack = 0, ()
    while start < len(tokens):
        opener = "".join(text for _, text in stack)
        length = utf16_len(opener)
        pos, st = start, stack
        best: dict[int, tuple[int, tuple]] = {}
        content = False
        while pos < len(tokens):
            new_st = _apply(st, tokens[pos])
            if length + units[pos] + utf16_len(_closers(new_st)) > limit:
                break
            length += units[pos]
            content = content or not (tokens[pos].isspace() or tokens[pos].startswith("<"))
            st, pos = new_st, pos + 1
            if content and pos < len(tokens):
                prio = _priority(tokens, pos)
                if prio is not None:
                    best[prio] = (pos, st)
        if pos >= len(tokens):
            parts.append(opener + "".join(tokens[start:]))
            break
        if best:
            cut, cut_st = best[min(best)]
        else:
            cut, cut_st = max(pos, start + 1), st if pos > start else _apply(st, tokens[start])
        parts.append((opener + "".join(tokens[start:cut])).rstrip() + _closers(cut_st))
        start, stack = cut, cut_st
        while start < len(tokens) and tokens[start].isspace():
            start += 1
    return [p for p in (part.strip() for part in parts) if _visible(p)]


def _visible(part: str) -> bool:
    return bool(plain_text(part))


def plain_text(html: str) -> str:
    """The text Telegram shows for `html` (what Message.text holds)."""
    return unescape(re.sub(r"<[^>]*>", "", html)).strip()


def fit_html(html: str, limit: int = MAX_MESSAGE) -> str:
    """The first part of `html` that fits one message (for edits, which cannot split)."""
    parts = split_html(html, limit - 2)
    if len(parts) <= 1:
        return parts[0] if parts else html
    return parts[0] + "\n…"
