"""Read a TXT, DOCX or PDF file into repaired NFC text blocks, or say why not.

Every way a user's file can be unusable ends in a DocumentError (a code and its
details, see corpus/errors.py); no library exception escapes `load`. This module checks
the file (extension, size, content: corpus/sniff.py) and the result (not empty, not too
many blocks, Vietnamese); corpus/load_txt.py, load_docx.py and load_pdf.py read each kind.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from corpus.errors import MB, UPLOAD_LIMIT, DocumentError, brief
from corpus.load_docx import load_docx
from corpus.load_pdf import Progress, load_pdf
from corpus.load_txt import guess_encoding, load_txt
from corpus.model import Block, Document
from corpus.ocr import DPI as OCR_DPI
from corpus.repair import plausible_language
from corpus.sniff import check_content

_KINDS = {".txt": "txt", ".docx": "docx", ".pdf": "pdf"}


def load(
    path: Path,
    max_bytes: int = UPLOAD_LIMIT,
    progress: Progress | None = None,
    ocr_dpi: int = OCR_DPI,
    max_pages: int = 500,
    on_pages: Callable[[int], None] | None = None,
    max_blocks: int = 200_000,
) -> Document:
    """The file at `path` as a Document; DocumentError (a code, see corpus/errors.py) if unusable.

    PDF pages without a usable text layer are read by OCR at `ocr_dpi`;
    `progress("ocr 3/20", 0.15)` follows it page by page. `on_pages` hears a PDF's page
    count before its pages are read (the isolated reader gives more time to more pages).
    """
    path = Path(path)
    kind = _kind(path)
    data = _read(path, max_bytes)
    ocr = None
    try:
        check_content(path, kind, data)
        if kind == "pdf":
            blocks, ocr = load_pdf(path, data, progress, ocr_dpi, max_pages, on_pages or (lambda pages: None))
        else:
            blocks = {"txt": load_txt, "docx": load_docx}[kind](path, data, max_blocks)
    except DocumentError:
        raise
    except MemoryError:
        raise  # the isolated reader says "too complex" and starts afresh
    except Exception as error:  # a library choking on hostile input is still bad input
        raise DocumentError("unreadable", path, cause=brief(error)) from None
    if not any(block.text.strip() or block.rows for block in blocks):
        raise DocumentError("empty", path)
    if len(blocks) > max_blocks:
        raise DocumentError("too_many_blocks", path, count=len(blocks), limit=max_blocks)
    if not plausible_language(_sample(blocks)):
        raise DocumentError("not_vietnamese", path, guess=guess_encoding(data) if kind == "txt" else "other")
    return Document(path=path, blocks=blocks, sha256=hashlib.sha256(data).hexdigest(), kind=kind, ocr=ocr)


def _sample(blocks: list[Block], limit: int = 200_000) -> str:
    parts, size = [], 0
    for block in blocks:
        for text in [block.text, *(cell for row in block.rows or () for cell in row)]:
            parts.append(text)
            size += len(text)
        if size > limit:
            break
    return "\n".join(parts)


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in _KINDS:
        raise DocumentError("unsupported_type", path, suffix=suffix or "(no extension)")
    return _KINDS[suffix]


def _read(path: Path, max_bytes: int) -> bytes:
    """The raw bytes, refusing a missing, oversized or empty file before reading it."""
    try:
        if not path.exists():
            raise DocumentError("not_found", path)
        if not path.is_file():
            raise DocumentError("not_a_file", path)
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentError("too_large", path, size_mb=size / MB, limit_mb=max_bytes / MB)
        if size == 0:
            raise DocumentError("empty", path)
        return path.read_bytes()
    except OSError as error:
        raise DocumentError("os_error", path, cause=error.strerror or brief(error)) from None
