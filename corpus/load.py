"""Read a TXT, DOCX or PDF file into repaired NFC text blocks, or say why not.

Every way a user's file can be unusable ends in a DocumentError (a code and its
details, see corpus/errors.py); no library exception escapes `load`.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import statistics
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from corpus.errors import MB, UPLOAD_LIMIT, DocumentError
from corpus.model import Block, Document
from corpus.ocr import DPI as OCR_DPI
from corpus.ocr import OcrSummary
from corpus.repair import plausible_language, repair, vietnamese_share

Progress = Callable[[str, float], None]

_KINDS = {".txt": "txt", ".docx": "docx", ".pdf": "pdf"}
_ZIP_TOTAL_LIMIT = 200 * MB
_ZIP_RATIO_LIMIT = 200  # deflate rarely beats 20:1 on real XML; 200:1 is made on purpose
_ZIP_MEMBER_LIMIT = 50 * MB
_ZIP_MAX_MEMBERS = 10_000
_ZIP_XML_LIMIT = 64 * MB  # the document's XML parts together; a 500-page plan has ~10 MB
_PAGE_CHAR_LIMIT = 50_000  # a dense A4 page in 6 pt type holds ~10k

# Magic numbers of the files people send by mistake, checked in order.
# Kind codes (said in words by corpus/errors.py's tables).
_SIGNATURES = (
    ((b"%PDF-",), "pdf"),
    ((b"PK\x03\x04", b"PK\x05\x06"), "zip"),  # the second: an empty ZIP
    ((b"\x89PNG\r\n\x1a\n",), "png"),
    ((b"\xff\xd8\xff",), "jpeg"),
    ((b"GIF87a", b"GIF89a"), "gif"),
    ((b"II*\x00", b"MM\x00*"), "tiff"),
    ((b"\x7fELF",), "elf"),
    ((b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",), "ole"),
    ((b"{\\rtf",), "rtf"),
    ((b"\x1f\x8b",), "gzip"),
    ((b"Rar!\x1a\x07",), "rar"),
    ((b"7z\xbc\xaf\x27\x1c",), "7z"),
    ((b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf", b"\xca\xfe\xba\xbe"), "macho"),
    ((b"OggS", b"fLaC", b"ID3\x03", b"ID3\x04"), "audio"),
)
# Which OOXML/ODF package a ZIP is, by a member only that kind has.
_PACKAGES = (
    ("word/document.xml", "docx"),
    ("xl/workbook.xml", "xlsx"),
    ("ppt/presentation.xml", "pptx"),
    ("mimetype", "odf"),
)


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
        _check_content(path, kind, data)
        if kind == "pdf":
            blocks, ocr = _load_pdf(
                path, data, progress, ocr_dpi, max_pages, on_pages or (lambda pages: None)
            )
        else:
            blocks = {"txt": _load_txt, "docx": _load_docx}[kind](path, data, max_blocks)
    except DocumentError:
        raise
    except MemoryError:
        raise  # the isolated reader says "too complex" and starts afresh
    except Exception as error:  # a library choking on hostile input is still bad input
        raise DocumentError("unreadable", path, cause=_brief(error)) from None
    if not any(block.text.strip() or block.rows for block in blocks):
        raise DocumentError("empty", path)
    if len(blocks) > max_blocks:
        raise DocumentError("too_many_blocks", path, count=len(blocks), limit=max_blocks)
    if not plausible_language(_sample(blocks)):
        raise DocumentError("not_vietnamese", path, guess=_guess_encoding(data) if kind == "txt" else "other")
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


# East Asian code pages whose bytes read as Latin mojibake, tried in order: Shift-JIS
# rarely decodes Chinese text, GB18030 decodes most double-byte text.
_FOREIGN_ENCODINGS = (
    ("shift_jis", "Shift-JIS"),
    ("gb18030", "GB18030"),
    ("euc_kr", "EUC-KR"),
    ("big5", "Big5"),
)


def _guess_encoding(data: bytes) -> str:
    """The foreign encoding refused bytes decode in, or "other"."""
    for codec, name in _FOREIGN_ENCODINGS:
        try:
            text = data[:65536].decode(codec)
        except UnicodeDecodeError:
            continue
        letters = [ch for ch in text if ch.isalpha()]
        if letters and sum(ord(ch) > 0x2E80 for ch in letters) > 0.5 * len(letters):
            return name
    return "other"


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
        raise DocumentError("os_error", path, cause=error.strerror or _brief(error)) from None


def _brief(error: BaseException) -> str:
    """An exception as a short single line for a user-facing message."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 120 else text[:117] + "..."


# ---- content sniffing ---------------------------------------------------------


