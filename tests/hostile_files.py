"""Builders of hostile documents, each small and made on the spot (issue 10's list).

Every builder writes one file into `folder` and returns its path. Sizes are cut down
from what was seen (a 199 MB DOCX becomes 70 MB of XML in well under 1 MB of ZIP) but
keep what made the original hurt.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

MB = 1024 * 1024
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
    'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def _docx(path: Path, body_chunks, level: int = 6) -> Path:
    """A minimal DOCX whose document.xml is streamed from `body_chunks` (bytes)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}><w:body>'.encode())
            for chunk in body_chunks:
                member.write(chunk)
            member.write(b"</w:body></w:document>")
    return path


def _paragraph(text: str) -> bytes:
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'.encode()


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF from numbered object bodies (1 is the catalog), with a correct xref."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _page_pdf(content: bytes, length: bytes | None = None, flate: bool = False) -> bytes:
    stream = zlib.compress(content, 9) if flate else content
    header = b"<< /Length " + (length or str(len(stream)).encode())
    header += b" /Filter /FlateDecode >>" if flate else b" >>"
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            header + b"\nstream\n" + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


# ---- hangs on tiny files ---------------------------------------------------------------


def self_referencing_length_pdf(folder: Path) -> Path:
    """A stream whose /Length is the indirect object that holds the stream itself."""
    path = folder / "length-tu-tham-chieu.pdf"
    path.write_bytes(_page_pdf(b"BT /F1 12 Tf 72 712 Td (Ke hoach) Tj ET", length=b"4 0 R"))
    return path


