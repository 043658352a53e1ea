"""Scanned plans: OCR with Tesseract, deskew, ruled tables, repair of OCR confusions.

The scans are made here (tests/scans.py): a text PDF rendered to page images, tilted,
greyed and speckled, saved without a text layer. Each is read the product's way and
compared with what the text version gives. Scans are rendered and read at 200 DPI to
keep the suite fast; the product reads at 300 (bench/ocr.py measures both).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bench import scans
from bench.scans import found_share, norm, table_share, unicode_font
from corpus.build_plan import build_plan
from corpus.load import load
from corpus.model import DocumentError
from corpus.ocr import OcrPage, check_tesseract, skew_angle
from corpus.ocr_repair import Vocabulary, base_vocabulary, ocr_repair
from corpus.ocr_tables import cell_boxes, ruled_grids
from tests.conftest import MODEL_CACHE, REPO, make_settings
from tests.fake_bot_api import ADMIN, ask, async_test, start_bot

DPI = 200

try:
    check_tesseract()
except Exception as error:  # the one environment this file cannot test in
    pytestmark = pytest.mark.skip(f"Tesseract with Vietnamese is not installed: {error}")


@pytest.fixture(scope="module")
def font() -> Path:
    found = unicode_font()
    if found is None:
        pytest.skip("no Unicode TTF font on this machine for a Vietnamese PDF")
    return found


@pytest.fixture(scope="module")
def text_pdf(font, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ocr") / "ke-hoach-45.pdf"
    path.write_bytes(scans.plan_pdf(font))
    return path


@pytest.fixture(scope="module")
def scan_pdf(text_pdf) -> Path:
    path = text_pdf.with_name("ke-hoach-45-ban-quet.pdf")
    path.write_bytes(scans.scanned_pdf(text_pdf.read_bytes(), DPI))
    return path


@pytest.fixture(scope="module")
def scanned(scan_pdf):
    return load(scan_pdf, ocr_dpi=DPI)


@pytest.fixture(scope="module")
def text_plan(text_pdf):
    return build_plan(load(text_pdf))


# ---- a whole scanned plan ------------------------------------------------------------


def test_scan_has_no_text_layer(scan_pdf):
    import pdfplumber

    with pdfplumber.open(scan_pdf) as pdf:
        assert len(pdf.pages) == 2 and not any(page.chars for page in pdf.pages)


def test_scanned_plan_gives_number_title_date_and_the_text_versions_clauses(scanned, text_plan):
    plan = build_plan(scanned)
    assert plan.number == scans.NUMBER
    assert plan.date == scans.DATE
    assert norm(plan.title) == norm(scans.TITLE)
    assert len(text_plan.clauses) >= 15
    share = found_share(text_plan.clauses, plan.clauses)
    assert share >= 0.9, share
    assert {c.page for c in plan.clauses} == {1, 2}  # pages kept for citations
    assert scanned.ocr.pages == [1, 2] and scanned.ocr.confidence >= 85 and not scanned.ocr.unreadable


def test_scanned_task_table_rows_have_their_lead_and_deadline(scanned):
    plan = build_plan(scanned)
    share = table_share(plan)
    assert share >= 0.8, [(c.text, c.lead, c.deadline) for c in plan.clauses if c.kind == "table_row"]


def test_mixed_pdf_reads_text_pages_as_text_and_scanned_pages_by_ocr(text_pdf, scan_pdf, text_plan, tmp_path):
    mixed = tmp_path / "mot-trang-quet.pdf"
    mixed.write_bytes(scans.mixed_pdf(text_pdf.read_bytes(), scan_pdf.read_bytes(), {2}))
    document = load(mixed, ocr_dpi=DPI)
    assert document.ocr.pages == [2]
    text_blocks = [b for b in load(text_pdf).blocks if b.page == 1]
    assert [b for b in document.blocks if b.page == 1] == text_blocks  # the text page exactly as before
    plan = build_plan(document)
    assert plan.number == scans.NUMBER
    assert found_share(text_plan.clauses, plan.clauses) >= 0.9
    assert any(c.kind == "table_row" and c.page == 2 for c in plan.clauses)


def test_scan_with_a_portal_stamp_in_its_text_layer_is_still_read_by_ocr(text_pdf, font, tmp_path):
    """Portals stamp "Ký bởi …" as text on a scan: a few characters on a page-size image."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("Body", "", str(font))
    pdf.set_font("Body", size=8)
    for index, image in enumerate(scans.page_images(text_pdf.read_bytes(), DPI)):
        pdf.add_page()
        pdf.image(scans.photocopy(image, 0.8, seed=index), x=0, y=0, w=210, h=297)
        pdf.set_xy(150, 5)
        pdf.cell(50, 4, "Ký bởi: Văn phòng UBND")
    path = tmp_path / "ban-quet-co-chu-ky.pdf"
    path.write_bytes(bytes(pdf.output()))
    document = load(path, ocr_dpi=DPI)
    assert document.ocr.pages == [1, 2]
    assert build_plan(document).number == scans.NUMBER


