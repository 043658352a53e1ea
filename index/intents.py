"""What a question asks for: its intent, the plan it names, the agencies and the term it is about.

Detection reads the question's shape, never its wording: an agency name plus words that
only ask "what must it do" is a task-list question; "kế hoạch …" plus words that only ask
what the plan is about is an overview; "X là gì" about a short term is a definition. All
patterns run on folded text (no diacritics, lower case), so questions typed without marks
are read the same way.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from nlp.agencies import agency_mentions  # spans of agency names, to see what else a question says
from nlp.fold import fold
from nlp.glossary import GLOSSARY

_WORD = re.compile(r"[a-z0-9]+")

# --- plan references ----------------------------------------------------------------

# Ordered: a number written with its kind wins over a bare "kế hoạch N".
PLAN_NUMBER = (
    re.compile(r"\b(\d{1,6})\s*/\s*(?:kh|qd|ct|ubnd|kh-ubnd)\b"),  # e.g. "629/KH-UBND", "3210/QĐ-UBND"
    re.compile(r"\b(?:ke hoach|kh|plan|quyet dinh|qd|van ban)\s*(?:so\s*|number\s*|no\.?\s*)?(\d{1,6})\b"),
    # e.g. "kế hoạch 1187", "KH 629", "plan 629", "quyết định số 3210"
)
# "kế hoạch" followed by words that may name a plan by topic, issuer or year.
PLAN_WORD = re.compile(r"\b(?:ke hoach|kh|plan)\b")  # e.g. "kế hoạch chuyển đổi số"
# The document itself, not a topic: "kế hoạch này", "the plan".
THIS_PLAN = re.compile(
    r"\b(?:ke hoach|kh)\s+(?:nay|do|tren)\b|\bthis plan\b|\bthe plan\b"
)  # e.g. "kế hoạch này"
# Words between "kế hoạch" and its name that name nothing ("kế hoạch của UBND", "kế hoạch về …").
_PLAN_LINKS = frozenset("cua ve so nam ve viec thuc hien trien khai ban hanh do giai doan".split())
_ABBREVIATIONS = {"ubnd": "uy ban nhan dan", "tp": "thanh pho", "hcm": "ho chi minh"}


def _plan_words(plan) -> frozenset[str]:
    """The folded syllables a person could name a plan by: title, issuer, year."""
    return _words_of(plan.title, getattr(plan, "issuer", ""), plan.date)


@functools.lru_cache(maxsize=65536)  # every question reads every plan's: fold each plan once
def _words_of(title: str, issuer: str, date: str | None) -> frozenset[str]:
    return frozenset(_WORD.findall(fold(f"{title} {issuer} {(date or '')[:4]}")))


def plan_filter(question: str, plans: Iterable) -> tuple[str | None, str | None]:
    """(number of the plan the question names, None) or (None, the number it names but no plan has).

    By number ("kế hoạch 1187", "KH 629", "629/KH-UBND"), or by the words that follow
    "kế hoạch" when exactly one plan's title, issuer or year holds the longest run of them
    ("kế hoạch chuyển đổi số", "kế hoạch năm 2019", "kế hoạch của UBND tỉnh Hòa Phong").
    """
    plans = list(plans)
    folded = fold(question)
    for pattern in PLAN_NUMBER:
        if match := pattern.search(folded):
            digits = match.group(1)
            found = [p.number for p in plans if re.match(rf"0*{int(digits)}(?!\d)", p.number)]
            return (found[0], None) if len(found) == 1 else (None, digits if not found else None)
    best: dict[str, int] = {}
    for match in PLAN_WORD.finditer(folded):
        after = [_ABBREVIATIONS.get(w, w) for w in _WORD.findall(folded[match.end() :])][:10]
        after = " ".join(after).split()
        while after and after[0] in _PLAN_LINKS:
            after = after[1:]
        for plan in plans:
            words = _plan_words(plan)
            run = 0
            while run < len(after) and (after[run] in words or after[run] in _PLAN_LINKS):
                run += 1
            informative = sum(1 for w in after[:run] if w not in _PLAN_LINKS)
            if informative >= 2 or (informative == 1 and after[0].isdigit()):
                best[plan.number] = max(best.get(plan.number, 0), informative)
    if best:
        top = max(best.values())
        winners = [n for n, v in best.items() if v == top]
        if len(winners) == 1:
            return winners[0], None
    return None, None


# --- shapes ---------------------------------------------------------------------------

# Words that ask what an agency must do and nothing else (folded).
TASK_WORDS = frozenset(
    """
    nhiem vu gi lam phai co nhung cac duoc giao trach nhiem cong viec viec chu tri phoi hop
    the nao ra sao nao trong ke hoach nay so thi can thuc hien la hay cho biet toi muon hoi
    han khi bao gio chot thoi deadline deadlines when due
    what must should does do is are the of tasks task duties duty responsible responsibilities
    for have has to in plan this which va and by
