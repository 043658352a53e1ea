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
    footnotes: list[str] = field(default_factory=list)
    kind: str = "paragraph"  # paragraph | item | continuation | table_row | header | signature
    section_title: str = ""


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
    warnings: list[str] = field(default_factory=list)  # parse problems to show the uploader
