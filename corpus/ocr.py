"""Read PDF pages that have no usable text layer with Tesseract's Vietnamese model.

A page is rendered at a resolution that keeps tone marks apart from their letters
(300 DPI: at 200, "ỷ" and "ỹ" of 10-point type are a few pixels), straightened by a
projection-profile search, and recognised once; Tesseract's TSV gives every word with
its box and confidence. Words become lines the way the text-layer reader makes them
(one line per row, left to right), and words inside a ruled table become its cells,
so a scanned task table gives rows like any other table.
"""

from __future__ import annotations

import os
import statistics
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from corpus.ocr_tables import Grid, cell_boxes, cell_text, ruled_grids, table_rows

DPI = 300
LANGUAGE = "vie"
# Below this mean word confidence a page is garbage: clean scans read 90-96, a photo of
# a stamp or a blank grey page 20-40.
CONFIDENCE_FLOOR = 60.0
# Tesseract's limit on one page (a normal page takes 2-10 s): a page that hangs is left out
# as unreadable, within the isolated reader's allowance per OCR page (planbot/ingest_worker.py).
SECONDS_PER_PAGE = 45
BLANK_INK = 0.003  # below this share of dark pixels a page is blank paper (specks, a fold)
MAX_SKEW = 6.0  # degrees searched either way; a worse page is a photo, not a scan
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-vie"
WORKERS = 2  # Tesseract processes at once: one per core of a small server
# An A4 page at 300 DPI is 8.7 million pixels; a page declared a metre wide must not
# become a gigabyte image, so larger pages are rendered at a lower resolution.
MAX_PIXELS = 40_000_000


class OcrUnavailable(Exception):
    """Tesseract or its Vietnamese model is not installed; the message says how to fix it."""


@dataclass
class OcrPage:
    """One page as Tesseract read it, in the shapes the PDF reader uses for text pages."""

    number: int  # 1-based page number, kept for citations
    # Lines: {"top", "bottom", "words": [(word, confidence)]}; tables: (bbox, rows of cells,
    # a cell being its [(word, confidence)]). Text comes from corpus.ocr_repair.
    lines: list[dict] = field(default_factory=list)
    tables: list[tuple[tuple[float, float, float, float], list]] = field(default_factory=list)
    confidence: float = 0.0  # mean word confidence, 0-100
    words: int = 0
    skew: float = 0.0  # degrees the scan was tilted (counter-clockwise), turned back before reading
    error: str = ""  # why Tesseract gave nothing (a timeout), if it failed
    ink: float = 0.0  # share of dark pixels: a page with ink but no words was not read

    @property
    def readable(self) -> bool:
        """Text worth indexing: some words, recognised with confidence."""
        return self.words > 0 and self.confidence >= CONFIDENCE_FLOOR and not self.error

    @property
    def blank(self) -> bool:
        """Nothing on the page to read (not a failure to read it)."""
        return not self.words and not self.error and self.ink < BLANK_INK


def check_tesseract() -> None:
    """Raise OcrUnavailable unless Tesseract and its Vietnamese model can be run."""
    import pytesseract

    try:
        languages = pytesseract.get_languages(config="")
    except (pytesseract.TesseractNotFoundError, OSError):
        raise OcrUnavailable(f"Tesseract is not installed; install it with: {INSTALL_HINT}") from None
    except pytesseract.TesseractError as error:
        raise OcrUnavailable(f"Tesseract does not run ({error}); reinstall: {INSTALL_HINT}") from None
    if LANGUAGE not in languages:
        raise OcrUnavailable(f"Tesseract has no Vietnamese model; install it with: {INSTALL_HINT}")


def ocr(
    data: bytes, pages: list[int], dpi: int = DPI, progress: Callable[[int, int], None] | None = None
) -> list[OcrPage]:
    """OCR the given 1-based pages of a PDF; `progress(done, total)` after each page."""
    import pypdfium2

    check_tesseract()
    # Two Tesseract processes on two cores: its own OpenMP threads would only fight them.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    document = pypdfium2.PdfDocument(data)
    results: dict[int, OcrPage] = {}
    try:
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            pending = []
            for number in pages:
                # PDFium is not thread-safe: render here, recognise in the workers; at most
                # WORKERS + 1 page images are held at once.
                image = _render(document[number - 1], dpi)
                pending.append(pool.submit(read_page, image, number, dpi))
                while len(pending) > WORKERS:
                    page = pending.pop(0).result()
                    results[page.number] = page
                    if progress:
                        progress(len(results), len(pages))
            for future in pending:
                page = future.result()
                results[page.number] = page
                if progress:
                    progress(len(results), len(pages))
    finally:
        document.close()
    return [results[number] for number in pages]