def _check_content(path: Path, kind: str, data: bytes) -> None:
    """Refuse content that is not what the extension promises, naming what it is."""
    what = _describe(data)
    if kind == "pdf" and b"%PDF-" in data[:1024]:  # some producers put junk first
        return
    if kind == "docx" and what in ("docx", "damaged_zip"):
        return  # a damaged one is reported as a damaged DOCX by the DOCX reader
    if kind == "txt" and what is None:
        return
    if kind == "docx" and what == "zip":
        raise DocumentError("zip_not_docx", path)
    if what is None:
        what = "text" if _looks_like_text(data) else "binary"
    raise DocumentError("wrong_content", path, what=what, expected=kind)


def _describe(data: bytes) -> str | None:
    """What the bytes are (a kind code), judged by magic numbers; None when nothing matches."""
    if data[:2] == b"MZ" and b"\x00" in data[:64]:
        return "exe"
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return "webp" if data[8:12] == b"WEBP" else "media"
    if data[4:8] == b"ftyp":
        return "video"
    for magics, what in _SIGNATURES:
        if data.startswith(magics):
            return _describe_zip(data) if what == "zip" else what
    return None


def _describe_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return "damaged_zip"
    if (
        "word/document.xml" not in names
        and "[Content_Types].xml" in names
        and any(name.startswith("word/") for name in names)
    ):
        return "docx"  # main part under another name; python-docx decides
    for member, what in _PACKAGES:
        if member in names:
            return what
    return "zip"


def _looks_like_text(data: bytes) -> bool:
    sample = data[:65536]
    return _utf16_order(sample) is not None or _binary_reason(sample) is None


