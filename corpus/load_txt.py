"""A TXT file's bytes to repaired lines: its encoding found (BOM, UTF-16, UTF-8, 8-bit code pages).

Refusals are DocumentErrors: binary content, a broken encoding, or no line at all.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from corpus.errors import DocumentError
from corpus.model import Block
from corpus.repair import repair, vietnamese_share

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


def load_txt(path: Path, data: bytes, max_blocks: int) -> list[Block]:
    """The file's lines as repaired Blocks, outer blank lines dropped; DocumentError if not text."""
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


def looks_like_text(data: bytes) -> bool:
    """The first 64 KB read as text: UTF-16 without a BOM, or few NULs and control bytes."""
    sample = data[:65536]
    return _utf16_order(sample) is not None or _binary_reason(sample) is None


# East Asian code pages whose bytes read as Latin mojibake, tried in order: Shift-JIS
# rarely decodes Chinese text, GB18030 decodes most double-byte text.
_FOREIGN_ENCODINGS = (
    ("shift_jis", "Shift-JIS"),
    ("gb18030", "GB18030"),
    ("euc_kr", "EUC-KR"),
    ("big5", "Big5"),
)


def guess_encoding(data: bytes) -> str:
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
