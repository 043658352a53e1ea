"""A plan's closing: the signature block and "Nơi nhận", the signer's name, and the
"PHỤ LỤC …" headings that end the closing and open an appendix."""

from __future__ import annotations

import re

from corpus.lines import all_caps
from corpus.model import Block
from corpus.plan_header import starts_document

# ---- rule table: the closing, then the appendix heading ----
# The closing: "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN TỈNH", "KT. CHỦ TỊCH", or a bare title line.
_CLOSING_PREFIX = re.compile(  # e.g. "Nơi nhận:", "KT. CHỦ TỊCH"
    r"(?:Nơi nhận\s*:?|(?:TM|T/M|T\.M|KT|K\.T|TL|T\.L|TUQ|Q)\s*[./]\s*[A-ZĐỦ]).*"
)
_CLOSING_TITLE = re.compile(  # e.g. "PHÓ CHỦ TỊCH"
    r"(?:PHÓ\s+)?(?:CHỦ TỊCH|GIÁM ĐỐC|TRƯỞNG BAN|BỘ TRƯỞNG|CHÁNH VĂN PHÒNG)"
)
_APPENDIX = re.compile(  # e.g. "PHỤ LỤC I", "Phụ lục 2: DANH MỤC NHIỆM VỤ"
    r"(?:PHỤ LỤC|Phụ lục)(?:\s+(?P<label>[IVX]+|\d{1,2}))?\b[\s.:–-]*(?P<title>.*)"
)
# e.g. "(Đã ký) Trần Văn A"
_SIGNED = re.compile(r"(?:Đã ký|đã ký|Ký bởi)\s*[:)]?\s*(?P<name>[^\W\d_][^\d:;()]*)$")
_SURNAMES = frozenset(
    "nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đinh đoàn mai trương "
    "lâm tạ hà cao lương chu trịnh đào thái tô lưu quách kiều văn châu tăng triệu lại thân "
    "nghiêm khổng giang mạc phùng vương âu doãn hứa cù bạch la lò đàm nông tống diệp kim ông "
    "tôn quan thạch danh".split()
)


def closing_span(blocks: list[Block], start: int) -> tuple[int, int]:
    """[start, end) of the signature block (lines, or a DOCX signature table); (len, len) when
    there is none. It ends at an appendix, a table, or the document it carries (a decision's plan)."""
    for index in range(start, len(blocks)):
        block = blocks[index]
        lines = (
            [block.text]
            if block.rows is None
            else [line for row in block.rows for cell in row for line in cell.split("\n")]
        )
        if any(_is_closing_line(" ".join(line.split())) for line in lines):
            end = index + 1
            while (
                end < len(blocks)
                and blocks[end].rows is None
                and not _starts_appendix(blocks[end].text)
                and not starts_document(blocks[end].text)
            ):
                end += 1
            return index, end
    return len(blocks), len(blocks)


def _is_closing_line(text: str) -> bool:
    return bool(text) and bool(
        (_CLOSING_PREFIX.fullmatch(text) and (text.startswith("Nơi") or all_caps(text)))
        or _CLOSING_TITLE.fullmatch(text)
    )


def appendix_heading(text: str) -> re.Match | None:
    """The "PHỤ LỤC I: …" heading match (`label`, `title`) when `text` opens an appendix."""
    match = _APPENDIX.fullmatch(text)
    return match if match and _starts_appendix(text) else None


def _starts_appendix(text: str) -> bool:
    match = _APPENDIX.match(text.strip())
    return bool(match) and (text.strip().startswith("PHỤ LỤC") or not match["title"].strip())


def closing_lines(blocks: list[Block]) -> list[str]:
    """The closing's lines: a two-column TXT line ("- Lưu: VT.      Nguyễn Văn A") split at its
    gap, a signature table read cell by cell, line by line."""
    texts = [
        cell for b in blocks for cell in ([b.text] if b.rows is None else [c for row in b.rows for c in row])
    ]
    return [
        " ".join(part.split())
        for text in texts
        for line in text.split("\n")
        for part in re.split(r"\s{4,}", line)
        if part.strip()
    ]


def signer_name(lines: list[str]) -> str:
    """The signer's name: after "Đã ký", else the last line that reads as a person's name."""
    for line in reversed(lines):
        signed = _SIGNED.search(line)
        if signed and len(signed["name"].split()) >= 2:
            return " ".join(signed["name"].split())
    for line in reversed(lines):
        words = re.sub(r"\((?:đã ký|ký)[^)]*\)", "", line, flags=re.I).split()
        if (
            2 <= len(words) <= 5
            and all(w[0].isupper() and w.isalpha() for w in words)
            and not _CLOSING_TITLE.search(line.upper())
            and (not all_caps(line) or words[0].lower() in _SURNAMES)
        ):
            return " ".join(w.capitalize() if all_caps(line) else w for w in words)
    return ""