# ---- the pieces ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def page_image(text_pdf):
    return scans.page_images(text_pdf.read_bytes(), 100)[0]


@pytest.mark.parametrize("tilt", [-4.0, -1.5, 0.0, 2.5])
def test_skew_is_measured(page_image, tilt):
    from PIL import Image

    tilted = np.asarray(page_image.rotate(tilt, resample=Image.Resampling.BILINEAR, fillcolor=255))
    assert abs(skew_angle(tilted) - tilt) <= 0.2


def test_ruled_table_grid_with_a_merged_cell(text_pdf):
    gray = np.asarray(scans.page_images(text_pdf.read_bytes(), DPI)[1])
    grids, clean = ruled_grids(gray)
    assert len(grids) == 1
    grid = grids[0]
    assert len(grid.columns) == 6 and len(grid.rows) == len(scans.TABLE) + 1
    boxes = cell_boxes(grid)
    assert len(boxes) == 5 * len(scans.TABLE) - 1  # the lead of rows 1 and 2 is one cell
    x0, y0, x1, y1 = (int(v) for v in grid.bbox)
    assert (clean[y0 : y1 + 1, x0 : x1 + 1] < 128).mean() < (gray[y0 : y1 + 1, x0 : x1 + 1] < 128).mean()


def test_a_huge_page_is_rendered_within_the_pixel_budget(tmp_path):
    import pypdfium2
    from fpdf import FPDF

    from corpus.ocr import MAX_PIXELS, _render

    pdf = FPDF(unit="pt", format=(4000, 6000))  # 1.4 x 2.1 m: 1.4 billion pixels at 300 DPI
    pdf.add_page()
    pdf.rect(100, 100, 500, 500, style="F")
    document = pypdfium2.PdfDocument(bytes(pdf.output()))
    try:
        gray = _render(document[0], 300)
    finally:
        document.close()
    assert gray.size <= MAX_PIXELS and gray.shape[0] > gray.shape[1] > 1000


def _page(lines: list[list[tuple[str, float]]], number: int = 1) -> OcrPage:
    return OcrPage(
        number,
        lines=[{"top": 20.0 * i, "bottom": 20.0 * i + 15, "words": words} for i, words in enumerate(lines)],
        confidence=90,
        words=10,
    )


def _words(text: str, conf: float = 80.0) -> list[tuple[str, float]]:
    return [(word, conf) for word in text.split()]


def test_ocr_confusions_are_corrected_from_the_vocabulary():
    vocabulary = base_vocabulary()
    lines = [
        _words("giảm thời gian đi lại và chỉ phí tuân thủ"),  # tone mark added
        _words("Ủy ban nhân dân cấp huyỆn thực hiện"),  # a capital in mid-word
        _words("số hóa hồ SƠ thủ tục hành chính"),  # a capitalised syllable in running text
        _words("Sở Tai chính chủ trì"),  # tone mark dropped in an agency name
        _words("bảo đảm dung \\ượng lưu trữ"),  # a letter misread as a sign
        _words("Quyết định số 749/QĐ-TTg của Thủ tướng"),  # an abbreviation: left alone
        _words("II. NHIỆM VỤ"),
        _words("nội dung"),
        _words("II. TỔ CHỨC THỰC HIỆN"),  # III read as II
    ]
    pages, corrections = ocr_repair([_page(lines)], vocabulary)
    texts = [line["text"] for line in pages[0].lines]
    assert texts[0] == "giảm thời gian đi lại và chi phí tuân thủ"
    assert texts[1] == "Ủy ban nhân dân cấp huyện thực hiện"
    assert texts[2] == "số hóa hồ sơ thủ tục hành chính"
    assert texts[3] == "Sở Tài chính chủ trì"
    assert texts[4] == "bảo đảm dung lượng lưu trữ"
    assert texts[5] == "Quyết định số 749/QĐ-TTg của Thủ tướng"
    assert texts[8] == "III. TỔ CHỨC THỰC HIỆN"
    assert (1, "chỉ", "chi") in corrections and (1, "II.", "III.") in corrections
    assert len(corrections) == 6


