"""load(): every supported file becomes repaired NFC blocks; every bad one a clear error."""

from __future__ import annotations

import codecs
import io
import random
import time
import unicodedata
import zipfile
from pathlib import Path

import pytest

from bench.scans import unicode_font
from corpus.load import load
from corpus.model import Block, DocumentError

SEED = Path(__file__).resolve().parents[1] / "corpus/plans/629-KH-UBND-2019-binh-duong.txt"

LINES = [
    "ỦY BAN NHÂN DÂN TỈNH BÌNH DƯƠNG",
    "",
    "KẾ HOẠCH",
    "Triển khai thực hiện Nghị quyết số 02/NQ-CP ngày 01/01/2019 của Chính phủ",
    "và định hướng đến năm 2021 trên địa bàn tỉnh",
    "",
    "I. Mục đích, yêu cầu",
    "Sở Kế hoạch và Đầu tư chủ trì, phối hợp với các sở, ngành liên quan.",
]
PARAGRAPHS = [
    "KẾ HOẠCH",
    "Triển khai thực hiện Nghị quyết số 02/NQ-CP về cải thiện môi trường kinh doanh, "
    "nâng cao năng lực cạnh tranh quốc gia và định hướng đến năm 2021.",
    "Sở Kế hoạch và Đầu tư chủ trì, phối hợp với các sở, ngành liên quan.",
]
AFTER_TABLE = "Ủy ban nhân dân tỉnh yêu cầu các đơn vị nghiêm túc thực hiện."
ROWS = (
    ("STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"),
    ("1", "Rà soát thủ tục hành chính", "Sở Tư pháp", "Các sở, ngành", "Quý II/2019"),
    ("2", "Nâng cao chỉ số PCI", "Sở Kế hoạch và Đầu tư", "UBND cấp huyện", "Tháng 12/2019"),
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refused(path: Path) -> str:
    with pytest.raises(DocumentError) as caught:
        load(path)
    message = str(caught.value)
    assert message.startswith(path.name + ": ") and "\n" not in message
    return caught.value.reason


def texts(document) -> list[str]:
    return [block.text for block in document.blocks if block.rows is None]


# ---- TXT ----------------------------------------------------------------------


def test_seed_plan_loads_repaired():
    document = load(SEED)
    assert document.kind == "txt" and len(document.sha256) == 64
    text = "\n".join(texts(document))
    assert "ñ" not in text and "ð" not in text
    assert "định hướng" in text and "Đầu tư" in text
    assert all(unicodedata.is_normalized("NFC", line) for line in texts(document))
    assert Block("") in document.blocks and all(block.page is None for block in document.blocks)


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters with their vowel
    marks precomposed (ê, ơ, ă), tone marks as separate combining characters."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        marks = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(m for m in marks if m not in tones))
        out.append(base + "".join(m for m in marks if m in tones))
    return "".join(out).encode("cp1258")


def encodings() -> dict[str, bytes]:
    text = "\n".join(LINES) + "\n"
    nfd_crlf = unicodedata.normalize("NFD", text).replace("\n", "\r\n")
    return {
        "utf8": text.encode("utf-8"),
        "utf8_bom": codecs.BOM_UTF8 + text.encode("utf-8"),
        "utf16_le_bom": text.encode("utf-16"),
        "utf16_be_bom": codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        "utf16_le_no_bom": text.encode("utf-16-le"),
        "utf16_be_no_bom": text.encode("utf-16-be"),
        "cp1258": cp1258(text),
        "nfd_crlf": nfd_crlf.encode("utf-8"),
        "cr_only": text.replace("\n", "\r").encode("utf-8"),
    }


@pytest.mark.parametrize("name", list(encodings()))
def test_every_encoding_gives_the_same_blocks(tmp_path, name):
    document = load(write(tmp_path, f"{name}.txt", encodings()[name]))
    assert document.blocks == [Block(line) for line in LINES]


def test_legacy_font_files_are_converted(tmp_path):
    tcvn3 = "KÕ ho¹ch\nTriÓn khai thùc hiÖn NghÞ quyÕt sè 02/NQ-CP cña ChÝnh phñ\n"
    vni = "Keá hoaïch\nTrieån khai thöïc hieän Nghò quyeát soá 02/NQ-CP cuûa Chính phuû\n"
    want = ["Kế hoạch", "Triển khai thực hiện Nghị quyết số 02/NQ-CP của Chính phủ"]
    assert texts(load(write(tmp_path, "tcvn3.txt", tcvn3.encode("cp1252")))) == want
    assert texts(load(write(tmp_path, "vni.txt", vni.encode("cp1252")))) == want
    assert texts(load(write(tmp_path, "vni8.txt", vni.encode("utf-8")))) == want


def test_nul_bytes_in_text_are_dropped(tmp_path):
    data = "Kế hoạch\x00 số 1\n\x00Đầu tư".encode()
    assert texts(load(write(tmp_path, "nul.txt", data))) == ["Kế hoạch số 1", "Đầu tư"]


def test_five_megabyte_text_loads_quickly(tmp_path):
    seed = SEED.read_bytes()
    path = write(tmp_path, "big.txt", seed * (5 * 1024 * 1024 // len(seed)))
    start = time.perf_counter()
    document = load(path)
    assert time.perf_counter() - start < 5
    assert "ñ" not in document.blocks[2000].text + document.blocks[-5].text


# ---- DOCX ---------------------------------------------------------------------


def make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph(PARAGRAPHS[0])
    document.add_paragraph(PARAGRAPHS[1])
    table = document.add_table(rows=len(ROWS), cols=len(ROWS[0]))
    for row, values in zip(table.rows, ROWS):
        for cell, value in zip(row.cells, values):
            cell.text = value
    document.add_paragraph(PARAGRAPHS[2])
    document.save(path)
    return path


def test_docx_paragraphs_and_table_in_order(tmp_path):
    document = load(make_docx(tmp_path / "plan.docx"))
    assert document.kind == "docx"
    assert document.blocks == [
        Block(PARAGRAPHS[0]),
        Block(PARAGRAPHS[1]),
        Block("", rows=ROWS),
        Block(PARAGRAPHS[2]),
    ]


def test_docx_merged_cells_give_their_text_once(tmp_path):
    import docx

    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    for r, values in enumerate(
        [("STT", "Nhiệm vụ", "Cơ quan chủ trì"), ("1", "Rà soát", "Sở Tư pháp"), ("2", "Công bố", "")]
    ):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    table.cell(1, 2).merge(table.cell(2, 2))  # one agency for two tasks
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Nội dung"
    document.save(tmp_path / "merged.docx")
    rows = load(tmp_path / "merged.docx").blocks[0].rows
    assert rows == (
        ("Nội dung", "", "Cơ quan chủ trì"),
        ("1", "Rà soát", "Sở Tư pháp"),
        ("2", "Công bố", "Sở Tư pháp"),
    )


# ---- PDF ----------------------------------------------------------------------


def new_pdf():
    from fpdf import FPDF

    font = unicode_font()
    if font is None:
        pytest.skip("no Unicode TTF font on this machine for a Vietnamese PDF")
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.add_font("Body", "", str(font))
    pdf.set_font("Body", size=11)
    return pdf


def ascii_pdf(path: Path) -> Path:
    """A text PDF in a core font, for the bad-input tests that need no Vietnamese."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in ("Ke hoach trien khai", "So Ke hoach va Dau tu chu tri") * 20:
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def footer(pdf, text: str) -> None:
    pdf.set_y(-15)
    pdf.cell(0, 10, text, align="C")


def make_pdf(path: Path) -> Path:
    from fpdf.fonts import FontFace

    pdf = new_pdf()
    pdf.add_page()
    for paragraph in PARAGRAPHS:
        pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    with pdf.table(headings_style=FontFace()) as table:
        for values in ROWS:
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.ln(4)
    pdf.multi_cell(0, 6, AFTER_TABLE, new_x="LMARGIN", new_y="NEXT")
    footer(pdf, "- 1 -")
    pdf.add_page()
    pdf.cell(0, 6, "Trang 2 có nội dung: Đầu tư công.")
    footer(pdf, "Trang 2")
    pdf.output(str(path))
    return path


def test_pdf_lines_table_and_pages(tmp_path):
    document = load(make_pdf(tmp_path / "plan.pdf"))
    assert document.kind == "pdf"
    tables = [block for block in document.blocks if block.rows]
    assert tables == [Block("", page=1, rows=ROWS)]
    lines = [block for block in document.blocks if block.rows is None]
    joined = " ".join(block.text for block in lines if block.text)
    for paragraph in PARAGRAPHS + [AFTER_TABLE]:
        assert paragraph in joined
    assert "Rà soát thủ tục" not in joined  # table text is not repeated as lines
    assert "- 1 -" not in joined and not joined.endswith("Trang 2")  # page numbers dropped
    assert [b.page for b in lines if "Đầu tư công" in b.text] == [2]
    order = [b.rows is not None or b.text == AFTER_TABLE for b in document.blocks]
    assert order.index(True) == document.blocks.index(tables[0])  # table before the text after it
    assert Block("", page=1) in document.blocks  # paragraph gap kept as a blank line


# ---- bad input ------------------------------------------------------------------


def encrypted_pdf(tmp_path: Path, algorithm: str | None) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(ascii_pdf(tmp_path / "open.pdf")))
    writer.encrypt("secret", algorithm=algorithm)
    path = tmp_path / f"locked-{algorithm}.pdf"
    writer.write(path)
    return path


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_empty_and_whitespace_files(tmp_path):
    assert refused(write(tmp_path, "empty.txt", b"")) == "is empty"
    assert refused(write(tmp_path, "blank.txt", b" \r\n\t\n  \n")) == "is empty"
    assert refused(write(tmp_path, "empty.pdf", b"")) == "is empty"


def test_missing_file(tmp_path):
    assert refused(tmp_path / "nowhere.txt") == "not found"


@pytest.mark.parametrize("name", ["table.xlsx", "photo.jpg", "README"])
def test_unsupported_types(tmp_path, name):
    reason = refused(write(tmp_path, name, b"anything"))
    assert reason.startswith("unsupported type ") and reason.endswith("; send TXT, DOCX or PDF")


def test_random_bytes_named_pdf(tmp_path):
    path = write(tmp_path, "noise.pdf", random.Random(1).randbytes(4096))
    assert refused(path) == "looks like unrecognised binary data, not a PDF"


def test_truncated_pdf(tmp_path):
    data = ascii_pdf(tmp_path / "whole.pdf").read_bytes()
    reason = refused(write(tmp_path, "cut.pdf", data[: len(data) // 2]))
    assert reason.startswith("is damaged or truncated (")


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_encrypted_pdf(tmp_path, algorithm):
    reason = refused(encrypted_pdf(tmp_path, algorithm))
    assert reason == "is password-protected; send an unencrypted copy"


def test_image_only_pdf(tmp_path):
    from fpdf import FPDF
    from PIL import Image

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")
    pdf.image(Image.new("RGB", (64, 64), "gray"), x=20, y=90, w=60)
    pdf.output(str(tmp_path / "scan.pdf"))
    # Read by OCR now (issue 12): a black box and a grey square hold no text.
    assert refused(tmp_path / "scan.pdf") == "is a scan in which no text could be read; send a clearer scan"


def test_executable_renamed_docx(tmp_path):
    path = write(tmp_path, "setup.docx", b"\x7fELF\x02\x01\x01" + bytes(57) + b"\x90" * 200)
    assert refused(path) == "looks like a Linux executable (ELF), not a Word document (DOCX)"


def test_zip_that_is_not_docx(tmp_path):
    path = write(tmp_path, "archive.docx", zip_bytes({"readme.txt": b"hello"}))
    assert refused(path) == "is a ZIP archive, not a Word document (DOCX)"


def test_xlsx_renamed_docx(tmp_path):
    path = write(tmp_path, "sheet.docx", zip_bytes({"xl/workbook.xml": b"<workbook/>"}))
    assert refused(path) == "looks like an Excel workbook (XLSX), not a Word document (DOCX)"


def test_docx_with_malformed_xml(tmp_path):
    with zipfile.ZipFile(make_docx(tmp_path / "good.docx")) as good:
        members = {name: good.read(name) for name in good.namelist()}
    members["word/document.xml"] = members["word/document.xml"][:300]
    reason = refused(write(tmp_path, "broken.docx", zip_bytes(members)))
    assert reason.startswith("is a damaged DOCX (")


def test_truncated_docx(tmp_path):
    data = make_docx(tmp_path / "whole.docx").read_bytes()
    reason = refused(write(tmp_path, "cut.docx", data[: len(data) // 2]))
    assert reason.startswith("is a damaged DOCX (")


def test_pdf_with_only_an_owner_password_loads(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(ascii_pdf(tmp_path / "open.pdf")))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    writer.write(tmp_path / "owner.pdf")
    assert load(tmp_path / "owner.pdf").blocks == load(tmp_path / "open.pdf").blocks


def test_zip_bomb_docx(tmp_path):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        chunk = bytes(1024 * 1024)
        with archive.open("word/media/padding.bin", "w", force_zip64=True) as member:
            for _ in range(300):
                member.write(chunk)
    assert path.stat().st_size < 2 * 1024 * 1024
    assert refused(path) == "expands to 300 MB; refusing (possible zip bomb)"


def test_png_named_txt(tmp_path):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    assert refused(write(tmp_path, "notes.txt", buffer.getvalue())) == "looks like a PNG image, not text"


def test_binary_named_txt(tmp_path):
    path = write(tmp_path, "blob.txt", bytes(range(256)) * 64)
    assert refused(path).startswith("is not readable text (")


def test_oversized_text_is_refused_without_reading(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(25 * 1024 * 1024)  # sparse: no 25 MB written or read
    start = time.perf_counter()
    assert refused(path) == "is 25 MB; the limit is 20 MB"
    assert time.perf_counter() - start < 0.5
