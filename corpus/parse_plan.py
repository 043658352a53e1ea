"""A loaded document to a Plan: header metadata, and the clauses in their sections.

The document is read in four zones: the header (issuer, "Số: …", place and date, the
document type "KẾ HOẠCH" and the title), the body, the closing (signature block and
"Nơi nhận"), and appendices ("PHỤ LỤC …", task tables) that may follow the signature.
Body lines are joined into paragraphs (corpus/lines.py); markers build the section path
("II.2.a"); tables become clauses (corpus/tables.py), their cells kept by role. The parse
builds structure only: agencies, deadlines and word segmentation are filled in by
corpus/build_plan.py, for body clauses and table rows alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.lines import (
    HEADING_MARKERS,
    Paragraph,
    is_terminated,
    item_marker,
    join_lines,
)
from corpus.long_clauses import split_long_clauses
from corpus.model import Block, Clause, Document, ParseWarning, Plan
from corpus.tables import (
    cell_line_tables,
    join_split_tables,
    pipe_tables,
    table_clauses,
)
from nlp.dates import parse_date
from nlp.fold import fold
from nlp.issuer import issuer

# ---- rule table: the header, top to bottom, then the closing ----
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
# The closing: "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN TỈNH", "KT. CHỦ TỊCH", or a bare title line.
_CLOSING_PREFIX = re.compile(  # e.g. "Nơi nhận:", "KT. CHỦ TỊCH"
    r"(?:Nơi nhận\s*:?|(?:TM|T/M|T\.M|KT|K\.T|TL|T\.L|TUQ|Q)\s*[./]\s*[A-ZĐỦ]).*"
)
_CLOSING_TITLE = re.compile(  # e.g. "PHÓ CHỦ TỊCH"
    r"(?:PHÓ\s+)?(?:CHỦ TỊCH|GIÁM ĐỐC|TRƯỞNG BAN|BỘ TRƯỞNG|CHÁNH VĂN PHÒNG)"
)
_APPENDIX = re.compile(  # e.g. "PHỤ LỤC I", "Phụ lục 2: DANH MỤC NHIỆM VỤ"
    r"(?:PHỤ LỤC|Phụ lục)(?:\s+(?P<label>[IVX]+|\d{1,2}))?\b[\s.:–-]*(?P<title>.*)"
)
# e.g. "(Đã ký) Trần Văn A"
_SIGNED = re.compile(r"(?:Đã ký|đã ký|Ký bởi)\s*[:)]?\s*(?P<name>[^\W\d_][^\d:;()]*)$")
_SURNAMES = frozenset(
    "nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đinh đoàn mai trương "
    "lâm tạ hà cao lương chu trịnh đào thái tô lưu quách kiều văn châu tăng triệu lại thân "
    "nghiêm khổng giang mạc phùng vương âu doãn hứa cù bạch la lò đàm nông tống diệp kim ông "
    "tôn quan thạch danh".split()
)
_RANK = {"article": 0, "part": 0, "roman": 1, "letter": 10, "dash": 20, "plus": 21}
_UNNUMBERED_HEADING = 25  # "MỤC ĐÍCH, YÊU CẦU" without a marker: titles what follows, adds no path
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
class _Header:
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


@dataclass
class _Path:
    """Where the walk stands: appendix, article, part, roman, numbers, letter, and the headings' titles."""

    appendix: str = ""
    article: str = ""
    part: str = ""
    roman: str = ""
    numbers: list[str] = field(default_factory=list)
    letter: str = ""
    titles: dict[int, str] = field(default_factory=dict)

    def section(self) -> str:
        article = f"Điều {self.article}" if self.article else ""
        return ".".join(
            part
            for part in (self.appendix, article, self.part, self.roman, *self.numbers, self.letter)
            if part
        )

    def title(self) -> str:
        return self.titles[max(self.titles)] if self.titles else ""

    def enter(self, marker: str, label: str) -> int:
        """Move to the item `marker label`; returns its rank, for the heading's title."""
        rank = _rank(marker, label)
        if marker == "article":
            self.article, self.part, self.roman, self.numbers, self.letter = label, "", "", [], ""
        elif marker == "part":
            self.part, self.roman, self.numbers, self.letter = label, "", [], ""
        elif marker == "roman":
            self.roman, self.numbers, self.letter = label, [], ""
        elif marker == "number":
            self.numbers, self.letter = label.split("."), ""
        elif marker == "letter":
            self.letter = label
        self.titles = {level: title for level, title in self.titles.items() if level < rank}
        return rank


