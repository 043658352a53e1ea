"""A DOCX file's body to repaired blocks: paragraphs and tables (on their grid) in order.

The ZIP is checked before anything inflates it (member count, sizes, ratio, and the XML
parts' real inflated size), so a ZIP bomb or an 800k-paragraph body is refused cheaply.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

from corpus.errors import MB, DocumentError, brief
from corpus.model import Block
from corpus.repair import repaired_blocks

_ZIP_TOTAL_LIMIT = 200 * MB
_ZIP_RATIO_LIMIT = 200  # deflate rarely beats 20:1 on real XML; 200:1 is made on purpose
_ZIP_MEMBER_LIMIT = 50 * MB
_ZIP_MAX_MEMBERS = 10_000
_ZIP_XML_LIMIT = 64 * MB  # the document's XML parts together; a 500-page plan has ~10 MB

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


def load_docx(path: Path, data: bytes, max_blocks: int) -> list[Block]:
    """The body's paragraphs and tables as repaired Blocks; DocumentError if damaged or hostile."""
    _refuse_zip_bomb(path, data)
    _check_xml_parts(path, data, max_blocks)
    import docx  # imported late: only DOCX uploads pay for it

    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except ValueError as error:
        if "content type is" in str(error):  # e.g. a macro-enabled .docm renamed
            kind = str(error).rsplit("content type is", 1)[1].strip(" '")
            raise DocumentError("docx_content_type", path, content_type=kind) from None
        raise DocumentError("damaged_docx", path, cause=brief(error)) from None
    except Exception as error:  # bad ZIP, missing part, malformed XML
        raise DocumentError("damaged_docx", path, cause=brief(error)) from None
    if body is None:
        raise DocumentError("docx_no_body", path)
    if len(body) > max_blocks:  # before walking 800k tiny paragraphs
        raise DocumentError("too_many_blocks", path, count=len(body), limit=max_blocks)
    return repaired_blocks(list(_docx_items(body)))


def _refuse_zip_bomb(path: Path, data: bytes) -> None:
    """Check the ZIP directory before anything decompresses a member."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise DocumentError("damaged_docx", path, cause=brief(error)) from None
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
        raise DocumentError("damaged_docx", path, cause=brief(error)) from None
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
