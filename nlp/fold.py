"""Accent folding: the form in which typed-without-diacritics text meets the plan."""

from __future__ import annotations

import unicodedata

# đ→d, and every nonspacing mark of the Basic Multilingual Plane dropped, in one str.translate:
# a C loop where a test per character cost a question ~1 ms in its few dozen folds. Text with
# characters beyond the plane (rare) also takes the test for marks there.
_FOLD = {cp: None for cp in range(0x10000) if unicodedata.category(chr(cp)) == "Mn"}
_FOLD.update({ord("đ"): "d", ord("Đ"): "d"})


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese tone and vowel marks, đ→d: "Sở Đầu tư" → "so dau tu"."""
    decomposed = unicodedata.normalize("NFD", text)
    if decomposed.isascii():
        return decomposed.lower()
    bare = decomposed.translate(_FOLD)
    if bare and max(bare) > "\uffff":
        bare = "".join(ch for ch in bare if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", bare).lower()
