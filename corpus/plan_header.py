"""A plan's header zone: issuer, "Số: …", place and date, the document type and the title.

Read from the opening lines (a DOCX header table cell by cell) up to the title's end, where
the body starts; also the header of a plan a decision carries after its signature
("KẾ HOẠCH" and its title after "Nơi nhận"), and the key and citation the header gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.lines import HEADING_MARKERS, all_caps, is_terminated, item_marker
from corpus.model import Block
from nlp.dates import parse_date
from nlp.fold import fold
from nlp.issuer import issuer

# ---- rule table: the header, top to bottom ----
# The document-type line that ends the header; the title follows it.
_DOC_TYPE = re.compile(
    r"\s*(?P<type>KẾ HOẠCH(?: HÀNH ĐỘNG)?|CHƯƠNG TRÌNH(?: HÀNH ĐỘNG)?|ĐỀ ÁN|QUYẾT ĐỊNH|CHỈ THỊ|"
    r"PHƯƠNG ÁN|BÁO CÁO|THÔNG BÁO)(?:\s+(?P<rest>.*))?$"
)  # e.g. "KẾ HOẠCH"
# A symbol may be spaced around its hyphen ("3210/QĐ - UBND"); spaces are dropped from the number.
_NUMBER = re.compile(
    r"Số\s*:?\s*(?P<n>[\w.]+(?:\s*/\s*[\w.]+(?:\s*[-–]\s*[\w.]+)*)+)"
)  # e.g. "Số: 629/KH-UBND"
_BLANK_NUMBER = re.compile(r"Số\s*:?\s*/\s*(?P<symbol>[\w.]+(?:\s*[-–]\s*[\w.]+)*)")  # e.g. "Số:    /KH-UBND"
# e.g. "Bình Dương, ngày 14 …"; bounded: unbounded, a long line without ", ngày" was quadratic
_PLACE = re.compile(r"(?P<place>[^\W\d_][^,:;]{0,80}?)\s*,\s*ngày\b", re.IGNORECASE)
# The national motto beside the issuer in the header table, dropped from the issuer's name.
_MOTTO = re.compile(  # e.g. "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"
    r"CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM"
    r"|Độc\s+lập\s*[-–—]\s*Tự\s+do\s*[-–—]\s*Hạnh\s+phúc",
    re.IGNORECASE,
)
# The authority issuing a decision, on its own line under the title: the title ends before it.
_AUTHORITY = re.compile(
    r"(?:CHỦ TỊCH|BỘ TRƯỞNG|THỦ TƯỚNG|TRƯỞNG BAN|GIÁM ĐỐC|TỔNG CỤC TRƯỞNG|CỤC TRƯỞNG|"
    r"ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN)\b"
)  # e.g. "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH"
# A note under a title saying which document carries it, in the title line or on its own.
_ATTACHED_NOTE = re.compile(  # e.g. "(Ban hành kèm theo Quyết định số 3210/QĐ-UBND …)"
    r"\((?:Ban hành )?(?:kèm|Kèm) theo\b[^()]*(?:\([^()]*\)[^()]*)*\)\s*$"
)
_RULE = re.compile(r"\s*[-_=*.…–—]{3,}\s*")  # e.g. "-------" under the issuer
# A DOCX table whose cells say these (accent-folded) is the header table, read cell by cell.
_HEADER_TABLE = re.compile(r"cong hoa xa hoi|doc lap|\bso\s*:|ngay .{0,40}thang")  # e.g. "Số: 12/KH-UBND"
# Lines that open the body, so they cannot continue a title in a TXT/PDF file.
_BODY_OPENER = re.compile(r"(?:Căn cứ|Thực hiện|Để|Nhằm|Xét|Theo)\b")  # e.g. "Căn cứ Luật Tổ chức …"
# Words kept of a title when it has to stand for a missing number.
_SHORT_TITLE_CHARS = 60
# Words that cannot end a shortened title: it would dangle ("… của…").
_DANGLING = frozenset("của về và với cho trong theo tại các những đối để nhằm trên từ đến giai đoạn".split())
# Document types as cited, from the capitals of the document-type line.
_CITED_TYPE = {
    "QUYẾT ĐỊNH": "Quyết định",
    "KẾ HOẠCH HÀNH ĐỘNG": "Kế hoạch hành động",
    "CHƯƠNG TRÌNH HÀNH ĐỘNG": "Chương trình hành động",
}


@dataclass
class Header:
    """What the header says; `body_start` is the index of the first block after it, `text` its clause."""

    issuer: str = ""
    number: str = ""
    symbol: str = ""  # "KH-UBND" of a draft whose number is left blank ("Số:    /KH-UBND")
    doc_type: str = ""  # "KẾ HOẠCH", "QUYẾT ĐỊNH", …
    date: str | None = None
    place: str = ""
    title: str = ""
    text: str = ""
    body_start: int = 0
    page: int | None = None


def number_and_citation(header: Header, title: str, plan_kind: str, stem: str) -> tuple[str, str]:
    """The plan's key and how it is cited: "Kế hoạch 629/KH-UBND", "Kế hoạch ban hành kèm
    theo Quyết định 3210/QĐ-UBND"; a draft without number by a short title."""
    doc_type = _CITED_TYPE.get(header.doc_type, header.doc_type.capitalize() or "Kế hoạch")
    if header.number:
        if plan_kind == "decision_plan":
            return header.number, f"Kế hoạch ban hành kèm theo Quyết định {header.number}"
        return header.number, f"{doc_type} {header.number}"
    if title:
        short = _short_title(title)
        draft = " (chưa có số)" if header.symbol else ""
        return short, f"{doc_type} {short[:1].lower()}{short[1:]}{draft}"
    return stem, f"{doc_type} {stem}"


