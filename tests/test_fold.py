"""Accent folding (nlp/fold.py): the one table-driven pass is the per-character definition."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.fold import fold


def by_definition(text: str) -> str:
    """đ→d, then every nonspacing mark of the decomposed text dropped, recomposed, lower-cased."""
    decomposed = unicodedata.normalize("NFD", text.translate(str.maketrans({"đ": "d", "Đ": "d"})))
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", bare).lower()


def test_vietnamese_folds_to_bare_letters():
    assert fold("Sở Đầu tư") == "so dau tu"
    assert fold("Ủy ban nhân dân tỉnh Bình Dương") == "uy ban nhan dan tinh binh duong"
    assert fold("ĐỒNG NAI, quý III/2021") == "dong nai, quy iii/2021"
    assert fold("plain ascii") == "plain ascii" and fold("") == ""


# Vietnamese letters, combining marks on their own, other scripts' marks (Thai, Devanagari) and
# characters beyond the Basic Multilingual Plane, which take the slower path.
_LETTERS = st.sampled_from(
    list("aăâeêioôơuưyđĐAĂÂEÊIOÔƠUƯYĐ \u0300\u0301\u0303\u0309\u0323\u0e31\u0e34\u093f")
)
_ANY = st.characters(codec="utf-8")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_LETTERS, _ANY, st.sampled_from(["\U0001d167", "\U0001f600", "ḉ"])), max_size=30))
def test_fold_is_the_definition_for_any_text(chars):
    text = "".join(chars)
    assert fold(text) == by_definition(text)
