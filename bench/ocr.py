"""OCR speed and accuracy: a scanned plan of N pages read the way `planbot ingest` reads it.

    .venv/bin/python bench/ocr.py [--pages 20] [--dpi 300 200] [--write]

The scan is made here (bench/scans.py): the test plan's two pages (text and a ruled task
table) rendered at 300 DPI, each tilted by a different angle (±0.5-2.5°), greyed and
speckled, repeated to N pages, saved as an image-only PDF. For each OCR resolution:
wall time of corpus.load.load on it (render, deskew, Tesseract on 2 workers, table
cells, repair), pages per second, mean confidence, words corrected; and on the two-page
scan, the share of the text version's clauses found (near-)verbatim and of the task
table's rows with the right lead and deadline. The machine is shared: the load
average at the start and end of each run is printed with it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import scans
from bench.scans import found_share, table_share, unicode_font
from corpus.build_plan import build_plan
from corpus.load import load
from corpus.ocr import WORKERS

SCAN_DPI = 300
SKEWS = (1.8, -1.2, 0.6, -2.4, 2.2, -0.5, 1.1, -1.9, 2.5, -0.8)


def scan(text_pdf: bytes, pages: int) -> bytes:
    images = scans.page_images(text_pdf, SCAN_DPI)
    sheets = [scans.photocopy(images[i % len(images)], SKEWS[i % len(SKEWS)], seed=i) for i in range(pages)]
    return scans.image_pdf(sheets, SCAN_DPI)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--dpi", type=int, nargs="+", default=[300, 200])
    parser.add_argument("--write", action="store_true", help="record in docs/benchmarks.md")
    args = parser.parse_args()
    font = unicode_font()
    if font is None:
        print("bench/ocr.py: no Unicode TTF font for the test plan", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="planbot-bench-ocr-") as folder:
        rows = _measure(args, Path(folder), scans.plan_pdf(font))
    if args.write:
        _record(args, rows)
    return 0


def _measure(args, folder: Path, text_pdf: bytes) -> list[dict]:
    text_plan = build_plan(load(_write(folder / "text.pdf", text_pdf)))
    long_scan = _write(folder / "long.pdf", scan(text_pdf, args.pages))
    short_scan = _write(folder / "short.pdf", scan(text_pdf, 2))
    rows = []
    for dpi in args.dpi:
        before = os.getloadavg()[0]
        started = time.perf_counter()
        # Noise makes the 300 DPI page images big; the upload limit is not what is measured.
        document = load(long_scan, max_bytes=200 * 1024 * 1024, ocr_dpi=dpi)
        seconds = time.perf_counter() - started
        after = os.getloadavg()[0]
        plan = build_plan(load(short_scan, ocr_dpi=dpi))
        row = {
            "dpi": dpi,
            "mb": long_scan.stat().st_size / 1024 / 1024,
            "seconds": seconds,
            "pages_per_s": args.pages / seconds,
            "confidence": document.ocr.confidence,
            "unreadable": len(document.ocr.unreadable),
            "corrected": len(document.ocr.corrections),
            "clauses": found_share(text_plan.clauses, plan.clauses),
            "table": table_share(plan),
            "load": f"{before:.1f} → {after:.1f}",
        }
        rows.append(row)
        print(
            f"{dpi} DPI: {args.pages} pages in {seconds:.1f} s = {row['pages_per_s']:.2f} pages/s; "
            f"confidence {row['confidence']:.1f}; clauses found {row['clauses']:.0%}; "
            f"table rows right {row['table']:.0%}; corrected {row['corrected']}; load {row['load']}",
            flush=True,
        )
    return rows


def _record(args, rows: list[dict]) -> None:
    from bench.report import write_section

    lines = [
        f"Command: `.venv/bin/python bench/ocr.py --pages {args.pages} --dpi {' '.join(map(str, args.dpi))} "
        f"--write` — a {args.pages}-page image-only scan ({rows[0]['mb']:.0f} MB) of the test plan (bench/scans.py: {SCAN_DPI} DPI "
        f"page images, tilted ±0.5-2.5°, grey, speckled) read by `corpus.load.load`; {os.cpu_count()} "
        f"cores, {WORKERS} Tesseract workers; the machine is shared with other jobs (load average shown).",
        "",
        "| OCR DPI | seconds | pages/s | mean confidence | unreadable pages | words corrected "
        "| clauses of the text version found | table rows: lead and deadline right | load average |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['dpi']} | {r['seconds']:.1f} | {r['pages_per_s']:.2f} | {r['confidence']:.1f} "
            f"| {r['unreadable']} | {r['corrected']} | {r['clauses']:.0%} | {r['table']:.0%} "
            f"| {r['load']} |"
        )
    lines += [
        "",
        "Clauses and table rows are measured on the 2-page scan (the test plan); "
        "the product reads at 300 DPI (`PLANBOT_OCR_DPI`).",
    ]
    write_section("OCR (scanned plans)", "\n".join(lines))


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


if __name__ == "__main__":
    sys.exit(main())