""".split()
)
# Ordered: these mark a follow-up that leans on the previous question's subject.
FOLLOW_UP = (
    re.compile(r"^(?:the |vay |the thi )?con\b"),  # e.g. "còn hạn chót thì sao?"
    re.compile(r"\bthi sao\b"),  # e.g. "hạn chót thì sao?"
    re.compile(r"^(?:and|what about|how about)\b"),  # e.g. "and the deadline?"
    re.compile(
        r"^(?:vay|the|con)\b.*\b(?:ho|no|co quan do|so do|ke hoach do)\b"
    ),  # e.g. "vậy họ phải làm gì"
)
_FOLLOW_UP_WORDS = frozenset("con thi sao vay the nao and what about how ho no do".split())
# Overview: the plan's purpose, content or summary (folded).
OVERVIEW = (
    re.compile(r"\b(?:muc tieu|muc dich|yeu cau|quan diem)\b"),  # e.g. "mục tiêu của kế hoạch là gì?"
    re.compile(r"\bnoi (?:ve )?(?:gi|cai gi|nhung gi|dieu gi)\b"),  # e.g. "Kế hoạch này nói gì?"
    re.compile(r"\b(?:noi dung|tom tat|tong quan|gioi thieu)\b"),  # e.g. "tóm tắt kế hoạch 629"
    re.compile(r"\b(?:ve|la) (?:gi|cai gi|viec gi)\s*\??$"),  # e.g. "kế hoạch 1187 về gì?"
    re.compile(r"\bnham (?:muc dich )?(?:gi|lam gi)\b|\bde lam gi\b"),  # e.g. "kế hoạch … nhằm mục đích gì?"
    re.compile(r"\b(?:about|purpose|objectives?|goals?|aims?|summary|summarize|overview)\b"),
    # e.g. "What is the plan about?"
)
_OVERVIEW_WORDS = frozenset(
    """
    muc tieu dich yeu cau quan diem noi gi cai nhung dieu ve la noi dung tom tat tong quan gioi thieu
    nham lam de chinh cua ke hoach nay kh so co the nao ra sao gom nhung gi hay cho biet ban hanh
    what is the plan about purpose objective objectives goal goals aim aims summary summarize
    overview of this does say nam
