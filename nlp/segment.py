"""Sentences and word segmentation of a clause, by underthesea."""
from __future__ import annotations


def segment(text: str) -> tuple[list[str], str]:
    """(sentences, word-segmented text): "Sở Kế hoạch và Đầu tư chủ trì" →
    (["Sở Kế hoạch và Đầu tư chủ trì"], "Sở Kế_hoạch và Đầu_tư chủ_trì")."""
    if not text.strip():
        return [], ""
    # Imported here: underthesea takes seconds to import, and only ingest needs it.
    from underthesea import sent_tokenize, word_tokenize

    return sent_tokenize(text), word_tokenize(text, format="text")
