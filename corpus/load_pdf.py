"""A PDF's pages to repaired blocks: text lines and tables in reading order, scans by OCR.

A page without a usable text layer (drawings only, glyphs without a Unicode map, a
page-size image) is read by OCR (corpus/load_ocr.py); page numbers are dropped and the
extra space between paragraphs becomes a blank block, as in a TXT file.
"""

from __future__ import annotations

import io
import statistics
from collections.abc import Callable
from pathlib import Path

from corpus.errors import DocumentError, brief
from corpus.lines import PAGE_NUMBER
from corpus.model import Block
from corpus.ocr import DPI as OCR_DPI
from corpus.ocr import OcrSummary
from corpus.repair import repaired_blocks

Progress = Callable[[str, float], None]

_PAGE_CHAR_LIMIT = 50_000  # a dense A4 page in 6 pt type holds ~10k


def load_pdf(
    path: Path,
    data: bytes,
    progress: Progress | None = None,
    ocr_dpi: int = OCR_DPI,
    max_pages: int = 500,
    on_pages: Callable[[int], None] = lambda pages: None,
) -> tuple[list[Block], OcrSummary | None]:
    """The pages' lines and tables as repaired Blocks, and the OCR summary when pages were scans."""
    if b"%%EOF" not in data.rstrip(b"\x00\r\n\t ")[-1024:]:
        raise DocumentError("pdf_no_eof", path)
    import pdfplumber  # imported late: only PDF uploads pay for it

    try:  # closing re-reads the page tree, so it can fail too
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if not pdf.pages:
                raise DocumentError("no_pages", path)
            if len(pdf.pages) > max_pages:
                raise DocumentError("too_many_pages", path, pages=len(pdf.pages), limit=max_pages)
            on_pages(len(pdf.pages))
            pages = []  # None for a page that needs OCR
            for page in pdf.pages:
                # Checked before dedupe_chars and table finding, which are super-linear in it.
                if len(page.chars) > _PAGE_CHAR_LIMIT:
                    raise DocumentError(
                        "too_many_page_chars",
                        path,
                        page=page.page_number,
                        chars=len(page.chars),
                        limit=_PAGE_CHAR_LIMIT,
                    )
                pages.append(_pdf_page_items(page))
    except DocumentError:
        raise
    except Exception as error:
        if "allocate" in str(error):  # zlib out of memory on a Flate bomb
            raise MemoryError(str(error)) from None
        raise _pdf_open_error(path, data, error) from None
    scanned = [number for number, items in enumerate(pages, 1) if items is None]
    summary = None
    if scanned:
        from corpus.load_ocr import ocr_items  # imported late: only scans pay for it

        texts = [
            c if isinstance(c, str) else " ".join(map(" ".join, c))
            for items in pages
            if items
            for c, _ in items
        ]
        read, summary = ocr_items(path, data, scanned, texts, progress, ocr_dpi)
        pages = [read.get(number, []) if items is None else items for number, items in enumerate(pages, 1)]
    items = [item for page_items in pages for item in page_items]
    text = "".join(
        content if isinstance(content, str) else "".join(map("".join, content)) for content, _ in items
    )
    if not text.strip():
        raise DocumentError("blank_pages", path)
    return repaired_blocks(items), summary


def _pdf_open_error(path: Path, data: bytes, error: Exception) -> DocumentError:
    cause = error.args[0] if error.args and isinstance(error.args[0], Exception) else error
    name = type(cause).__name__
    if "Password" in name or "Encrypt" in name or (b"/Encrypt" in data and "crypt" in str(cause)):
        return DocumentError("encrypted", path)
    return DocumentError("damaged_pdf", path, cause=brief(cause))


def _pdf_page_items(page) -> list[tuple[str | list[list[str]], int]] | None:
    """One page's lines and tables in reading order (top to bottom); None when the page
    must be read by OCR: nothing but drawings and images, glyphs without a Unicode map
    ("(cid:12)"), or a page-size image under a few characters (a portal's stamp on a scan)."""
    page = page.dedupe_chars()  # fake bold is the same glyph drawn twice
    if _needs_ocr(page):
        return None
    tables = []
    for table in page.find_tables():
        rows = [[" ".join((cell or "").split()) for cell in row] for row in table.extract()]
        rows = [row for row in rows if any(row)]
        if len(rows) >= 2 and max(map(len, rows)) >= 2:  # a framed paragraph is not a table
            tables.append((table.bbox, rows))
    if not tables:  # no ruled table: a task table may still be laid out in columns
        from corpus.pdf_columns import column_tables

        tables = column_tables(page)
    boxes = [bbox for bbox, _ in tables]
    text_page = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    lines = [line for line in text_page.extract_text_lines(return_chars=False) if line["text"].strip()]
    return page_items(lines, tables, page.page_number)


def page_items(lines: list[dict], tables: list, number: int) -> list[tuple[str | list[list[str]], int]]:
    """Text lines ({"top", "bottom", "text"}) and (bbox, rows) tables of a page as items in
    reading order, without its page number, with "" at paragraph gaps."""
    lines = _drop_page_numbers(lines)
    entries = sorted(
        [(line["top"], line["bottom"], line["text"].strip()) for line in lines]
        + [(bbox[1], bbox[3], rows) for bbox, rows in tables],
        key=lambda entry: entry[0],
    )
    return [(content, number) for content in _with_paragraph_gaps(entries)]


def _needs_ocr(page) -> bool:
    chars = [char for char in page.chars if not char["text"].isspace()]
    unmapped = sum(char["text"].startswith("(cid:") for char in chars)
    if chars and unmapped > 0.5 * len(chars):
        return True
    area = float(page.width * page.height) or 1.0
    covered = sum(
        abs((image["x1"] - image["x0"]) * (image["bottom"] - image["top"])) for image in page.images
    )
    if len(chars) < 40 and covered > 0.5 * area:
        return True
    return not chars and bool(page.images or page.rects or page.curves or page.lines)


def _inside(char: dict, boxes: list) -> bool:
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _drop_page_numbers(lines: list[dict]) -> list[dict]:
    if lines and PAGE_NUMBER.fullmatch(lines[0]["text"]):
        lines = lines[1:]
    if lines and PAGE_NUMBER.fullmatch(lines[-1]["text"]):
        lines = lines[:-1]
    return lines


def _with_paragraph_gaps(entries: list[tuple]) -> list:
    """Contents with "" where extra space between two text lines marks a new paragraph,
    as blank lines do in a TXT file."""
    pairs = [(a, b) for a, b in zip(entries, entries[1:]) if isinstance(a[2], str) and isinstance(b[2], str)]
    heights = [bottom - top for top, bottom, content in entries if isinstance(content, str)]
    if not heights:
        return [content for _, _, content in entries]
    height = statistics.median(heights)
    # The line gap inside a paragraph is the smallest real one; a page too short
    # for statistics may have as many paragraph gaps as line gaps.
    gaps = [b[0] - a[1] for a, b in pairs if b[0] - a[1] > 0.05 * height]
    threshold = max(0.5 * height, 2 * min(gaps, default=0))
    breaks = {id(b) for a, b in pairs if b[0] - a[1] > threshold}
    out = []
    for entry in entries:
        if id(entry) in breaks:
            out.append("")
        out.append(entry[2])
    return out