""".split()
)
# "X là gì": a short term asked for its meaning (folded).
DEFINITION = (
    re.compile(
        r"^(?:cho (?:toi )?hoi |xin hoi )?(.{1,60}?)\s+(?:la gi|la cai gi|nghia la gi|co nghia la gi"
        r"|duoc hieu (?:la gi|the nao|nhu the nao)|la viet tat cua (?:tu )?gi|viet tat (?:cua )?(?:tu )?gi"
        r"|la viet tat cua cai gi)\s*\??$"
    ),  # e.g. "ICD là gì?"
    re.compile(
        r"^(?:dinh nghia|khai niem|giai thich)\s+(?:cua |ve |tu )?(.{1,60}?)\s*\??$"
    ),  # e.g. "định nghĩa ICD"
    re.compile(r"^what (?:is|are|does) (?:an? |the )?(.{1,60}?)(?: mean| stand for)?\s*\??$"),
    # e.g. "What does CFS mean?"
)


@dataclass(frozen=True)
class Intent:
    """What a question asks for, read from its shape."""

    kind: str  # clause | agency_tasks | overview | definition
    plan: str | None = None  # the plan number the question names (its answer comes from it only)
    unknown_plan: str | None = None  # a plan number named that no loaded plan has
    agencies: tuple[str, ...] = ()  # canonical names mentioned
    term: str | None = None  # the term of a definition question
    asks_time: bool = False  # "…, hạn khi nào?": dated tasks first
    follow_up: bool = False
    names_this_plan: bool = False  # "kế hoạch này"
    topic: str = ""  # the question that set the subject (a follow-up searches with it)
    extra: tuple[str, ...] = field(default=(), compare=False)  # the question's own topic words


def _agency_mentions(text: str) -> tuple[list[str], str]:
    """Canonical agencies named (also through the English glossary) and the text without them."""
    mentions = agency_mentions(text)
    rest = text
    for m in sorted(mentions, key=lambda m: -m.start):
        rest = rest[: m.start] + " " + rest[m.end :]
    names = list(dict.fromkeys(m.name for m in mentions))
    if not names:  # an English question names agencies in English ("the Department of Health")
        found = [(en, vi) for en, vi in GLOSSARY if en in rest.lower()]
        names = list(dict.fromkeys(n for _, vi in found for n in (m.name for m in agency_mentions(vi))))
        if names:
            for en, _ in found:
                rest = re.sub(re.escape(en), " ", rest, flags=re.I)
    return names, rest


def _strip_plan_refs(folded: str) -> str:
    for pattern in PLAN_NUMBER:
        folded = pattern.sub(" ", folded)
    return THIS_PLAN.sub(" ", folded)


def detect(question: str, plans: Iterable = ()) -> Intent:
    """The intent of one question on the loaded plans."""
    plans = list(plans)
    number, unknown = plan_filter(question, plans)
    agencies, rest = _agency_mentions(question)
    folded = " ".join(_WORD.findall(fold(question)))
    rest_folded = _strip_plan_refs(" ".join(_WORD.findall(fold(rest))))
    words = rest_folded.split()
    asks_time = bool(re.search(r"\b(?:han|khi nao|bao gio|thoi han|deadline|when|due|ngay nao)\b", folded))
    follow_up = any(p.search(folded) for p in FOLLOW_UP)
    this_plan = bool(THIS_PLAN.search(folded))
    base = Intent("clause", number, unknown, tuple(agencies), None, asks_time, follow_up, this_plan)
    if number:  # the words naming the plan by topic are not the question's topic
        plan = next(p for p in plans if p.number == number)
        named = _plan_words(plan)
        words = [w for w in words if w not in named] if not PLAN_NUMBER[0].search(folded) else words
    if agencies:
        ignored = _FOLLOW_UP_WORDS if follow_up else frozenset()  # "còn Sở Nội vụ thì sao?"
        extra = tuple(w for w in words if w not in TASK_WORDS and w not in ignored and len(w) > 1)
        if not extra:
            return replace(base, kind="agency_tasks")
        return replace(base, extra=extra)
    mentions_plan = bool(PLAN_WORD.search(folded)) or number is not None
    if mentions_plan and any(p.search(rest_folded) for p in OVERVIEW):
        extra = tuple(w for w in words if w not in _OVERVIEW_WORDS and w not in TASK_WORDS and len(w) > 1)
        if number:
            extra = tuple(
                w for w in extra if w not in _plan_words(next(p for p in plans if p.number == number))
            )
        if not extra:
            return replace(base, kind="overview")
    for pattern in DEFINITION:
        if match := pattern.match(folded):
            term = _original_span(question, match.group(1))
            if term and len(term.split()) <= 6 and not PLAN_WORD.search(fold(term)):
                return replace(base, kind="definition", term=term)
    if follow_up:
        extra = tuple(w for w in words if w not in _FOLLOW_UP_WORDS and w not in TASK_WORDS and len(w) > 1)
        return replace(base, extra=extra)
    return base


def _original_span(question: str, folded_span: str) -> str:
    """The words of `question` whose folded form is `folded_span` (keeps the user's marks)."""
    words = re.findall(r"\S+", question)
    target = folded_span.split()
    for i in range(len(words)):
        joined = " ".join(_WORD.findall(fold(" ".join(words[i : i + len(target)]))))
        if joined == " ".join(target):
            return " ".join(words[i : i + len(target)]).strip(" ?.,:;\"'“”")
    return folded_span


def with_context(intent: Intent, previous: Intent | None) -> Intent:
    """A follow-up read with the previous question's subject: its agencies and plan.

    Only a question that looks like a follow-up and names no subject of its own borrows:
    "còn hạn chót thì sao?" after a question about Sở Tư pháp asks for Sở Tư pháp's deadlines.
    """
    if previous is None or not intent.follow_up or intent.kind == "definition":
        return intent
    plan = intent.plan or previous.plan
    if intent.agencies:  # "còn Sở Nội vụ thì sao?": another agency, the same plan
        return replace(intent, plan=plan)
    if previous.agencies and not intent.extra:
        return replace(intent, kind="agency_tasks", agencies=previous.agencies, plan=plan)
    if previous.kind == "overview" and not intent.extra:
        return replace(intent, kind="overview", plan=plan)
    return replace(intent, agencies=previous.agencies, plan=plan, topic=previous.topic)
