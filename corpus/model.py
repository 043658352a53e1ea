"""The records that flow from a loaded file to the index: document, plan, clause."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from corpus.errors import DocumentError  # noqa: F401  (re-exported: the records' error)
from nlp.deadlines import Deadline  # a clause carries one; nlp owns the type


@dataclass(frozen=True)
class Block:
    """One unit of a loaded document, in reading order.

    A text block is a line (TXT, PDF) or a paragraph (DOCX); blank lines are kept as
    empty text because they help tell a wrapped line from a new paragraph. A table
    block carries `rows` (header row first, as in the file) and empty `text`.
    """

    text: str
    page: int | None = None
    rows: tuple[tuple[str, ...], ...] | None = None


@dataclass
class Document:
    """A file read into repaired NFC text blocks; `sha256` is of the raw bytes."""

    path: Path
    blocks: list[Block]
    sha256: str
    kind: str  # "txt" | "docx" | "pdf"
    ocr: object | None = None  # corpus.ocr.OcrSummary when some pages were read by OCR


@dataclass
class Clause:
    """One answerable unit of a plan: exact text, place, who, by when."""

    section: str  # e.g. "II.2.a", "PHỤ LỤC", "" for the preamble
    text: str
    page: int | None = None
    sentences: list[str] = field(default_factory=list)
    words: str = ""  # underthesea word-segmented text, for the keyword index
    lead: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    deadline: Deadline | None = None
    target: Deadline | None = None  # a processing time to reach ("dưới 63 ngày làm việc")
    deadlines: list[Deadline] = field(default_factory=list)  # all it commits to, `deadline` first
    footnotes: list[str] = field(default_factory=list)
    kind: str = "paragraph"  # paragraph | item | continuation | table_row | header | signature
    section_title: str = ""
    # A table row's cells by column role ("lead", "partners", "deadline"), as written: the
    # parse only places them; build_plan reads agencies and deadlines out of them.
    cells: dict[str, str] = field(default_factory=dict)


# What a parse warning says, per language; {section}, {size}, {parts} come from the warning.
WARNING_TEXT = {
    "en": {
        "long_clause": "a clause of {size} characters in {section} was split into {parts} parts: "
        "its structure was not recognised there",
        "table_columns": "a table in {section} has columns that were not recognised "
        "(no task, lead or deadline column): its rows were kept as plain text",
        "no_agency": "no responsible agency was found in any clause",
    },
    "vi": {
        "long_clause": "một điều khoản dài {size} ký tự ở mục {section} đã được tách thành {parts} phần: "
        "cấu trúc văn bản ở đó chưa được nhận ra",
        "table_columns": "một bảng ở mục {section} có các cột chưa nhận ra được (nhiệm vụ, chủ trì, "
        "thời hạn): các dòng được giữ nguyên dạng văn bản",
        "no_agency": "không tìm thấy cơ quan chủ trì trong điều khoản nào",
    },
}


@dataclass(frozen=True)
class ParseWarning:
    """A part of a plan the parser could not read as it should: shown to the uploader."""

    code: str  # long_clause | table_columns | no_agency
    section: str = ""
    size: int = 0
    parts: int = 0

    def text(self, lang: str = "en") -> str:
        section = self.section or ("phần mở đầu" if lang == "vi" else "the preamble")
        return WARNING_TEXT[lang][self.code].format(section=section, size=self.size, parts=self.parts)


@dataclass
class Plan:
    """A parsed plan (kế hoạch): header metadata and its clauses in order."""

    number: str  # e.g. "629/KH-UBND"; a draft's short title, or the file name, if absent
    title: str = ""
    issuer: str = ""
    date: str | None = None  # ISO
    place: str = ""
    signer: str = ""
    clauses: list[Clause] = field(default_factory=list)
    source_name: str = ""
    sha256: str = ""
    kind: str = "plan"  # plan | decision_plan (carried by a Quyết định) | decision
    citation: str = ""  # e.g. "Kế hoạch 629/KH-UBND", "Kế hoạch ban hành kèm theo Quyết định 3210/QĐ-UBND"
    warnings: list[ParseWarning] = field(default_factory=list)  # parse problems to show the uploader
