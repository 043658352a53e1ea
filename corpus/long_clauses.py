"""Clauses too long to be one answer, split at paragraph or sentence boundaries.

A clause over CLAUSE_LIMIT characters is a structure the parser did not see (a run of
paragraphs joined, a signature swallowing an attached plan). It is never indexed whole:
quoting 9,000 characters answers nothing, and its agency and deadline would be the first
of many. It is cut into pieces under the limit, each keeping the section, and the plan
gets a warning saying where, so the uploader can check that part of the document.
"""

from __future__ import annotations

import re
from dataclasses import replace

from corpus.model import Clause, ParseWarning

CLAUSE_LIMIT = 2500
# Where a long text may be cut, best first: a sentence end before a capital, then after ";".
# A sentence end counts only before a capital or a digit (not "TP. Hồ…" — checked in code).
_CUTS = (
    re.compile(r"(?<=[.!?…])[\"'”’)]*\s+(?=[\"“(]?\w)"),  # e.g. "… đúng quy định. Tổ chức …"
    re.compile(r"(?<=[;:])\s+"),  # e.g. "… khoáng sản; tổ chức …"
    re.compile(r"(?<=,)\s+"),  # e.g. "…, các cơ quan …"
    re.compile(r"\s+"),  # any space, as a last resort
)


def split_long_clauses(
    clauses: list[Clause], warnings: list[ParseWarning], limit: int = CLAUSE_LIMIT
) -> list[Clause]:
    """`clauses` with each one over `limit` characters cut into pieces; a warning per cut clause."""
    out = []
    for clause in clauses:
        if len(clause.text) <= limit:
            out.append(clause)
            continue
        pieces = _pieces(clause.text, limit)
        warnings.append(ParseWarning("long_clause", clause.section, len(clause.text), len(pieces)))
        for number, piece in enumerate(pieces):
            out.append(
                replace(
                    clause,
                    text=piece,
                    footnotes=list(clause.footnotes) if number == 0 else [],
                    kind=clause.kind
                    if number == 0 or clause.kind in ("header", "signature")
                    else "continuation",
                )
            )
    return out


def _pieces(text: str, limit: int) -> list[str]:
    """Greedy: as much as fits, cut at the best boundary kind found in the window."""
    pieces = []
    while len(text) > limit:
        window = text[: limit + 1]
        cut = None
        for rank, pattern in enumerate(_CUTS):
            ends = [
                m.start()
                for m in pattern.finditer(window)
                if m.start() >= limit // 3 and (rank or _opens_sentence(window[m.end() :]))
            ]
            if ends:
                cut = ends[-1]
                break
        cut = cut or limit
        pieces.append(text[:cut].strip())
        text = text[cut:].strip()
    return pieces + ([text] if text else [])


def _opens_sentence(text: str) -> bool:
    first = next((ch for ch in text if ch.isalnum()), "")
    return first.isupper() or first.isdigit()