def _render(page, dpi: int) -> np.ndarray:
    """The page as an 8-bit grayscale array, white paper, at `dpi` (less for a huge page)."""
    width, height = page.get_size()  # points
    scale = min(dpi / 72, 0.995 * (MAX_PIXELS / max(1.0, width * height)) ** 0.5)  # pdfium rounds up
    bitmap = page.render(scale=scale, grayscale=True, fill_color=(255, 255, 255, 255))
    image = bitmap.to_pil().convert("L")
    return np.asarray(image)


def read_page(gray: np.ndarray, number: int, dpi: int = DPI) -> OcrPage:
    """Deskew, find ruled tables, recognise, and lay out one page image."""
    from PIL import Image

    angle = skew_angle(gray)
    if abs(angle) >= 0.1:
        gray = np.asarray(
            Image.fromarray(gray).rotate(-angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
        )
    ink = float((gray < 128).mean())
    grids, clean = ruled_grids(gray)
    try:
        words = recognise(_without_tables(clean, grids), dpi, psm=3)
        tables = _read_tables(clean, grids, dpi)
    except RuntimeError as error:  # pytesseract's timeout
        return OcrPage(number, skew=angle, error=str(error) or "timed out", ink=ink)
    confidences = [w["conf"] for w in words] + [
        c for _, rows in tables for row in rows for cell in row for _, c in cell
    ]
    return OcrPage(
        number,
        lines=_lines(words),
        tables=tables,
        skew=angle,
        words=len(confidences),
        ink=ink,
        confidence=statistics.fmean(confidences) if confidences else 0.0,
    )


def _without_tables(gray: np.ndarray, grids: list[Grid]) -> np.ndarray:
    if not grids:
        return gray
    out = gray.copy()
    for grid in grids:
        x0, y0, x1, y1 = (int(v) for v in grid.bbox)
        out[max(0, y0 - 2) : y1 + 3, max(0, x0 - 2) : x1 + 3] = 255
    return out


def _read_tables(gray: np.ndarray, grids: list[Grid], dpi: int) -> list:
    """Every cell of the page's tables read in one Tesseract call: the cells, cut inside
    their rules, stacked on a blank sheet with a gap between them, so no rule and no
    neighbouring cell can disturb the reading; words go back to their cell by position."""
    inset, gap = max(3, dpi // 50), max(20, dpi // 6)
    crops = []  # (grid index, group, crop)
    for index, grid in enumerate(grids):
        for group, (x0, y0, x1, y1) in cell_boxes(grid).items():
            crop = gray[y0 + inset : y1 - inset, x0 + inset : x1 - inset]
            if crop.size and (crop < 128).sum() > 10:
                crops.append((index, group, crop))
    texts: list[dict[int, list]] = [{} for _ in grids]
    if crops:
        width = max(crop.shape[1] for _, _, crop in crops) + 2 * gap
        height = sum(crop.shape[0] + gap for _, _, crop in crops) + gap
        sheet = np.full((height, width), 255, dtype=np.uint8)
        spans, y = [], gap
        for _, _, crop in crops:
            sheet[y : y + crop.shape[0], gap : gap + crop.shape[1]] = crop
            spans.append((y - gap // 2, y + crop.shape[0] + gap // 2))
            y += crop.shape[0] + gap
        placed: list[list[dict]] = [[] for _ in crops]
        for word in recognise(sheet, dpi, psm=6):
            centre = (word["top"] + word["bottom"]) / 2
            for k, (top, bottom) in enumerate(spans):
                if top <= centre < bottom:
                    placed[k].append(word)
                    break
        for (index, group, _), words in zip(crops, placed):
            texts[index][group] = cell_text(words)
    return [(grid.bbox, rows) for grid, found in zip(grids, texts) if (rows := table_rows(grid, found))]


def recognise(gray: np.ndarray, dpi: int, psm: int = 3) -> list[dict]:
    """Tesseract's words: {"text", "conf", "left", "top", "right", "bottom", "key"} in reading order."""
    import pytesseract
    from PIL import Image

    image = Image.fromarray(gray)
    image.info["dpi"] = (dpi, dpi)
    data = pytesseract.image_to_data(
        image,
        lang=LANGUAGE,
        config=f"--psm {psm} --dpi {dpi}",
        timeout=SECONDS_PER_PAGE,
        output_type=pytesseract.Output.DICT,
    )
    words = []
    for i, text in enumerate(data["text"]):
        text = unicodedata.normalize("NFC", (text or "").strip())
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        left, top = data["left"][i], data["top"][i]
        words.append(
            {
                "text": text,
                "conf": conf,
                "left": left,
                "top": top,
                "right": left + data["width"][i],
                "bottom": top + data["height"][i],
                "key": (data["block_num"][i], data["par_num"][i], data["line_num"][i]),
            }
        )
    return words


def _lines(words: list[dict]) -> list[dict]:
    """Words to text lines, top to bottom; Tesseract's lines that share a row are one line
    (the two halves of a letterhead), as the text-layer reader gives them."""
    by_key: dict[tuple, list[dict]] = {}
    for word in words:
        by_key.setdefault(word["key"], []).append(word)
    pieces = [
        {
            "top": min(w["top"] for w in ws),
            "bottom": max(w["bottom"] for w in ws),
            "left": min(w["left"] for w in ws),
            "words": ws,
        }
        for ws in by_key.values()
    ]
    pieces.sort(key=lambda p: (p["top"] + p["bottom"]) / 2)
    rows: list[list[dict]] = []
    for piece in pieces:
        if rows and _same_row(rows[-1], piece):
            rows[-1].append(piece)
        else:
            rows.append([piece])
    lines = []
    for row in rows:
        row.sort(key=lambda p: p["left"])
        ws = [w for p in row for w in sorted(p["words"], key=lambda w: w["left"])]
        lines.append(
            {
                "top": float(min(p["top"] for p in row)),
                "bottom": float(max(p["bottom"] for p in row)),
                "words": [(w["text"], w["conf"]) for w in ws],
            }
        )
    return lines


def _same_row(row: list[dict], piece: dict) -> bool:
    top, bottom = min(p["top"] for p in row), max(p["bottom"] for p in row)
    overlap = min(bottom, piece["bottom"]) - max(top, piece["top"])
    height = min(bottom - top, piece["bottom"] - piece["top"])
    return height > 0 and overlap > 0.5 * height


def skew_angle(gray: np.ndarray) -> float:
    """Degrees the page's text lines are turned counter-clockwise from level.

    The angle at which the dark pixels' row histogram is sharpest: level lines of text
    pile into few rows, a tilted one smears over many. Searched on a reduced copy,
    coarse then fine.
    """
    step = max(1, gray.shape[1] // 1000)
    small = gray[::step, ::step]
    ys, xs = np.nonzero(small < 128)
    if len(ys) < 200:
        return 0.0
    if len(ys) > 200_000:  # enough points to judge by; sampled evenly
        keep = np.linspace(0, len(ys) - 1, 200_000).astype(np.int64)
        ys, xs = ys[keep], xs[keep]
    ys, xs = ys.astype(np.float64), xs.astype(np.float64)

    def sharpness(angle: float) -> float:
        rad = np.deg2rad(angle)
        rows = ys * np.cos(rad) + xs * np.sin(rad)
        counts = np.bincount((rows - rows.min()).astype(np.int64))
        return float(np.dot(counts, counts))

    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.5), key=sharpness)
    best = max(np.arange(best - 0.5, best + 0.51, 0.05), key=sharpness)
    return round(float(best), 2)


@dataclass
class OcrSummary:
    """What the OCR of a document came to, for the ingest report."""

    pages: list[int]
    confidence: float  # mean over the readable pages
    unreadable: list[int]
    corrections: list[tuple[int, str, str]] = field(default_factory=list)  # (page, read, corrected)