def test_confident_and_unknown_words_are_left_alone():
    vocabulary = Vocabulary()
    vocabulary.add("chi phí hợp lý, chi phí thấp")
    page = _page([_words("chỉ phí", 97.0), _words("Kon Tum xinh đẹp")])
    pages, corrections = ocr_repair([page], vocabulary)
    assert [line["text"] for line in pages[0].lines] == ["chỉ phí", "Kon Tum xinh đẹp"]
    assert corrections == []


def test_word_broken_at_a_line_end_is_joined():
    vocabulary = base_vocabulary()
    page = _page([_words("các sở, ngành tổ chức thực hi-"), _words("ện nghiêm túc")])
    pages, corrections = ocr_repair([page], vocabulary)
    assert [line["text"] for line in pages[0].lines] == ["các sở, ngành tổ chức thực hiện", "nghiêm túc"]
    assert corrections == [(1, "hi- ện", "hiện")]


# ---- refusals and warnings -------------------------------------------------------------


def _noise_pdf(path: Path) -> Path:
    """A page of random grey: ink everywhere, no word in it."""
    from PIL import Image

    rng = np.random.default_rng(3)
    path.write_bytes(scans.image_pdf([Image.fromarray((rng.random((700, 500)) * 255).astype(np.uint8))], 60))
    return path


def _blurred_pdf(path: Path, text_pdf: Path) -> Path:
    """The plan's first page out of focus: Tesseract still finds words, at low confidence."""
    from PIL import ImageFilter

    page = scans.page_images(text_pdf.read_bytes(), DPI)[0].filter(ImageFilter.GaussianBlur(5))
    path.write_bytes(scans.image_pdf([page], DPI))
    return path


def test_scan_without_a_word_is_refused(tmp_path):
    with pytest.raises(DocumentError) as caught:
        load(_noise_pdf(tmp_path / "nhieu.pdf"), ocr_dpi=DPI)
    assert caught.value.reason == "is a scan in which no text could be read; send a clearer scan"


def test_scan_read_below_the_confidence_floor_is_refused(tmp_path, text_pdf):
    with pytest.raises(DocumentError) as caught:
        load(_blurred_pdf(tmp_path / "mo.pdf", text_pdf), ocr_dpi=DPI)
    reason = caught.value.reason
    assert reason.startswith("is a scan that could not be read (OCR confidence ") and reason.endswith(
        "%, below 60%); send a clearer scan"
    ), reason


def test_unreadable_pages_are_left_out_and_named(scan_pdf, text_pdf, tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(scan_pdf))
    writer.append(PdfReader(_blurred_pdf(tmp_path / "mo.pdf", text_pdf)))
    writer.append(PdfReader(_noise_pdf(tmp_path / "nhieu.pdf")))
    path = tmp_path / "co-trang-hong.pdf"
    writer.write(path)
    document = load(path, ocr_dpi=DPI)
    assert document.ocr.pages == [1, 2, 3, 4] and document.ocr.unreadable == [3, 4]
    assert {b.page for b in document.blocks} == {1, 2}


@pytest.mark.parametrize(
    ("code", "details", "reason", "vietnamese"),
    [
        (
            "ocr_unavailable",
            {
                "scanned_pages": "all",
                "missing": "tesseract",
                "command": "apt-get install tesseract-ocr tesseract-ocr-vie",
            },
            "is a scan and needs OCR, but Tesseract is not installed; install it with: "
            "apt-get install tesseract-ocr tesseract-ocr-vie",
            "là bản quét, cần nhận dạng chữ (OCR) nhưng máy chủ chưa cài Tesseract; cài bằng lệnh: "
            "apt-get install tesseract-ocr tesseract-ocr-vie",
        ),
        (
            "scan_low_confidence",
            {"confidence": "31", "floor": "60"},
            "is a scan that could not be read (OCR confidence 31%, below 60%); send a clearer scan",
            "là bản quét không đọc được (độ tin cậy nhận dạng chữ 31%, dưới mức 60%); hãy gửi bản quét rõ hơn",
        ),
        (
            "scan_no_text",
            {},
            "is a scan in which no text could be read; send a clearer scan",
            "là bản quét không đọc được chữ nào; hãy gửi bản quét rõ hơn",
        ),
        ("blank_pages", {}, "has no text (its pages are blank)", "không có chữ (các trang đều trống)"),
    ],
)
def test_ocr_refusals_read_in_vietnamese(code, details, reason, vietnamese):
    from bot.refusals import vietnamese_reason

    error = DocumentError(code, "scan.pdf", **details)
    assert error.reason == reason and vietnamese_reason(error) == vietnamese


