"""What a file's bytes are, by magic numbers and ZIP members; content that is not what the
extension promises is refused with a DocumentError naming what it is ("a PNG image")."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from corpus.errors import DocumentError
from corpus.load_txt import looks_like_text

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


def check_content(path: Path, kind: str, data: bytes) -> None:
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
        what = "text" if looks_like_text(data) else "binary"
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
