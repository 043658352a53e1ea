"""Sentences and word segmentation of a clause, by underthesea."""

from __future__ import annotations

import re

# underthesea's tokenizer is not linear on every input, so what it reads is bounded first.
_PIECE = 2000  # characters per call: a clause longer than this is read in pieces
# A run of 4+ punctuation marks after a URL doubles the tokenizer's time per mark
# (e.g. "http://so.gov.vn/ke-hoach......"); three say as much.
_PUNCTUATION_RUN = re.compile(r"([^\w\s])[^\w\s]{3,}")


def segment(text: str) -> tuple[list[str], str]:
    """(sentences, word-segmented text): "Sở Kế hoạch và Đầu tư chủ trì" →
    (["Sở Kế hoạch và Đầu tư chủ trì"], "Sở Kế_hoạch và Đầu_tư chủ_trì")."""
    if not text.strip():
        return [], ""
    # Imported here: underthesea takes seconds to import, and only ingest needs it.
    from underthesea import sent_tokenize, word_tokenize

    text = _PUNCTUATION_RUN.sub(lambda m: m.group(0)[:3], text)
    sentences, words = [], []
    for piece in _pieces(text):
        sentences += sent_tokenize(piece)
        words.append(word_tokenize(piece, format="text"))
    return sentences, " ".join(words)


def _pieces(text: str):
    """`text` in pieces of at most _PIECE characters, cut at a space when there is one."""
    start = 0
    while len(text) - start > _PIECE:
        cut = text.rfind(" ", start + _PIECE // 2, start + _PIECE)
        cut = cut if cut > start else start + _PIECE
        yield text[start:cut]
        start = cut
    yield text[start:]