def _short_title(title: str) -> str:
    """The title's first words, up to about 60 characters, in sentence case."""
    if all_caps(title):
        title = title[:1] + title[1:].lower()
    if len(title) <= _SHORT_TITLE_CHARS:
        return title
    words = title[: _SHORT_TITLE_CHARS + 1].rsplit(" ", 1)[0].rstrip(",;:–- ").split()
    while len(words) > 3 and words[-1].lower() in _DANGLING:
        words.pop()  # "… ngày 04/01/2026 của" → "… ngày 04/01/2026"
    return " ".join(words) + "…"


def is_attached_note(text: str) -> bool:
    """ "(Kèm theo Kế hoạch số … )": a note saying which document carries the text above it."""
    return bool(_ATTACHED_NOTE.fullmatch(text))


def _header_lines(blocks: list[Block]) -> list[tuple[str, int]]:
    """(line, block index) of the opening blocks; a DOCX header table read cell by cell."""
    lines = []
    for index, block in enumerate(blocks[:80]):
        if block.rows is not None:
            cells = [cell for row in block.rows for cell in row]
            if not any(_HEADER_TABLE.search(fold(cell)) for cell in cells):
                break
            lines += [(part, index) for cell in cells for part in cell.split("\n")]
        else:
            lines += [(part, index) for part in (block.text.split("\n") or [""])]
    return lines


def plan_header(blocks: list[Block], kind: str) -> Header:
    """The header of the document in `blocks`; an empty Header (body from block 0) when there is none."""
    lines = _header_lines(blocks)
    filled = [i for i, (text, _) in enumerate(lines) if text.strip()]
    doc_type = next((i for i in filled[:40] if _DOC_TYPE.fullmatch(lines[i][0])), None)
    if doc_type is None:
        number_line = next((i for i in filled[:15] if _NUMBER.search(lines[i][0])), None)
        if number_line is None:
            return Header()
        end = number_line + 1
        if end < len(lines) and parse_date(lines[end][0]):
            end += 1
        header = _metadata([text for text, _ in lines[:end]])
        header.body_start = lines[end - 1][1] + 1
        header.text = " ".join(" ".join(t.split()) for t, _ in lines[number_line:end])
        header.page = blocks[0].page
        return header
    header = _metadata([text for text, _ in lines[:doc_type]])
    header.doc_type = _DOC_TYPE.fullmatch(lines[doc_type][0])["type"]
    title, notes, end = _title(lines, doc_type, kind)
    header.title = title
    header.body_start = lines[end - 1][1] + 1 if end > doc_type else lines[doc_type][1] + 1
    dated = [" ".join(t.split()) for t, _ in lines[:doc_type] if _NUMBER.search(t) or parse_date(t)]
    doc_type_name = _DOC_TYPE.fullmatch(lines[doc_type][0])["type"]
    header.text = " ".join(part for part in (*dated, doc_type_name, title, *notes) if part)
    header.page = blocks[0].page
    return header