def million_chars_page_pdf(folder: Path, chars: int = 200_000) -> Path:
    """One page carrying far more glyphs than any page can show."""
    line = b"(" + b"x" * 100 + b") Tj\n"
    content = b"BT /F1 1 Tf 10 780 Td\n" + line * (chars // 100) + b"ET"
    path = folder / "mot-trang-trieu-ky-tu.pdf"
    path.write_bytes(_page_pdf(content, flate=True))
    return path


def url_dots_txt(folder: Path) -> Path:
    """A URL followed by 30 dots: underthesea's tokenizer doubles its time per dot."""
    path = folder / "url-cham.txt"
    path.write_text(
        "Kế hoạch chuyển đổi số, xem thêm tại http://example.gov.vn/ke-hoach" + "." * 30 + "\n",
        encoding="utf-8",
    )
    return path


def ngay_header_docx(folder: Path) -> Path:
    """A DOCX header table cell repeating "ngày " 128k times (against _HEADER_TABLE)."""
    cell = "ngày " * 128_000
    table = (
        f"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>{cell}</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>Số: 1/KH-UBND</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    ).encode()
    return _docx(folder / "o-ngay.docx", [table, _paragraph("KẾ HOẠCH"), _paragraph("Sở Tài chính chủ trì.")])


def tiny_paragraphs_docx(folder: Path, count: int = 800_000) -> Path:
    """800k one-letter paragraphs in ~150 KB of DOCX."""
    return _docx(folder / "doan-nho.docx", (_paragraph("a") * 10_000 for _ in range(count // 10_000)))


# ---- super-linear parsing ----------------------------------------------------------------


def list_items_txt(folder: Path, count: int = 80_000) -> Path:
    path = folder / "muc-liet-ke.txt"
    path.write_text(
        "KẾ HOẠCH\nThực hiện nhiệm vụ năm 2024\nI. NHIỆM VỤ\n"
        + "".join(f"- Nhiệm vụ số {i} của Sở Tài chính\n" for i in range(count)),
        encoding="utf-8",
    )
    return path


def footnote_triples_txt(folder: Path, count: int = 10_000) -> Path:
    path = folder / "chu-thich.txt"
    path.write_text(
        "KẾ HOẠCH\nI. NHIỆM VỤ\n"
        + "".join(
            f"Sở Y tế thực hiện nhiệm vụ {i}[{i}]\n\n[{i}] Quyết định số {i}/QĐ-UBND\n\n"
            for i in range(count)
        ),
        encoding="utf-8",
    )
    return path


def short_lines_txt(folder: Path, count: int = 2_000_000) -> Path:
    path = folder / "dong-ngan.txt"
    path.write_bytes(b"a\n" * count)
    return path


def long_line_txt(folder: Path, name: str, unit: str, repeat: int) -> Path:
    """One long line of a repeated fragment aimed at one named regex."""
    path = folder / f"dong-dai-{name}.txt"
    path.write_text("KẾ HOẠCH\nI. NHIỆM VỤ\n1. " + unit * repeat + "\n", encoding="utf-8")
    return path


# Fragments that made a named rule backtrack, repeated to ~50 KB of one line (quadratic
# rules took minutes on such lines; linear ones take a few seconds).
LONG_LINES = {
    "place": ("Bình Dương ", 5_000),  # _PLACE: a place name that never reaches ", ngày"
    "signed": ("Đã ký: Nguyễn Văn ", 3_000),  # _SIGNED: a name run that never ends the line
    "header_table": ("ngay thang ", 5_000),  # _HEADER_TABLE: "ngay .* thang"
    "not_after": ("không muộn hơn ngày ", 2_500),  # deadlines' _NOT_AFTER
    "cited": ("theo Quyết định số 1/QĐ-UBND ", 1_800),  # agencies' _CITED
}


# ---- memory --------------------------------------------------------------------------------


def one_paragraph_txt(folder: Path, megabytes: int = 4) -> Path:
    """Megabytes of one paragraph without a line break (underthesea on an unbounded clause)."""
    path = folder / "mot-doan.txt"
    words = "Sở Tài chính chủ trì phối hợp các cơ quan liên quan thực hiện "
    path.write_text(words * (megabytes * MB // len(words.encode())), encoding="utf-8")
    return path


def huge_xml_docx(folder: Path, megabytes: int = 70) -> Path:
    """One paragraph of megabytes of XML text, compressed far under the per-member ratio cap."""
    run = _paragraph("Sở Tài chính chủ trì " * 50_000)  # ~1 MB a paragraph
    return _docx(folder / "xml-khong-lo.docx", (run for _ in range(megabytes)), level=9)


def lying_sizes_docx(folder: Path) -> Path:
    """A DOCX whose ZIP directory declares document.xml a hundred times smaller than it is."""
    path = folder / "khai-sai-kich-thuoc.docx"
    real = folder / "real.docx"
    _docx(real, [_paragraph("Sở Tài chính chủ trì thực hiện. " * 2000) for _ in range(20)])
    data = bytearray(real.read_bytes())
    real.unlink()
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/document.xml")
    lie = max(1, info.file_size // 100)
    # Patch the local header (offset 22: uncompressed size) and the central directory entry.
    local = info.header_offset
    if data[local + 22 : local + 26] != b"\xff\xff\xff\xff":
        data[local + 22 : local + 26] = struct.pack("<I", lie)
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(b"word/document.xml"))
    if data[central + 24 : central + 28] != b"\xff\xff\xff\xff":
        data[central + 24 : central + 28] = struct.pack("<I", lie)
    path.write_bytes(bytes(data))
    return path


def flate_bomb_pdf(folder: Path, megabytes: int = 1600) -> Path:
    """A content stream of ~1.6 MB that inflates to 1.6 GB of spaces.

    Built from one full-flushed deflate block repeated (each block stands alone after a
    full flush), with the true Adler-32 at the end: seconds, not a minute of zlib.
    """
    chunk = b" " * MB
    compressor = zlib.compressobj(9)
    head = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.flush()[:-4]  # the final empty block; its checksum covers two chunks only
    checksum = 1
    for _ in range(megabytes):
        checksum = zlib.adler32(chunk, checksum)
    stream = head + block * (megabytes - 1) + end + struct.pack(">I", checksum)
    pdf = _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        ]
    )
    path = folder / "bom-flate.pdf"
    path.write_bytes(pdf)
    return path


# ---- wrong text ----------------------------------------------------------------------------

JAPANESE = "本計画は、市の防災体制を強化するため、各部局が実施すべき施策を定めるものである。\n"
CHINESE = "为贯彻落实国务院关于加快推进数字政府建设的指导意见，制定本实施方案。\n"


def shift_jis_txt(folder: Path) -> Path:
    path = folder / "shift-jis.txt"
    path.write_bytes((JAPANESE * 30).encode("shift_jis"))
    return path


def gb18030_txt(folder: Path) -> Path:
    path = folder / "gb18030.txt"
    path.write_bytes((CHINESE * 30).encode("gb18030"))
    return path
