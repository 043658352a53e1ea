"""Hard-wrapped lines to paragraphs: page debris dropped, footnotes lifted out, markers read.

TXT and PDF text arrives one line per block, wrapped at the page width, with blank lines
that sometimes fall inside a paragraph ("Khai", "", "thác"). A line opens a new paragraph
when it carries an item marker, or when the paragraph so far ends a sentence and the line
starts with a capital; a line starting in lower case always continues. DOCX blocks are
paragraphs already and are only joined when one visibly breaks a sentence.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from corpus.model import Block


@dataclass
class Paragraph:
    """A paragraph of body text (marker removed) or a table passing through (`rows`)."""

    text: str
    marker: str | None = None  # article | part | roman | number | letter | dash | plus
    label: str = ""  # "1" (Điều 1), "A", "II", "2.1", "a"; empty for dash and plus
    page: int | None = None
    footnotes: list[str] = field(default_factory=list)
    rows: tuple[tuple[str, ...], ...] | None = None


# Item markers at the start of a line, in the order they are tried (the first match wins).
MARKERS = (
    (re.compile(r"Điều\s+(?P<label>\d{1,3})\s*[.:]\s+"), "article"),  # e.g. "Điều 1. Ban hành kèm theo …"
    # e.g. "PHẦN I. MỤC ĐÍCH"
    (re.compile(r"(?:PHẦN|Phần)\s+(?P<label>[IVX]+|\d{1,2})\s*[.:)–-]?\s+"), "roman"),
    # e.g. "II. Mục tiêu"
    (re.compile(r"(?P<label>(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3}))\s*[.:)–-]\s*(?=\w)"), "roman"),
    # Parts A, B, C … above the roman sections; I, V and X read as roman numerals.
    (re.compile(r"(?P<label>[A-H])\s*[.)]\s+(?=\w)"), "part"),  # e.g. "A. MỤC TIÊU CHUNG"
    # e.g. "2.1. Nhiệm vụ", "2.1.a."
    (re.compile(r"(?P<label>[1-9]\d?(?:\.[1-9]\d?)+(?:\.[a-zđ])?)[.)]?\s+"), "number"),
    (re.compile(r"(?P<label>[1-9]\d?)\s*[.)]\s+"), "number"),  # e.g. "1. Mục tiêu", "3) Sở Y tế"
    (re.compile(r"(?P<label>[a-zđ])\s*[.)]\s+"), "letter"),  # e.g. "a. Tiếp tục …", "đ) …"
    (re.compile(r"[-–—•·*]\s*(?=\S)"), "dash"),  # e.g. "- Sở Xây dựng …", "* Rà soát …"
    (re.compile(r"\+\s*(?=\S)"), "plus"),  # e.g. "+ Rà soát …"
)
HEADING_MARKERS = ("part", "roman", "number", "letter")
# Words in a marked line short enough that its line break must be the heading's end.
_SHORT_HEADING = 8
# A line ending with one of these words is mid-phrase, so a numeral opening the next
# line belongs to it ("trong quý" / "I. …") rather than starting an item.
_TAKES_NUMERAL = re.compile(
    r"(?:quý|số|khoản|điều|mục|phần|chương|giai đoạn|phụ lục|tháng|năm|ngày|lần|loại|nhóm|"
    r"cấp|độ|hạng|lớp|bước|điểm|tiết)$",
    re.IGNORECASE,
)  # e.g. "… hoàn thành trong quý" / "II/2019"
# Page debris, blanked before joining: a page number, a rule line.
PAGE_NUMBER = re.compile(  # e.g. "3", "- 3 -", "Trang 3", "Page 3 of 10", "3/10"; PDFs' too
    r"(?i)[-–—\s]*(?:trang|page)?\s*\d{1,3}(?:\s*(?:/|of|trên)\s*\d{1,3})?[-–—\s]*"
)
_RULE_LINE = re.compile(r"\s*[-_=*.…–—]{3,}\s*")  # e.g. "-----------"
# e.g. "1 ICD (Inland Container Depot): cảng cạn"
_FOOTNOTE = re.compile(r"\s*(?P<n>\d{1,2})\s+(?P<text>\S.*)")
_TERMINAL = ".;:!?…"
_CLOSERS = "\"'”’»)]"


def join_lines(blocks: list[Block], kind: str = "txt") -> list[Paragraph]:
    """Paragraphs (and tables, in place) from a document's blocks in reading order."""
    lines = _clean(blocks)
    footnotes = _find_footnotes(lines)
    paragraphs, sources = [], []
    current, blank_seen = None, False
    for index, block in enumerate(lines):
        if block.rows is not None:
            paragraphs.append(Paragraph("", page=block.page, rows=block.rows))
            sources.append(index)
            current, blank_seen = None, False
            continue
        text = " ".join(block.text.split())
        if not text or index in footnotes:
            blank_seen = True
            continue
        if current is not None and _continues(current, text, blank_seen, kind):
            current.text = f"{current.text} {text}"
        else:
            current = _paragraph(text, block.page)
            paragraphs.append(current)
            sources.append(index)
        blank_seen = kind == "docx"  # each DOCX block stands alone, as if after a blank line
    _attach_footnotes(paragraphs, sources, footnotes)
    return paragraphs


def is_terminated(text: str) -> bool:
    """Whether `text` ends a sentence or clause (". ; : ! ?", "./.")."""
    stripped = text.rstrip().rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _TERMINAL


def _paragraph(text: str, page: int | None) -> Paragraph:
    marker, label, body = _marker(text)
    return Paragraph(body, marker, label, page)


def item_marker(text: str) -> str | None:
    """The kind of item marker `text` opens with ("roman", "number", "letter", "dash", "plus"), or None."""
    return _marker(text)[0]


