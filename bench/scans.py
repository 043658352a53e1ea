"""Scanned plans made on the spot: a text PDF (fpdf2, a Unicode TTF font) rendered to page
images, tilted and speckled like a photocopy, saved as an image-only PDF; and how much of
the plan a read of its scan recovers.

Used by bench/ocr.py and by the tests (tests/test_ocr.py, the bot tests, the loader tests'
Vietnamese PDFs). It lives in bench/, which the tests may import, because bench/ must not
import from tests/ and product code has no business making test scans. The plan is
invented (a fictitious province) and written the way real plans are: letterhead, number
and date, title, Roman sections, numbered and lettered items naming agencies and
deadlines, and a ruled task table with a cell merged over two rows.
"""

from __future__ import annotations

import difflib
import io
from pathlib import Path

import numpy as np

from nlp.agencies import find_agencies

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")

NUMBER = "45/KH-UBND"
DATE = "2023-03-12"
TITLE = "Phát triển du lịch nông thôn gắn với xây dựng nông thôn mới giai đoạn 2023 - 2025"

LETTERHEAD = (
    ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("TỈNH HÒA PHONG", "Độc lập - Tự do - Hạnh phúc"),
    ("Số: 45/KH-UBND", "Hòa Phong, ngày 12 tháng 3 năm 2023"),
)
BODY = (
    ("center", "KẾ HOẠCH"),
    ("center", "Phát triển du lịch nông thôn gắn với xây dựng nông thôn mới"),
    ("center", "giai đoạn 2023 - 2025"),
    ("", ""),
    (
        "",
        "Thực hiện Quyết định số 922/QĐ-TTg ngày 02/8/2022 của Thủ tướng Chính phủ, Ủy ban nhân dân "
        "tỉnh ban hành Kế hoạch phát triển du lịch nông thôn như sau:",
    ),
    ("bold", "I. MỤC ĐÍCH, YÊU CẦU"),
    (
        "",
        "1. Phát huy tiềm năng, lợi thế về cảnh quan, văn hóa của các xã để phát triển sản phẩm "
        "du lịch nông thôn đặc trưng, tạo việc làm và tăng thu nhập cho người dân.",
    ),
    (
        "",
        "2. Các sở, ngành và địa phương xác định rõ nhiệm vụ, cơ quan chủ trì và thời hạn hoàn thành; "
        "bảo đảm phối hợp chặt chẽ trong quá trình thực hiện.",
    ),
    ("bold", "II. NHIỆM VỤ VÀ GIẢI PHÁP"),
    ("", "1. Quy hoạch và phát triển sản phẩm"),
    (
        "",
        "a) Sở Văn hóa, Thể thao và Du lịch chủ trì, phối hợp với Sở Nông nghiệp và Phát triển "
        "nông thôn rà soát, lựa chọn các điểm du lịch nông thôn tiêu biểu; "
        "hoàn thành trước ngày 30/9/2023.",
    ),
    (
        "",
        "b) Sở Kế hoạch và Đầu tư chủ trì tham mưu bố trí vốn đầu tư hạ tầng giao thông đến các điểm "
        "du lịch; thời hạn hoàn thành: Quý IV/2023.",
    ),
    (
        "",
        "c) Ủy ban nhân dân các huyện, thị xã, thành phố hỗ trợ hộ dân cải tạo nhà ở để đón khách "
        "lưu trú, thực hiện thường xuyên hằng năm.",
    ),
    ("", "2. Đào tạo nguồn nhân lực"),
    (
        "",
        "a) Sở Lao động, Thương binh và Xã hội chủ trì tổ chức các lớp đào tạo nghề hướng dẫn viên "
        "tại điểm cho lao động nông thôn, hoàn thành trong năm 2024.",
    ),
    (
        "",
        "b) Sở Thông tin và Truyền thông xây dựng bản đồ số các điểm du lịch nông thôn và quảng bá "
        "trên môi trường mạng; thời hạn: trước ngày 31/12/2023.",
    ),
    ("bold", "III. TỔ CHỨC THỰC HIỆN"),
    (
        "",
        "1. Sở Tài chính chủ trì thẩm định dự toán kinh phí thực hiện Kế hoạch, trình Ủy ban nhân dân "
        "tỉnh trước ngày 15/4/2023.",
    ),
    (
        "",
        "2. Các sở, ngành báo cáo kết quả thực hiện về Sở Văn hóa, Thể thao và Du lịch định kỳ "
        "6 tháng để tổng hợp, báo cáo Ủy ban nhân dân tỉnh.",
    ),
)
TABLE = (
    ("STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"),
    (
        "1",
        "Xây dựng bộ tiêu chí điểm du lịch nông thôn",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở Nông nghiệp và Phát triển nông thôn",
        "Quý III/2023",
    ),
    (
        "2",
        "Tập huấn kỹ năng phục vụ khách cho hộ kinh doanh",
        None,  # merged with the cell above
        "Sở Lao động, Thương binh và Xã hội",
        "Năm 2024",
    ),
    (
        "3",
        "Hỗ trợ chứng nhận sản phẩm OCOP gắn với du lịch",
        "Sở Nông nghiệp và Phát triển nông thôn",
        "Sở Công Thương",
        "Năm 2024",
    ),
    (
        "4",
        "Cấp phép kinh doanh lưu trú tại nhà dân",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Công an tỉnh",
        "Thường xuyên",
    ),
    ("5", "Đầu tư đường giao thông đến điểm du lịch", "Sở Giao thông vận tải", "Sở Tài chính", "Năm 2025"),
    ("6", "Đánh giá kết quả thực hiện Kế hoạch", "Sở Kế hoạch và Đầu tư", "Các sở, ngành", "Tháng 12/2025"),
)