# ---- TXT ----------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\r\f\v\x1a\x00") + b"\x7f"
_LINE_BREAKS = re.compile("(?:\r\n|[\r\n])?\f|\r\n|[\r\v\x85\u2028\u2029]")
_STRAY_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _load_txt(path: Path, data: bytes, max_blocks: int) -> list[Block]:
    text = _LINE_BREAKS.sub("\n", _decode(path, data))
    lines = text.count("\n") + 1
    if lines > max_blocks:  # before repairing 2M lines one by one
        raise DocumentError("too_many_blocks", path, count=lines, limit=max_blocks)
    text = _STRAY_CONTROLS.sub("", text)
    lines = [line.rstrip() for line in repair(text).split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    if not lines:
        raise DocumentError("empty", path)
    return [Block(line) for line in lines]


def _decode(path: Path, data: bytes) -> str:
    """Bytes to text: BOM, then BOM-less UTF-16, then UTF-8, then the 8-bit code pages."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_strict(path, data[len(bom) :], encoding)
    order = _utf16_order(data[:65536])
    if order:
        return _decode_strict(path, data, order)
    reason = _binary_reason(data[:65536]) or _binary_reason(data[len(data) // 2 :][:65536])
    if reason:
        raise DocumentError("not_text", path, why=reason)
    data = data.replace(b"\x00", b"")  # stray NULs in otherwise fine text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    if sum(1 for ch in text if ord(ch) > 127) >= 11 * broken:
        return text  # UTF-8 with a few damaged bytes: keep the rest
    return _decode_8bit(data)


def _decode_strict(path: Path, data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise DocumentError("broken_encoding", path, encoding=encoding.upper()[:6]) from None
    reason = _binary_reason(text.encode("utf-8", errors="replace")[:65536])
    if reason:
        raise DocumentError("not_text", path, why=reason)
    return text


def _utf16_order(sample: bytes) -> str | None:
    """UTF-16 without a BOM shows as NULs in every other byte (the ASCII high bytes)."""
    even, odd = sample[0::2], sample[1::2]
    if len(sample) < 4:
        return None
    even_nuls, odd_nuls = even.count(0) / len(even), odd.count(0) / max(1, len(odd))
    # The other byte is NUL only for U+xx00, e.g. U+0300 in decomposed Vietnamese.
    if odd_nuls > 0.3 and even_nuls < 0.1:
        return "utf-16-le"
    if even_nuls > 0.3 and odd_nuls < 0.1:
        return "utf-16-be"
    return None


def _binary_reason(sample: bytes) -> str | None:
    """Why `sample` is not text ("nul": mostly NULs, "binary": control bytes), or None."""
    if not sample:
        return None
    if sample.count(0) > 0.1 * len(sample):
        return "nul"
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    return "binary" if controls > 0.05 * len(sample) else None


def _decode_8bit(data: bytes) -> str:
    """Windows-1258, or a TCVN3/VNI/Western text read as Windows-1252: the more Vietnamese.

    Windows-1258 writes tone marks as combining characters, so NFC composes them.
    """
    try:
        legacy = repair(data.decode("cp1252"))
    except UnicodeDecodeError:
        legacy = repair(data.decode("latin-1"))
    try:
        cp1258 = repair(unicodedata.normalize("NFC", data.decode("cp1258")))
    except UnicodeDecodeError:
        return legacy
    return cp1258 if vietnamese_share(cp1258) > vietnamese_share(legacy) + 0.05 else legacy


# ---- shared by DOCX and PDF -------------------------------------------------------


def _repair_all(texts: list[str]) -> list[str]:
    """Repair many pieces of one document with one decision for the whole document."""
    lines = repair("\n".join(texts)).split("\n")
    if len(lines) != sum(text.count("\n") + 1 for text in texts):
        return [repair(text) for text in texts]  # cannot happen; stay correct anyway
    out, start = [], 0
    for text in texts:
        end = start + text.count("\n") + 1
        out.append("\n".join(lines[start:end]))
        start = end
    return out


def _repaired_blocks(items: list[tuple[str | list[list[str]], int | None]]) -> list[Block]:
    """Blocks from (text or table rows, page) items, repaired together."""
    texts = []
    for content, _ in items:
        texts.extend([content] if isinstance(content, str) else [c for row in content for c in row])
    fixed = iter(_repair_all(texts))
    blocks = []
    for content, page in items:
        if isinstance(content, str):
            blocks.append(Block(next(fixed), page=page))
        else:
            rows = tuple(tuple(next(fixed) for _ in row) for row in content)
            blocks.append(Block("", page=page, rows=rows))
    return blocks


# ---- DOCX ---------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WRAPPERS = (_W + "sdt", _W + "customXml", _W + "smartTag", _W + "ins", _W + "moveTo")
# Not body text: properties (pPr holds tab stops named w:tab), deleted text,
# field codes ("PAGE", "TOC \o"), and text boxes, which Word stores twice
# (DrawingML and VML fallback) and anchors at an arbitrary spot in a paragraph.
_SKIPPED = frozenset(
    _W + tag
    for tag in (
        "pPr",
        "rPr",
        "tblPr",
        "trPr",
        "tcPr",
        "del",
        "moveFrom",
        "instrText",
        "delInstrText",
        "txbxContent",
        "fldData",
        "footnoteReference",
        "endnoteReference",
    )
)
_INLINE = {
    _W + "t": None,
    _W + "tab": "\t",
    _W + "br": "\n",
    _W + "cr": "\n",
    _W + "noBreakHyphen": "-",
    _W + "softHyphen": "",
}


def _load_docx(path: Path, data: bytes, max_blocks: int) -> list[Block]:
    _refuse_zip_bomb(path, data)
    _check_xml_parts(path, data, max_blocks)
    import docx  # imported late: only DOCX uploads pay for it

    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except ValueError as error:
        if "content type is" in str(error):  # e.g. a macro-enabled .docm renamed
            kind = str(error).rsplit("content type is", 1)[1].strip(" '")
            raise DocumentError("docx_content_type", path, content_type=kind) from None
        raise DocumentError("damaged_docx", path, cause=_brief(error)) from None
    except Exception as error:  # bad ZIP, missing part, malformed XML
        raise DocumentError("damaged_docx", path, cause=_brief(error)) from None
    if body is None:
        raise DocumentError("docx_no_body", path)
    if len(body) > max_blocks:  # before walking 800k tiny paragraphs
        raise DocumentError("too_many_blocks", path, count=len(body), limit=max_blocks)
    return _repaired_blocks(list(_docx_items(body)))


def _refuse_zip_bomb(path: Path, data: bytes) -> None:
    """Check the ZIP directory before anything decompresses a member."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise DocumentError("damaged_docx", path, cause=_brief(error)) from None
    if len(members) > _ZIP_MAX_MEMBERS:
        raise DocumentError("zip_members", path, count=len(members))
    total = sum(member.file_size for member in members)
    xml = sum(member.file_size for member in members if member.filename.endswith(".xml"))
    absurd = any(
        member.file_size > _ZIP_MEMBER_LIMIT
        and member.file_size > _ZIP_RATIO_LIMIT * max(1, member.compress_size)
        for member in members
    )
    if total > _ZIP_TOTAL_LIMIT or absurd or xml > _ZIP_XML_LIMIT:
        raise DocumentError("zip_bomb", path, size_mb=total / MB)


def _check_xml_parts(path: Path, data: bytes, max_blocks: int) -> None:
    """Stream the XML parts before python-docx parses them: their real inflated size (a
    ZIP directory may lie) and the paragraphs of the body (each costs lxml three elements)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            real, paragraphs = 0, 0
            for member in archive.infolist():
                if not member.filename.endswith(".xml"):
                    continue
                tail = b""
                with archive.open(member) as stream:
                    while chunk := stream.read(MB):
                        real += len(chunk)
                        if real > _ZIP_XML_LIMIT:
                            raise DocumentError("zip_bomb", path, size_mb=real / MB)
                        if member.filename == "word/document.xml":
                            joined = tail + chunk  # a tag split between two chunks counts once
                            paragraphs += joined.count(b"<w:p>") + joined.count(b"<w:p ")
                            paragraphs -= tail.count(b"<w:p>") + tail.count(b"<w:p ")
                            tail = chunk[-5:]
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as error:
        raise DocumentError("damaged_docx", path, cause=_brief(error)) from None
    if paragraphs > max_blocks:
        raise DocumentError("too_many_blocks", path, count=paragraphs, limit=max_blocks)


def _docx_items(container):
    """(paragraph text | table rows, None) for the block-level content, in order."""
    for child in _children(container, (_W + "p", _W + "tbl")):
        if child.tag == _W + "p":
            yield _paragraph_text(child), None
        else:
            rows = _table_rows(child)
            if rows:
                yield rows, None


def _children(element, tags):
    """Children with one of `tags`, looking through content controls and similar wrappers."""
    for child in element:
        if child.tag in tags:
            yield child
        elif child.tag in _WRAPPERS:
            content = child.find(_W + "sdtContent")
            yield from _children(child if content is None else content, tags)


def _paragraph_text(paragraph) -> str:
    parts = []
    _collect_text(paragraph, parts)
    return "".join(parts).strip()


def _collect_text(element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag in _SKIPPED or not isinstance(tag, str):  # comments, processing instructions
            continue
        if tag in _INLINE:
            fixed = _INLINE[tag]
            parts.append((child.text or "") if fixed is None else fixed)
        else:
            _collect_text(child, parts)


def _table_rows(table) -> list[list[str]]:
    """Cell texts on the table grid: a cell spanning columns gives its text once and
    "" for the other columns; a vertically merged cell repeats its text on every row
    it covers, so each row stands alone (one agency for several tasks)."""
    rows, above = [], {}
    for tr in _children(table, (_W + "tr",)):
        column = _int_attr(tr.find(f"{_W}trPr/{_W}gridBefore"), 0)
        row = [""] * column
        for tc in _children(tr, (_W + "tc",)):
            span = max(1, _int_attr(tc.find(f"{_W}tcPr/{_W}gridSpan"), 1))
            merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            continued = merge is not None and merge.get(_W + "val") != "restart"
            text = above.get(column, "") if continued else _cell_text(tc)
            above[column] = text
            row.extend([text] + [""] * (span - 1))
            column += span
        if any(row):
            rows.append(row)
    width = max((len(row) for row in rows), default=0)
    return [row + [""] * (width - len(row)) for row in rows]


def _int_attr(element, default: int) -> int:
    value = None if element is None else element.get(_W + "val")
    return int(value) if value and value.isdigit() else default


def _cell_text(cell) -> str:
    lines = []
    for content, _ in _docx_items(cell):
        if isinstance(content, str):
            lines.append(content)
        else:  # a nested table: one line per row
            lines.extend(" | ".join(filter(None, row)) for row in content)
    return "\n".join(line for line in lines if line)


# ---- PDF ----------------------------------------------------------------------

_PAGE_NUMBER = re.compile(  # e.g. "3", "- 3 -", "Trang 3", "Page 3 of 10", "3/10"
    r"(?i)[-–—\s]*(?:trang|page)?\s*\d{1,3}(?:\s*(?:/|of|trên)\s*\d{1,3})?[-–—\s]*"
)


def _load_pdf(
    path: Path,
    data: bytes,
    progress: Progress | None = None,
    ocr_dpi: int = OCR_DPI,
    max_pages: int = 500,
    on_pages: Callable[[int], None] = lambda pages: None,
) -> tuple[list[Block], OcrSummary | None]:
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
    return _repaired_blocks(items), summary


def _pdf_open_error(path: Path, data: bytes, error: Exception) -> DocumentError:
    cause = error.args[0] if error.args and isinstance(error.args[0], Exception) else error
    name = type(cause).__name__
    if "Password" in name or "Encrypt" in name or (b"/Encrypt" in data and "crypt" in str(cause)):
        return DocumentError("encrypted", path)
    return DocumentError("damaged_pdf", path, cause=_brief(cause))


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
    if lines and _PAGE_NUMBER.fullmatch(lines[0]["text"]):
        lines = lines[1:]
    if lines and _PAGE_NUMBER.fullmatch(lines[-1]["text"]):
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
