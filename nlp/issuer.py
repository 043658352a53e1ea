"""The issuing body of a plan, from the capitals of its header: a name as it is cited.

"ỦY BAN NHÂN DÂN / TỈNH BÌNH DƯƠNG" → "Ủy ban nhân dân tỉnh Bình Dương"; "UBND TỈNH X / SỞ Y"
→ the last body named, Sở Y, in its canonical spelling when it is a known agency.
"""

from __future__ import annotations

import re

from nlp.agencies import canonical_agency
from nlp.agency_table import PROVINCES
from nlp.fold import fold

# Words that open the name of a body in a header, tried anywhere in it; the last one wins.
_ISSUER_HEADS = re.compile(  # e.g. "SỞ Y TẾ" in "UBND TỈNH X / SỞ Y TẾ"
    r"\b(?:SỞ|BAN|CỤC|CHI CỤC|TRUNG TÂM|VĂN PHÒNG|ỦY BAN|UỶ BAN|HỘI ĐỒNG|BỘ|TỔNG CỤC)\b"
)
# Local bodies a header names before its province, for a letter-spaced header.
_LOCAL_BODIES = ("Ủy ban nhân dân", "Hội đồng nhân dân")
# Administrative units: the words after them are a place name, capitalised.
_ADMIN_UNITS = ("tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn")


def issuer(text: str) -> str:
    """The issuing body as a name: the last body named ("UBND TỈNH X" / "SỞ Y" → Sở Y)."""
    text = _respaced(re.sub(r"\bUBND\b", "ỦY BAN NHÂN DÂN", " ".join(text.split())))
    heads = [m.start() for m in _ISSUER_HEADS.finditer(text) if m.start() > 0]
    if heads and _all_caps(text):
        text = text[heads[-1] :]
    if not text or not _all_caps(text):
        return text
    canonical = canonical_agency(text)
    if canonical and not _all_caps(canonical):  # a known body: its canonical spelling
        province = next(((name, kind) for name, kind in PROVINCES if fold(name) in fold(text)), None)
        if province is None or fold(province[0]) in fold(canonical):
            return canonical
        name, kind = province
        return f"{canonical.removesuffix(' tỉnh').removesuffix(' thành phố')} {kind} {name}"
    words, out, in_place = text.lower().split(), [], False
    for position, word in enumerate(words):
        pair = " ".join(words[position - 1 : position + 1]) if position else word
        out.append(word.capitalize() if position == 0 or in_place else word)
        in_place = in_place or word in _ADMIN_UNITS or pair in _ADMIN_UNITS
    return " ".join(out)


def _respaced(text: str) -> str:
    """A header a crawler letter-spaced ("ỦY B AN NHÂN D Â N T HÀNH P HỐ HỒ C H Í M I NH"), put
    back when, spaces aside, it spells a province's people's committee or council."""
    if sum(len(token) == 1 for token in text.split()) < 2:
        return text
    squeezed = fold(text).replace(" ", "")
    for name, kind in PROVINCES:
        for body in _LOCAL_BODIES:
            candidate = f"{body} {kind} {name}"
            if fold(candidate).replace(" ", "") == squeezed:
                return candidate.upper()
    return text


def _all_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)