def _title(lines, doc_type: int, kind: str) -> tuple[str, list[str], int]:
    """The title after the document type, notes like "(Kèm theo …)", and the index after."""
    rest = _DOC_TYPE.fullmatch(lines[doc_type][0])["rest"]
    parts, notes, blank = ([rest.strip()] if rest else []), [], False
    index = doc_type + 1
    while index < len(lines):
        text = " ".join(lines[index][0].split())
        if _RULE.fullmatch(text) and parts:
            index += 1
            break  # a rule under the title closes it
        if not text or _RULE.fullmatch(text):
            blank = blank or bool(parts)
            index += 1
            continue
        if text.startswith("(") and parts:
            notes.append(text)
            index += 1
            continue
        if parts and _AUTHORITY.match(text) and all_caps(text):
            notes.append(text)  # "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH": who decides, not the title
            index += 1
            break
        note = _ATTACHED_NOTE.search(text)
        if note and note.start() > 0:  # "… HỒ CHÍ MINH (Ban hành kèm theo Quyết định số …)"
            text = text[: note.start()].rstrip()
            if parts and not _title_continues(parts[-1], text, blank, kind):
                break
            parts.append(text)
            notes.append(note.group())
            index += 1
            continue
        if parts and not _title_continues(parts[-1], text, blank, kind):
            break
        parts.append(text)
        blank = False
        index += 1
    return " ".join(parts), notes, index


def _title_continues(previous: str, text: str, blank: bool, kind: str) -> bool:
    if item_marker(text) in HEADING_MARKERS:
        return False  # "I. Mục tiêu" opens the body even with no gap after the title (PDF)
    first = next((ch for ch in text if ch.isalpha()), "")
    if first.islower():
        return True
    if all_caps(previous) and all_caps(text):
        return True
    return kind != "docx" and not blank and not is_terminated(previous) and not _BODY_OPENER.match(text)


def attached_header(blocks: list[Block], start: int, kind: str) -> Header | None:
    """The plan a decision carries after its "Nơi nhận": "KẾ HOẠCH", its title and notes."""
    lines = []
    for index in range(start, min(start + 40, len(blocks))):
        if blocks[index].rows is not None:
            break
        lines += [(part, index) for part in (blocks[index].text.split("\n") or [""])]
    first = next((i for i, (text, _) in enumerate(lines) if text.strip()), None)
    if first is None:
        return None
    doc_type = _DOC_TYPE.fullmatch(" ".join(lines[first][0].split()))
    if doc_type is None or doc_type["type"] == "QUYẾT ĐỊNH" or not all_caps(doc_type["type"]):
        return None
    title, notes, end = _title(lines, first, kind)
    body_start = lines[end - 1][1] + 1 if end > first else lines[first][1] + 1
    return Header(
        doc_type=doc_type["type"],
        title=title,
        body_start=body_start,
        text=" ".join(part for part in (doc_type["type"], title, *notes) if part),
        page=blocks[lines[first][1]].page,
    )


def _metadata(lines: list[str]) -> Header:
    header = Header()
    issuer_parts, numbered, dated = [], False, False
    for line in lines:
        text = " ".join(_MOTTO.sub(" ", line).split())
        number = _NUMBER.search(text) or _BLANK_NUMBER.search(text)
        date = parse_date(text[: number.start()] + text[number.end() :] if number else text)
        if number and not numbered:
            numbered = True
            if "n" in number.groupdict():
                header.number = re.sub(r"\s+", "", number["n"]).replace("–", "-")
            else:
                header.symbol = re.sub(r"\s+", "", number["symbol"])
            text = text[: number.start()] + text[number.end() :]
        if date and not dated:
            dated = True
            header.date = date.iso  # None in a draft, whose day and month are blank; the place stays
            place = _PLACE.search(text)
            header.place = " ".join(place["place"].split()) if place else ""
        if not number and not date and text and not _RULE.fullmatch(text) and not numbered:
            issuer_parts.append(text)
    if not dated:  # "Hà Nội, ngày 18" / "tháng 02 năm 2014": a date wrapped over two lines
        joined = _BLANK_NUMBER.sub(" ", _NUMBER.sub(" ", " ".join(" ".join(line.split()) for line in lines)))
        date = parse_date(joined)
        if date:
            header.date = date.iso
            words = joined[: date.start].rstrip(" ,").split()  # "… PHỦ ---- Hà Nội, ngày 18 …"
            place = []
            while words and not all_caps(words[-1]) and not _RULE.fullmatch(words[-1]):
                place.insert(0, words.pop())
            header.place = " ".join(place)
    # The motto may be wrapped too ("CỘNG HÒA XÃ HỘI" / "CHỦ NGHĨA VIỆT NAM"): drop it once joined.
    header.issuer = issuer(" ".join(_MOTTO.sub(" ", " ".join(issuer_parts)).split()))
    return header


def starts_document(text: str) -> bool:
    """A document-type line in capitals ("KẾ HOẠCH"): a document carried after a signature."""
    match = _DOC_TYPE.fullmatch(" ".join(text.split()))
    return bool(match) and all_caps(match["type"]) and not match["rest"]
