"""What amount a question asks for, and whether a clause states one.

"Thành phố hỗ trợ bao nhiêu tiền?" asks for a sum of money; a clause about the support that
names no sum does not answer it, however close its words are. A question asks for an amount
with "bao nhiêu" (or "how much/many", "what percentage"); the amount's kind is the word after
it ("bao nhiêu ngày", "bao nhiêu mét vuông") or, when nothing follows, what is being measured
before it ("mức phạt … là bao nhiêu", "tỷ lệ … đạt bao nhiêu"). Everything is read folded, so
a question typed without marks asks the same thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.fold import fold

_NUMBER = r"(?<![\w/.,-])\d+(?:[.,]\d+)*"  # 30, 1.500, 2,5 (not the 14 of 629/KH or 14/02)


@dataclass(frozen=True)
class Quantity:
    """An amount asked for: its kind, and the unit word for a counted one ("ngay")."""

    kind: str  # money | area | percent | count
    unit: str | None = None  # folded, for kind "count": "ngay", "gio", "mau"
    # The question's folded syllables naming a unit that plans write as a symbol ("mét vuông"
    # for "m2"): not words a clause must contain to answer.
    spelled: tuple[str, ...] = ()

    @property
    def strict(self) -> bool:
        """Whether a clause stating no such amount cannot answer at all. Counts are not: a
        plan may write one out in words ("mười lăm ngày"), and a sum, an area or a rate is
        written in figures with its unit."""
        return self.kind != "count"

    def stated_in(self, text: str) -> bool:
        """Whether the (folded) clause text states an amount of this kind."""
        if self.kind == "count":
            return re.search(rf"{_NUMBER}\s*{re.escape(self.unit)}\b", text) is not None
        return _EVIDENCE[self.kind].search(text) is not None


# Units a stated amount carries, by kind (folded clause text).
_EVIDENCE = {
    # e.g. "50 trieu dong", "1.500.000 dong", "2 ty", "10 usd"
    "money": re.compile(rf"{_NUMBER}\s*(?:(?:trieu|ty|nghin|ngan|dong|vnd|usd)\b|\$)"),
    # e.g. "30m2", "30 m²", "12 met vuong", "5 ha", "3 hec-ta"
    "area": re.compile(rf"{_NUMBER}\s*(?:m2|m²|met vuong|km2|ha\b|hec-?ta|hecta)"),
    # e.g. "30%", "95 phan tram"
    "percent": re.compile(rf"{_NUMBER}\s*(?:%|phan tram)"),
}

# What is measured, by kind, in the order tried: the word after "bao nhiêu", else the words
# before it. Written with marks: before it, a question with marks is read with them, because
# folded "gia" is also "gia đình", "tien" "tiến độ", "von" "vọn".
_KIND_WORDS = (
    # e.g. "bao nhiêu tiền", "mức phạt … là bao nhiêu", "how much money", "what is the fee"
    ("money", ("tiền", "mức phạt", "phạt tiền", "giá", "lệ phí", "học phí", "chi phí", "kinh phí",
               "vốn", "ngân sách", "money", "cost", "costs", "price", "fine", "fee", "budget")),
    # e.g. "rộng bao nhiêu mét vuông", "diện tích … bao nhiêu", "how many square meters"
    ("area", ("mét vuông", "m2", "m²", "diện tích", "héc ta", "hecta", "square", "area")),
    # e.g. "tỷ lệ … đạt bao nhiêu", "bao nhiêu phần trăm", "what percentage"
    ("percent", ("phần trăm", "tỷ lệ", "tỉ lệ", "%", "percent", "percentage", "rate")),
)  # fmt: skip
# Folded, these are other words too: read folded only right after "bao nhieu".
_AMBIGUOUS_FOLDED = frozenset(("gia", "tien", "von", "rate"))
_FOLDED_KIND_WORDS = tuple((kind, tuple(fold(n) for n in names)) for kind, names in _KIND_WORDS)
# e.g. "bao nhieu ngay", "how many days", "what percentage of"
_ASKING = re.compile(r"\b(?:bao nhieu|how much|how many|what percentage|what share)\b")
# Words after "bao nhiêu" that are not a unit: "bao nhiêu lâu" asks for a time, not an amount.
_NOT_UNITS = frozenset("lau la thi vay nua do roi the con a ha of an is are does".split())
# English units, for a count asked in English of a plan written in Vietnamese.
_ENGLISH_UNITS = {"days": "ngay", "day": "ngay", "hours": "gio", "hour": "gio", "months": "thang",
                  "month": "thang", "years": "nam", "year": "nam"}  # fmt: skip


def _words(text: str) -> str:
    return " ".join(re.findall(r"[\w%²]+", text.lower()))


# Units a question spells out and a plan writes as a symbol (folded): "mét vuông" is "m2".
_SYMBOL_UNITS = frozenset(("met vuong", "phan tram", "hec ta", "hecta"))


def _kind_of(words: str, folded: bool = True, ambiguous: bool = True) -> str | None:
    padded = f" {words} "
    for kind, names in _FOLDED_KIND_WORDS if folded else _KIND_WORDS:
        if any(f" {n} " in padded for n in names if ambiguous or n not in _AMBIGUOUS_FOLDED):
            return kind
    return None


def _spelled(folded: str) -> tuple[str, ...]:
    padded = f" {folded} "
    return tuple(w for unit in sorted(_SYMBOL_UNITS) if f" {unit} " in padded for w in unit.split())


def quantity_asked(question: str) -> Quantity | None:
    """The amount the question asks for, or None when it asks for none.

    >>> quantity_asked("Thành phố hỗ trợ bao nhiêu tiền cho mỗi hộ?")
    Quantity(kind='money', unit=None, spelled=())
    >>> quantity_asked("thoi gian cap phep con bao nhieu ngay")
    Quantity(kind='count', unit='ngay', spelled=())
    """
    # "mấy ngày" asks as "bao nhiêu ngày" does; folded, "may" is also "máy" (a machine).
    question = re.sub(r"\bmấy\b", "bao nhiêu", question, flags=re.IGNORECASE)
    folded = _words(fold(question))
    asking = _ASKING.search(folded)
    if asking is None:
        return None
    after, spelled = folded[asking.end() :].split(), _spelled(folded)
    if asking.group() != "bao nhieu" and asking.group() != "how many":
        kind = _kind_of(folded, ambiguous=False)  # "how much is the fine": the measure comes anywhere
        return Quantity(kind, spelled=spelled) if kind else None
    kind = _kind_of(" ".join(after[:2]))  # the unit named: "bao nhiêu tiền", "bao nhiêu mét vuông"
    if kind:
        return Quantity(kind, spelled=spelled)
    if after and after[0] not in _NOT_UNITS and after[0].isalpha():
        return Quantity("count", _ENGLISH_UNITS.get(after[0], after[0]))  # "bao nhiêu ngày"
    # What is measured: "mức phạt … là bao nhiêu"; with the marks when the question has them.
    before = folded[: asking.start()].split()
    marked = _words(question).split()[: len(before)]  # folding keeps the words apart as they were
    if " ".join(marked) == " ".join(before):
        kind = _kind_of(" ".join(before), ambiguous=False)
    else:
        kind = _kind_of(" ".join(marked), folded=False)
    return Quantity(kind, spelled=spelled) if kind else None