def table_rows() -> list[tuple[str, ...]]:
    """The task table's body rows as a reader should give them: a merged cell on every row."""
    rows, above = [], ()
    for cells in TABLE[1:]:
        row = tuple(above[i] if cell is None else cell for i, cell in enumerate(cells))
        rows.append(row)
        above = row
    return rows


SIGNATURE = ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn Bình")


def plan_pdf(font) -> bytes:
    """The plan as a text PDF: page 1 letterhead and sections, page 2 the task table."""
    from fpdf import FPDF
    from fpdf.enums import Align

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("Body", "", str(font))
    pdf.add_font("Body", "B", str(font))  # one face serves as bold: the text is what matters
    pdf.set_margins(20, 15, 15)
    pdf.add_page()
    pdf.set_font("Body", size=12)
    for left, right in LETTERHEAD:
        pdf.cell(70, 6, left, align=Align.C)
        pdf.cell(0, 6, right, align=Align.C, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    for style, text in BODY:
        if not text:
            pdf.ln(3)
            continue
        pdf.multi_cell(
            0, 6.5, text, align=Align.C if style == "center" else Align.J, new_x="LMARGIN", new_y="NEXT"
        )
        pdf.ln(1.5)
    pdf.add_page()
    pdf.multi_cell(
        0, 6.5, "PHỤ LỤC: DANH MỤC NHIỆM VỤ TRỌNG TÂM", align=Align.C, new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(3)
    pdf.set_font("Body", size=11)
    with pdf.table(
        col_widths=(10, 48, 40, 40, 27), line_height=6, text_align="LEFT", first_row_as_headings=False
    ) as table:
        for index, cells in enumerate(TABLE):
            row = table.row()
            below = TABLE[index + 1] if index + 1 < len(TABLE) else ()
            for column, cell in enumerate(cells):
                if cell is not None:
                    merged = column < len(below) and below[column] is None
                    row.cell(cell, rowspan=2 if merged else 1)
    pdf.ln(10)
    pdf.set_font("Body", size=12)
    for line in SIGNATURE:
        pdf.cell(0, 6, line, align=Align.R, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def page_images(pdf_bytes: bytes, dpi: int = 200) -> list:
    """Every page of a PDF as a grayscale PIL image."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        return [page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for page in document]
    finally:
        document.close()


def photocopy(image, skew: float, noise: float = 18.0, seed: int = 0):
    """A page image tilted by `skew` degrees (counter-clockwise), greyed and speckled."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    tilted = image.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=255)
    pixels = np.asarray(tilted, dtype=np.float32) * 0.92 + 8  # toner never quite black, paper grey
    pixels += rng.normal(0, noise, pixels.shape)
    specks = rng.random(pixels.shape) < 0.0015
    pixels[specks] = 30
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def image_pdf(images, dpi: int = 200) -> bytes:
    """Page images as an image-only PDF (no text layer), as a scanner writes it."""
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return buffer.getvalue()


def scanned_pdf(pdf_bytes: bytes, dpi: int = 200, skews=(1.8, -1.2), noise: float = 18.0) -> bytes:
    """A text PDF as a skewed, noisy, image-only scan."""
    images = page_images(pdf_bytes, dpi)
    return image_pdf(
        [photocopy(image, skews[i % len(skews)], noise, seed=i) for i, image in enumerate(images)], dpi
    )


def mixed_pdf(text_pdf: bytes, scan_pdf: bytes, scanned_pages: set[int]) -> bytes:
    """Page n from the scan when n is in `scanned_pages` (1-based), else from the text PDF."""
    from pypdf import PdfReader, PdfWriter

    text, scan = PdfReader(io.BytesIO(text_pdf)), PdfReader(io.BytesIO(scan_pdf))
    writer = PdfWriter()
    for number, page in enumerate(text.pages, 1):
        writer.add_page(scan.pages[number - 1] if number in scanned_pages else page)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def unicode_font() -> Path | None:
    """A TTF font on this machine that has the Vietnamese letters, or None."""
    for folder in FONT_DIRS:
        for name in ("DejaVuSans.ttf", "NotoSans-Regular.ttf", "LiberationSans-Regular.ttf"):
            found = next(folder.rglob(name), None) if folder.is_dir() else None
            if found:
                return found
    return None


# ---- how much of the plan a read of its scan recovers -----------------------------------


def norm(text: str) -> str:
    """Lower case, whitespace runs as one space: the form OCR output is compared in."""
    return " ".join(text.lower().split())


def found_share(expected_clauses, clauses) -> float:
    """Share of `expected_clauses` that some clause of `clauses` gives (near-)verbatim."""
    texts = [norm(c.text) for c in clauses]
    hits = 0
    for clause in expected_clauses:
        want = norm(clause.text)
        best = max((difflib.SequenceMatcher(None, want, text).ratio() for text in texts), default=0)
        hits += best >= 0.95
    return hits / len(expected_clauses)


def table_share(plan) -> float:
    """Share of the task table's rows found as a clause with the right lead and deadline."""
    rows = [c for c in plan.clauses if c.kind == "table_row"]
    right = 0
    for _, task, lead, _, deadline in table_rows():
        match = [c for c in rows if difflib.SequenceMatcher(None, norm(task), norm(c.text)).ratio() >= 0.9]
        if (
            match
            and match[0].lead == find_agencies(lead)
            and match[0].deadline
            and norm(match[0].deadline.text) == norm(deadline)
        ):
            right += 1
    return right / len(table_rows())