def parse_plan(document: Document) -> Plan:
    """The plan's metadata and clauses, in reading order.

    A Quyết định that carries its plan ("Ban hành kèm theo Quyết định này …", its
    signature and "Nơi nhận", then "KẾ HOẠCH …") gives the decision's articles, then the
    attached plan as the body; the plan takes the decision's number and date. A plan whose
    number is left blank (a draft) is keyed by a short title; one without any header by
    its file name without extension (e.g. "ke-hoach-chuyen-doi-so"), so every plan has a key.
    """
    blocks = join_split_tables(cell_line_tables(pipe_tables(document.blocks)))
    kind = document.kind
    warnings: list[ParseWarning] = []
    header = _header(blocks, kind)
    clauses = []
    if header.text:
        clauses.append(Clause(section="", text=header.text, page=header.page, kind="header"))
    title, plan_kind = header.title, "plan"
    start, signer = header.body_start, ""
    while True:
        closing_start, closing_end = _closing(blocks, start)
        clauses += _walk(join_lines(blocks[start:closing_start], kind), _Path(), warnings)
        closing = _closing_lines(blocks[closing_start:closing_end])
        if closing:
            clauses.append(
                Clause(section="", text=" ".join(closing), kind="signature", page=blocks[closing_start].page)
            )
        signer = signer or _signer(closing)
        attached = _attached(blocks, closing_end, kind) if header.doc_type == "QUYẾT ĐỊNH" else None
        if attached is None:
            break
        clauses.append(Clause(section="", text=attached.text, page=attached.page, kind="header"))
        title, plan_kind, start = attached.title, "decision_plan", attached.body_start
    if plan_kind == "plan" and header.doc_type == "QUYẾT ĐỊNH":
        plan_kind = "decision"
    clauses += _walk(join_lines(blocks[closing_end:], kind), _Path(appendix="PHỤ LỤC"), warnings)
    clauses = [clause for clause in clauses if not _is_note(clause)]
    clauses = split_long_clauses(clauses, warnings)
    number, citation = _number_and_citation(header, title, plan_kind, document.path.stem)
    return Plan(
        number=number,
        title=title,
        issuer=header.issuer,
        date=header.date,
        place=header.place,
        signer=signer,
        clauses=clauses,
        source_name=document.path.name,
        sha256=document.sha256,
        kind=plan_kind,
        citation=citation,
        warnings=warnings,
    )


def _number_and_citation(header: _Header, title: str, plan_kind: str, stem: str) -> tuple[str, str]:
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
    if _all_caps(title):
        title = title[:1] + title[1:].lower()
    if len(title) <= _SHORT_TITLE_CHARS:
        return title
    words = title[: _SHORT_TITLE_CHARS + 1].rsplit(" ", 1)[0].rstrip(",;:–- ").split()
    while len(words) > 3 and words[-1].lower() in _DANGLING:
        words.pop()  # "… ngày 04/01/2026 của" → "… ngày 04/01/2026"
    return " ".join(words) + "…"


def _is_note(clause: Clause) -> bool:
    """ "(Kèm theo Kế hoạch số … )" under an appendix title says where it belongs: no clause."""
    return clause.kind in ("paragraph", "continuation") and bool(_ATTACHED_NOTE.fullmatch(clause.text))


# ---- header ---------------------------------------------------------------------------


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


def _header(blocks: list[Block], kind: str) -> _Header:
    lines = _header_lines(blocks)
    filled = [i for i, (text, _) in enumerate(lines) if text.strip()]
    doc_type = next((i for i in filled[:40] if _DOC_TYPE.fullmatch(lines[i][0])), None)
    if doc_type is None:
        number_line = next((i for i in filled[:15] if _NUMBER.search(lines[i][0])), None)
        if number_line is None:
            return _Header()
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
        if parts and _AUTHORITY.match(text) and _all_caps(text):
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
    if _all_caps(previous) and _all_caps(text):
        return True
    return kind != "docx" and not blank and not is_terminated(previous) and not _BODY_OPENER.match(text)


def _attached(blocks: list[Block], start: int, kind: str) -> _Header | None:
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
    if doc_type is None or doc_type["type"] == "QUYẾT ĐỊNH" or not _all_caps(doc_type["type"]):
        return None
    title, notes, end = _title(lines, first, kind)
    body_start = lines[end - 1][1] + 1 if end > first else lines[first][1] + 1
    return _Header(
        doc_type=doc_type["type"],
        title=title,
        body_start=body_start,
        text=" ".join(part for part in (doc_type["type"], title, *notes) if part),
        page=blocks[lines[first][1]].page,
    )


def _metadata(lines: list[str]) -> _Header:
    header = _Header()
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
            while words and not _all_caps(words[-1]) and not _RULE.fullmatch(words[-1]):
                place.insert(0, words.pop())
            header.place = " ".join(place)
    # The motto may be wrapped too ("CỘNG HÒA XÃ HỘI" / "CHỦ NGHĨA VIỆT NAM"): drop it once joined.
    header.issuer = issuer(" ".join(_MOTTO.sub(" ", " ".join(issuer_parts)).split()))
    return header


def _all_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


# ---- closing and signer -----------------------------------------------------------------


def _closing(blocks: list[Block], start: int) -> tuple[int, int]:
    """[start, end) of the signature block (lines, or a DOCX signature table); (len, len) when
    there is none. It ends at an appendix, a table, or the document it carries (a decision's plan)."""
    for index in range(start, len(blocks)):
        block = blocks[index]
        lines = (
            [block.text]
            if block.rows is None
            else [line for row in block.rows for cell in row for line in cell.split("\n")]
        )
        if any(_is_closing_line(" ".join(line.split())) for line in lines):
            end = index + 1
            while (
                end < len(blocks)
                and blocks[end].rows is None
                and not _starts_appendix(blocks[end].text)
                and not _starts_document(blocks[end].text)
            ):
                end += 1
            return index, end
    return len(blocks), len(blocks)


