"""The scanned pages of a PDF as loader items: OCR, repair of OCR confusions, and the verdict.

A page read below the confidence floor is left out and named in the summary, so
garbage is never indexed; a document with no readable page at all is refused. Without
Tesseract a scan is refused with the one line that says how to install it.
"""

from __future__ import annotations

import logging
import statistics
from collections.abc import Callable
from pathlib import Path

from corpus.model import DocumentError
from corpus.ocr import CONFIDENCE_FLOOR, INSTALL_HINT, OcrSummary, OcrUnavailable, ocr
from corpus.ocr_repair import base_vocabulary, ocr_repair

logger = logging.getLogger(__name__)


def ocr_items(
    path: Path,
    data: bytes,
    pages: list[int],
    texts: list[str],
    progress: Callable[[str, float], None] | None,
    dpi: int,
):
    """{page: items} for the scanned `pages`, and the OcrSummary; `texts` are the
    document's text-layer lines (vocabulary for the repair)."""
    from corpus.load_pdf import page_items

    def report(done: int, total: int) -> None:
        if progress:
            progress(f"ocr {done}/{total}", done / total)

    if progress:
        progress(f"ocr 0/{len(pages)}", 0.0)
    try:
        read = ocr(data, pages, dpi, report)
    except OcrUnavailable as error:
        said = str(error)
        missing = (
            "tesseract"
            if said.startswith("Tesseract is not installed")
            else "model"
            if "no Vietnamese model" in said
            else "broken"
        )
        raise DocumentError(
            "ocr_unavailable",
            path,
            scanned_pages="all" if not texts else len(pages),
            missing=missing,
            command=INSTALL_HINT,
            cause=said,
        ) from None
    readable = [page for page in read if page.readable]
    unreadable = [page.number for page in read if not page.readable and not page.blank]
    if not readable and not texts:
        if not any(page.words for page in read):
            raise DocumentError("scan_no_text", path)
        shown = statistics.fmean(page.confidence for page in read if page.words)
        raise DocumentError(
            "scan_low_confidence", path, confidence=f"{shown:.0f}", floor=f"{CONFIDENCE_FLOOR:.0f}"
        )
    repaired, corrections = ocr_repair(readable, base_vocabulary(texts))
    for page, before, after in corrections:
        logger.info("%s page %d: OCR read %r, corrected to %r", path.name, page, before, after)
    words = sum(page.words for page in readable)
    confidence = (sum(page.confidence * page.words for page in readable) / words) if words else 0.0
    summary = OcrSummary(
        pages=pages, confidence=round(confidence, 1), unreadable=unreadable, corrections=corrections
    )
    return {page.number: page_items(page.lines, page.tables, page.number) for page in repaired}, summary
