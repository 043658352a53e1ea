"""The terms a plan defines: its footnotes, "(sau đây gọi là …)" and acronyms in parentheses.

Read once per clause at ingest and kept in the store's `definitions` table, so that "ICD là
gì?" is one lookup by the term's key, however many plans are indexed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.fold import fold

# Ordered: where plans define their terms.
DEFINITION_SHAPES = (
    # a footnote "TERM (Expansion): meaning", e.g. "1 ICD (Inland Container Depot): cảng cạn/ cảng khô"
    re.compile(
        r"^\s*\d{0,3}\s*(?P<term>[^\s():][^():]{0,40}?)\s*(?:\((?P<expansion>[^()]{2,100})\))?\s*:\s*"
        r"(?P<meaning>\S.{2,300})$"
    ),
)
# "… (sau đây gọi tắt là X)", "… (gọi tắt là X)", "… (viết tắt là X)", e.g. "Ủy ban nhân dân tỉnh (sau đây
# gọi là UBND tỉnh)"
CALLED = re.compile(
    r"(?P<meaning>[^;:.()]{3,160}?)\s*\((?:sau đây\s+)?(?:được\s+)?(?:gọi tắt|gọi|viết tắt)"
    r"\s+là\s*:?\s*[“\"]?(?P<term>[^()”\"]{1,60}?)[”\"]?\)",
    re.I,
)
# An acronym after the words it stands for, e.g. "Ngân hàng Thế giới (WB)".
ACRONYM = re.compile(r"(?P<meaning>[^,;:.()]{3,120}?)\s*\((?P<term>[A-ZĐ][A-Z0-9Đ&\-]{1,11})\)")
# Words that end the phrase an acronym stands for, looking back from it.
_PHRASE_START = re.compile(r".*\b(?:của|về|theo|với|cho|tại|trong|là|và|do|đối với)\s+", re.I)


@dataclass(frozen=True)
class Definition:
    term: str
    meaning: str
    source_text: str  # the footnote or sentence it was read from
    kind: str  # footnote | called | acronym: a footnote is an explicit definition, read first


def term_key(term: str) -> str:
    """What a question's term and a defined term are compared by: folded words."""
    return " ".join(re.findall(r"\w+", fold(term)))


def definitions(text: str, footnotes: list[str] = ()) -> list[Definition]:
    """The terms one clause defines, its footnotes first."""
    found = []
    for note in footnotes:
        for shape in DEFINITION_SHAPES:
            if m := shape.match(note):
                meaning = m.group("meaning").strip()
                if m.group("expansion"):
                    meaning = f"{m.group('expansion').strip()}: {meaning}"
                found.append(Definition(m.group("term").strip(), meaning, note, "footnote"))
                break
    if "(" not in text:  # both shapes below are in parentheses; their lazy scans cost ~2 ms a clause
        return found
    lowered = text.lower()
    if "gọi" in lowered or "viết tắt" in lowered:
        for m in CALLED.finditer(text):
            found.append(
                Definition(m.group("term").strip(), m.group("meaning").strip(), m.group(0), "called")
            )
    for m in ACRONYM.finditer(text):
        phrase = _PHRASE_START.sub("", m.group("meaning")).strip()
        if len(phrase.split()) >= 2:
            found.append(Definition(m.group("term"), " ".join(phrase.split()[-12:]), m.group(0), "acronym"))
    return found