def _is_closing_line(text: str) -> bool:
    return bool(text) and bool(
        (_CLOSING_PREFIX.fullmatch(text) and (text.startswith("Nơi") or _all_caps(text)))
        or _CLOSING_TITLE.fullmatch(text)
    )


def _starts_document(text: str) -> bool:
    """A document-type line in capitals ("KẾ HOẠCH"): a document carried after a signature."""
    match = _DOC_TYPE.fullmatch(" ".join(text.split()))
    return bool(match) and _all_caps(match["type"]) and not match["rest"]


def _starts_appendix(text: str) -> bool:
    match = _APPENDIX.match(text.strip())
    return bool(match) and (text.strip().startswith("PHỤ LỤC") or not match["title"].strip())


def _closing_lines(blocks: list[Block]) -> list[str]:
    """The closing's lines: a two-column TXT line ("- Lưu: VT.      Nguyễn Văn A") split at its
    gap, a signature table read cell by cell, line by line."""
    texts = [
        cell for b in blocks for cell in ([b.text] if b.rows is None else [c for row in b.rows for c in row])
    ]
    return [
        " ".join(part.split())
        for text in texts
        for line in text.split("\n")
        for part in re.split(r"\s{4,}", line)
        if part.strip()
    ]


def _signer(lines: list[str]) -> str:
    """The signer's name: after "Đã ký", else the last line that reads as a person's name."""
    for line in reversed(lines):
        signed = _SIGNED.search(line)
        if signed and len(signed["name"].split()) >= 2:
            return " ".join(signed["name"].split())
    for line in reversed(lines):
        words = re.sub(r"\((?:đã ký|ký)[^)]*\)", "", line, flags=re.I).split()
        if (
            2 <= len(words) <= 5
            and all(w[0].isupper() and w.isalpha() for w in words)
            and not _CLOSING_TITLE.search(line.upper())
            and (not _all_caps(line) or words[0].lower() in _SURNAMES)
        ):
            return " ".join(w.capitalize() if _all_caps(line) else w for w in words)
    return ""


# ---- body walk -----------------------------------------------------------------------------


def _rank(marker: str | None, label: str) -> int:
    if marker == "number":
        return 1 + len(label.split("."))
    return _RANK.get(marker, 30)


def _walk(paragraphs: list[Paragraph], path: _Path, warnings: list[ParseWarning]) -> list[Clause]:
    clauses, last_kind = [], None
    for index, paragraph in enumerate(paragraphs):
        if paragraph.rows is not None:
            clauses += table_clauses(paragraph.rows, path.section(), path.title(), paragraph.page, warnings)
            last_kind = None
            continue
        appendix = _APPENDIX.fullmatch(paragraph.text) if paragraph.marker is None else None
        if appendix and _starts_appendix(paragraph.text):
            path = _Path(
                appendix=" ".join(filter(None, ("PHỤ LỤC", appendix["label"]))),
                titles={0: appendix["title"].strip()},
            )
            last_kind = None
            continue
        kind = "item"
        if paragraph.marker in HEADING_MARKERS or paragraph.marker == "article":
            rank = path.enter(paragraph.marker, paragraph.label)
            if _is_heading(paragraphs, index):
                path.titles[rank] = paragraph.text
                last_kind = None
                continue
        elif paragraph.marker is None:
            if _all_caps(paragraph.text) and len(paragraph.text.split()) <= 20:
                path.titles[_UNNUMBERED_HEADING] = paragraph.text
                last_kind = None
                continue
            kind = "continuation" if last_kind in ("item", "continuation") else "paragraph"
        clauses.append(
            Clause(
                section=path.section(),
                text=paragraph.text,
                page=paragraph.page,
                footnotes=list(paragraph.footnotes),
                kind=kind,
                section_title=path.title(),
            )
        )
        last_kind = kind
    return clauses


def _is_heading(paragraphs: list[Paragraph], index: int) -> bool:
    """A marked line is a heading when it reads as a title and body text follows it.

    "a. Tiếp tục bãi bỏ … năm 2018" followed by paragraphs is a heading; "3. Sở Y tế chủ
    trì …." is a task; so is an unpunctuated item followed by its next sibling.
    """
    text = paragraphs[index].text
    words = len(text.split())
    if text.rstrip().endswith(":"):
        return words <= 10
    if is_terminated(text) or words > 60 or text.rstrip().endswith(","):
        return False  # a sentence, or one cut mid-way ("… Hội Cựu chiến binh,")
    following = next((p for p in paragraphs[index + 1 :] if p.rows is not None or p.text), None)
    if following is None:
        return False
    if following.rows is not None:
        return True
    mine = _rank(paragraphs[index].marker, paragraphs[index].label)
    return _rank(following.marker, following.label) > mine