def test_without_tesseract_a_scan_gets_the_install_line_and_text_pdfs_still_load(
    scan_pdf, text_pdf, tmp_path, monkeypatch
):
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract binary on the PATH
    with pytest.raises(DocumentError) as caught:
        load(scan_pdf, ocr_dpi=DPI)
    assert caught.value.reason == (
        "is a scan and needs OCR, but Tesseract is not installed; "
        "install it with: apt-get install tesseract-ocr tesseract-ocr-vie"
    )
    assert build_plan(load(text_pdf)).number == scans.NUMBER


def test_cli_without_tesseract_says_how_to_install_it(scan_pdf, tmp_path):
    env = {
        **os.environ,
        "PATH": str(tmp_path),
        "PLANBOT_DATA_DIR": str(tmp_path / "data"),
        "PLANBOT_MODEL_CACHE": str(MODEL_CACHE),
        "PYTHONIOENCODING": "utf-8",
    }
    run = subprocess.run(
        [sys.executable, "-m", "planbot.cli", "ingest", str(scan_pdf)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert run.returncode == 1 and run.stdout == ""
    assert run.stderr.splitlines() == [
        f"planbot: {scan_pdf.name}: is a scan and needs OCR, but Tesseract is not installed; "
        "install it with: apt-get install tesseract-ocr tesseract-ocr-vie"
    ]


# ---- through the library and the bot ------------------------------------------------------


def test_ingest_reports_ocr_and_progress_per_page(scan_pdf, tmp_path):
    from planbot.library import Planbot
    from tests.fakes import HashingEmbedder

    library = Planbot.open(make_settings(tmp_path / "data", ocr_dpi=DPI), embedder=HashingEmbedder())
    try:
        seen = []
        report = library.ingest(scan_pdf, lambda stage, fraction: seen.append((stage, fraction)))
        assert report.number == scans.NUMBER and report.changed
        assert report.ocr_pages == 2 and report.ocr_confidence >= 85 and report.unreadable_pages == []
        stages = [stage for stage, _ in seen]
        assert stages[:4] == ["load", "ocr 0/2", "ocr 1/2", "ocr 2/2"]
        fractions = [fraction for _, fraction in seen]
        assert fractions == sorted(fractions) and fractions[3] >= 0.5  # OCR is most of the bar
        seen.clear()
        again = library.ingest(scan_pdf, lambda stage, fraction: seen.append((stage, fraction)))
        assert not again.changed and not any(stage.startswith("ocr") for stage, _ in seen)  # not read twice
    finally:
        library.close()


@async_test
async def test_bot_admin_sends_a_scan_sees_pages_progress_and_gets_answers(
    api, scan_pdf, library, tmp_path, monkeypatch
):
    from bot import admin
    from planbot.library import Planbot

    monkeypatch.setattr(admin.ProgressMessage, "INTERVAL", 0.05)  # every page shows; pacing: test_bot_admin
    data_dir = tmp_path / "data"
    bot_library = Planbot.open(make_settings(data_dir, ocr_dpi=DPI), embedder=library.embedder)
    try:
        async with start_bot(api, bot_library, data_dir):
            since = api.mark()
            api.send_document(
                "Kế hoạch 45 (bản quét).pdf", scan_pdf.read_bytes(), ADMIN, mime_type="application/pdf"
            )
            done = await api.wait_for(
                "editMessageText", lambda p: "Đã nạp kế hoạch" in p["text"], since, timeout=100
            )
            summary = done.params["text"]
            assert scans.NUMBER in summary and "OCR" in summary and "2 trang" in summary
            shown = [c.params["text"] for c in api.calls_of("editMessageText", since)]
            pages = [
                text.split("trang ")[1].split("…")[0] for text in shown if "nhận dạng chữ (OCR) trang" in text
            ]
            # Two pages are read at once, so they may finish together: 0/2 then 2/2 is per-page too.
            # Progress edits are spaced out, so on a busy machine the summary can replace the
            # message before a "2/2" edit would have: page by page, then the summary.
            assert pages[0] in ("0/2", "1/2") and pages[-1] in ("1/2", "2/2") and pages == sorted(pages), (
                shown
            )
            assert len(set(pages)) >= 2, shown
            _, answer = await ask(api, "Cơ quan nào xây dựng bản đồ số các điểm du lịch nông thôn?")
            assert scans.NUMBER in answer["text"] and "Sở Thông tin và Truyền thông" in answer["text"]
            assert "31/12/2023" in answer["text"]
            _, answer = await ask(api, "Ai cấp phép kinh doanh lưu trú tại nhà dân?")
            assert "Sở Văn hóa, Thể thao và Du lịch" in answer["text"] and "trang 2" in answer["text"]
    finally:
        bot_library.close()