def _marker(text: str) -> tuple[str | None, str, str]:
    for pattern, kind in MARKERS:
        match = pattern.match(text)
        if match and kind == "part" and not text[match.end()].isupper():
            continue  # "A. " before a lower-case word is no part heading
        if match and match.end() < len(text):
            return kind, match.groupdict().get("label") or "", text[match.end() :].strip()
    return None, "", text


def _continues(current: Paragraph, text: str, blank_seen: bool, kind: str) -> bool:
    """Whether `text` (a line or DOCX block) carries on the paragraph `current`."""
    marker, _, body = _marker(text)
    ended = is_terminated(current.text)
    if marker in ("roman", "number") and not ended and not blank_seen and _TAKES_NUMERAL.search(current.text):
        return True  # "… hoàn thành trong quý" / "I. …" is a wrapped "quý I", not section I
    if marker in ("dash", "plus") and not ended and _starts_lower(body):
        return True  # a wrapped hyphenated phrase: "nước" / "- môi trường"
    if marker:
        return False
    if _starts_lower(text):
        return True
    if all_caps(text, 2) and len(text.split()) <= _SHORT_HEADING and (blank_seen or text.endswith(":")):
        return False  # "QUYẾT ĐỊNH:" heads what follows, whatever precedes it
    if kind == "docx" or ended:
        return False
    if current.text.rstrip().endswith(","):
        return True  # "… Hội Cựu chiến binh," / "Đoàn Thanh niên …": a sentence cut by a stray gap
    if (
        current.marker in HEADING_MARKERS
        and len(current.text.split()) <= _SHORT_HEADING
        and _starts_upper(text)
    ):
        return False  # "I. Mục tiêu" / "Nâng cao …": too short to be a wrapped line (PDF, no gap)
    return not (blank_seen and _heading_like(current))


def _heading_like(paragraph: Paragraph) -> bool:
    if paragraph.marker in HEADING_MARKERS:
        return True
    letters = [ch for ch in paragraph.text if ch.isalpha()]
    if letters and all(ch.isupper() for ch in letters):
        return True
    return paragraph.marker is None and len(paragraph.text.split()) <= 12


def all_caps(text: str, least: int = 1) -> bool:
    """Every letter a capital (and at least `least` letters): a heading, a title, an issuer."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= least and all(ch.isupper() for ch in letters)


def _starts_upper(text: str) -> bool:
    first = next((ch for ch in text if ch.isalnum()), "")
    return first.isupper()


def _starts_lower(text: str) -> bool:
    first = next((ch for ch in text if ch.isalnum()), "")
    return first.islower()


def _clean(blocks: list[Block]) -> list[Block]:
    """Blocks with page debris blanked: page numbers, rule lines, running headers."""
    running = _running_headers(blocks)
    cleaned = []
    for block in blocks:
        text = block.text
        if block.rows is None and (
            not text.strip()
            or PAGE_NUMBER.fullmatch(text)
            or _RULE_LINE.fullmatch(text)
            or _key(text) in running
        ):
            block = Block("", page=block.page)
        cleaned.append(block)
    return cleaned


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split()).lower())


def _running_headers(blocks: list[Block]) -> set[str]:
    """Lines a PDF repeats at the top or bottom of three or more pages."""
    by_page = defaultdict(list)
    for block in blocks:
        if block.page is not None and block.rows is None and block.text.strip():
            by_page[block.page].append(_key(block.text))
    pages = defaultdict(set)
    for page, keys in by_page.items():
        for key in keys[:2] + keys[-2:]:
            pages[key].add(page)
    return {key for key, seen in pages.items() if len(seen) >= 3 and len(key) < 120}


def _find_footnotes(lines: list[Block]) -> dict[int, tuple[str, str]]:
    """Footnote lines by index: {index: (number, text)}; text "" for a wrapped part.

    A footnote line starts with a number and a space, follows a blank line (the
    separator) or another footnote, and its number is glued to a word shortly before
    it ("ICD1" … "1 ICD (Inland Container Depot): …"). Only a PDF (which has pages)
    can show that a lower-case line after it wraps the footnote rather than resuming
    the body text.
    """
    footnotes, note, body_since = {}, None, 0
    for index, block in enumerate(lines):
        if block.rows is not None:
            note = None
            continue
        previous = lines[index - 1] if index else None
        match = _FOOTNOTE.fullmatch(block.text)
        if (
            match
            and previous is not None
            and previous.rows is None
            and (not previous.text.strip() or index - 1 in footnotes)
        ):
            recent = " ".join(b.text for b in lines[max(body_since, index - 60) : index] if b.rows is None)
            if re.search(rf"[^\W\d_]{match['n']}(?!\w)", recent):
                footnotes[index] = (match["n"], " ".join(block.text.split()))
                note = index
                continue
        if (
            note is not None
            and index - 1 in footnotes
            and block.page is not None
            and block.page == previous.page
            and _starts_lower(block.text)
            and not _marker(block.text)[0]
        ):
            number, text = footnotes[note]
            footnotes[note] = (number, f"{text} {' '.join(block.text.split())}")
            footnotes[index] = (number, "")
            continue
        if block.text.strip():
            if note is not None:
                body_since = index
            note = None
    return footnotes


def _attach_footnotes(paragraphs: list[Paragraph], sources: list[int], footnotes: dict) -> None:
    """Give each footnote to the paragraph before it that cites its number."""
    for index, (number, text) in sorted(footnotes.items()):
        if not text:
            continue
        before = [i for i, source in enumerate(sources) if source < index and paragraphs[i].rows is None]
        cited = [i for i in before if re.search(rf"[^\W\d_]{number}(?!\w)", paragraphs[i].text)]
        target = (cited or before or [None])[-1]
        if target is not None:
            paragraphs[target].footnotes.append(text)
