"""Undo the damage legacy Vietnamese fonts leave in text; the result is always NFC.

Three kinds of damage are handled, each only when the text itself shows it:
- a whole text typed in a TCVN3 (.VnTime) font and read back as Latin-1 ("KÕ ho¹ch");
- the same with a VNI font ("Keá hoaïch"), both for "Kế hoạch";
- otherwise-Unicode text in which a font swapped đ/Đ for ñ/ð (or the look-alike Ð),
  as PDF extraction of some VNI-era documents does ("ñịnh hướng").
The evidence is Vietnamese syllable structure: a conversion is kept only when it
turns words that are not Vietnamese syllables into words that are.
`repaired_blocks` repairs a DOCX's or PDF's pieces with one decision for the whole document.
"""

from __future__ import annotations

import re
import string
import unicodedata
from functools import lru_cache

from corpus.legacy_fonts import VIETNAMESE_LETTERS, from_tcvn3, from_vni
from corpus.model import Block

# Enough text to judge a document by; judging 5 MB word by word buys nothing.
_SAMPLE_CHARS = 200_000

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền sắc ngã hỏi nặng
_STOP_TONES = "\u0301\u0323"  # a syllable ending in c/ch/p/t takes only sắc or nặng
_ONSETS = "ngh ng nh ch gh gi kh ph qu th tr b c d đ g h k l m n p r s t v x".split()
# Toneless rhymes (medial + nucleus + coda), grouped by nucleus. The loan rhymes
# "oong", "ooc" (xoong, soóc) are left out: with them VNI "thoâng" (thông) read as
# TCVN3 ("thoõng") would pass for a syllable too.
_RHYMES = """
    a ai ao au ay ac ach am an ang anh ap at
    ăc ăm ăn ăng ăp ăt
    âc âm ân âng âp ât âu ây
    e eo ec em en eng ep et
    ê êu êch êm ên êng ênh êp êt
    i ia iu ich im in inh ip it
    iêc iêm iên iêng iêp iêt iêu
    yêm yên yêng yêt yêu
    o oi oc om on ong op ot
    ô ôi ôc ôm ôn ông ôp ôt
    ơ ơi ơm ơn ơp ơt
    u ua ui uc um un ung up ut uơ
    uôc uôi uôm uôn uông uôt
    ư ưa ưi ưu ưc ưm ưn ưng ưt
    ươc ươi ươm ươn ương ươp ươt ươu
    y
    oa oai oao oay oac oach oam oan oang oanh oap oat
    oăc oăm oăn oăng oăt
    oe oeo oen oet
    uân uâng uât uây
    uê uêch uênh
    uy uya uyu uych uyn uynh uyp uyt uyên uyêt
""".split()
_SYLLABLE = re.compile(
    "(" + "|".join(_ONSETS) + ")?(" + "|".join(sorted(_RHYMES, key=len, reverse=True)) + ")"
)

_LETTERS = frozenset(string.ascii_lowercase) | {ch for ch in VIETNAMESE_LETTERS if ch.islower()}
# Letters only Unicode Vietnamese has: legacy-font text cannot contain them.
_UNICODE_ONLY = frozenset(ch for ch in VIETNAMESE_LETTERS if ord(ch) > 0xFF)
_EDGE = string.punctuation + "“”‘’–—…"
_ETH_CHAR = re.compile("[ñðÐ]")
_LETTER_RUN = re.compile(r"[^\W\d_]*")
_ETH = str.maketrans({"ñ": "đ", "ð": "Đ", "Ð": "Đ"})


def repair(text: str) -> str:
    """NFC text with legacy-font damage undone; correct Unicode comes back unchanged."""
    text = unicodedata.normalize("NFC", text)
    converted = _from_legacy_font(text)
    return converted if converted is not None else _fix_eth(text)


def vietnamese_share(text: str) -> float:
    """Share of the words in (a sample of) `text` that are Vietnamese syllables."""
    words = list(_words(unicodedata.normalize("NFC", text[:_SAMPLE_CHARS])))
    return sum(map(_is_syllable, words)) / len(words) if words else 0.0


@lru_cache(maxsize=1 << 16)
def _is_syllable(word: str) -> bool:
    """True for one well-formed Vietnamese syllable, any case, one tone at most."""
    word = word.lower()
    if not set(word) <= _LETTERS:
        return False
    decomposed = unicodedata.normalize("NFD", word)
    tones = [ch for ch in decomposed if ch in _TONES]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    match = _SYLLABLE.fullmatch(bare)
    if not match:
        return False
    stopped = match[2].endswith(("c", "ch", "p", "t"))
    return not (stopped and tones and tones[0] not in _STOP_TONES)


def _words(text: str):
    """Whitespace-separated words without edge punctuation, skipping numbers and codes.

    Latin-1 symbols count as word characters, since in TCVN3 "¹" is the letter ạ
    (which is also why digits are tested as ASCII: "¹".isdigit() is true).
    """
    for raw in text.split():
        word = raw.strip(_EDGE)
        if (
            word
            and not any("0" <= ch <= "9" for ch in word)
            and any(ch.isalpha() or "\xa0" <= ch <= "\xff" for ch in word)
        ):
            yield word


def _from_legacy_font(text: str) -> str | None:
    """The text converted from TCVN3 or VNI, or None when it is not in either."""
    sample = text[:_SAMPLE_CHARS]
    if not _may_be_legacy(sample):
        return None
    best, best_gain = None, 0.0
    for convert in (from_tcvn3, from_vni):
        converted = convert(sample)
        gain = _conversion_gain(sample, converted)
        # French "où" is VNI for "ó": a converted text must read as Vietnamese.
        if gain > best_gain and vietnamese_share(converted) >= 0.5:
            best, best_gain = convert, gain
    return best(text) if best else None


def _may_be_legacy(sample: str) -> bool:
    """Legacy-font text is all Latin-1; real Unicode Vietnamese is full of ư, ơ, ạ, ế..."""
    latin1 = sum(1 for ch in sample if "\xa0" <= ch <= "\xff")
    unicode_only = sum(1 for ch in sample if ch in _UNICODE_ONLY)
    return latin1 > 0 and unicode_only <= 0.1 * latin1


def _conversion_gain(before: str, after: str) -> float:
    """How many more of the changed words are syllables after conversion (0 = no case).

    Conversion must turn most changed words into syllables and clearly more
    than were syllables already (a few garbled words, like TCVN3 "Céng" for
    "Cộng", happen to look like syllables).
    """
    changed = [(old, new) for old, new in zip(_words(before), _words(after)) if old != new]
    if not changed:
        return 0.0
    valid_before = sum(_is_syllable(old) for old, _ in changed)
    valid_after = sum(_is_syllable(new) for _, new in changed)
    if valid_after < 0.6 * len(changed) or valid_after - valid_before < max(1, 0.25 * len(changed)):
        return 0.0
    return (valid_after - valid_before) / len(changed)


def _fix_eth(text: str) -> str:
    """ñ→đ, ð/Ð→Đ in words that become Vietnamese syllables, if the text is Vietnamese."""
    spans = _eth_word_spans(text)
    if not spans:
        return text
    suspects = [text[start:end] for start, end in spans]
    fixes = {word: word.translate(_ETH) for word in set(suspects)}
    fixes = {word: fixed for word, fixed in fixes.items() if _is_syllable(fixed)}
    fixable = sum(1 for word in suspects if word in fixes)
    # "España" in a Vietnamese text stays; a text where ñ words mostly do not
    # become syllables is not damaged this way at all.
    if not fixable or fixable <= len(suspects) - fixable:
        return text
    pieces, last = [], 0
    for (start, end), word in zip(spans, suspects):
        pieces += [text[last:start], fixes.get(word, word)]
        last = end
    fixed = "".join(pieces) + text[last:]
    return fixed if _reads_as_vietnamese(fixed) else text


def _eth_word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each word holding ñ, ð or Ð; found from the letter outwards,
    which is far quicker on megabytes than a regex that must try every position."""
    spans: list[tuple[int, int]] = []
    for hit in _ETH_CHAR.finditer(text):
        if spans and spans[-1][1] > hit.start():
            continue  # a second ñ in the same word
        start = hit.start()
        while start and text[start - 1].isalpha():
            start -= 1
        spans.append((start, _LETTER_RUN.match(text, hit.start()).end()))
    return spans


def _reads_as_vietnamese(text: str) -> bool:
    """Mostly syllables, some with letters only Vietnamese has (ư, ạ, ế, ...)."""
    if vietnamese_share(text) < 0.5:
        return False
    return any(
        any(ch in _UNICODE_ONLY for ch in word) and _is_syllable(word)
        for word in re.findall(r"[^\W\d_]+", text[:_SAMPLE_CHARS])
    )


def plausible_language(text: str) -> bool:
    """True when (a sample of) repaired text reads as Vietnamese or English.

    Mojibake (Shift-JIS or GB18030 bytes read as a Vietnamese code page) and other scripts
    fail two ways: their letters are not the Vietnamese or English alphabet, and their
    "words" (runs without spaces) are neither Vietnamese syllables nor ASCII words.
    Short texts pass: too little to judge.
    """
    sample = unicodedata.normalize("NFC", text[:_SAMPLE_CHARS])
    letters = [ch for ch in sample.lower() if ch.isalpha()]
    if len(letters) < 60:
        return True
    if sum(ch in _LETTERS for ch in letters) < 0.85 * len(letters):
        return False
    words = list(_words(sample))
    if len(letters) > 25 * max(1, len(words)):  # no spaces: not a Latin-script language
        return False
    vietnamese = sum(map(_is_syllable, words)) / len(words)
    ascii_words = sum(word.isascii() for word in words) / len(words)
    return vietnamese + ascii_words >= 0.6


# ---- a DOCX's or PDF's pieces, repaired as one document ---------------------------------


def _repair_all(texts: list[str]) -> list[str]:
    """Repair many pieces of one document with one decision for the whole document."""
    lines = repair("\n".join(texts)).split("\n")
    if len(lines) != sum(text.count("\n") + 1 for text in texts):
        return [repair(text) for text in texts]  # cannot happen; stay correct anyway
    out, start = [], 0
    for text in texts:
        end = start + text.count("\n") + 1
        out.append("\n".join(lines[start:end]))
        start = end
    return out


def repaired_blocks(items: list[tuple[str | list[list[str]], int | None]]) -> list[Block]:
    """Blocks from (text or table rows, page) items, repaired together."""
    texts = []
    for content, _ in items:
        texts.extend([content] if isinstance(content, str) else [c for row in content for c in row])
    fixed = iter(_repair_all(texts))
    blocks = []
    for content, page in items:
        if isinstance(content, str):
            blocks.append(Block(next(fixed), page=page))
        else:
            rows = tuple(tuple(next(fixed) for _ in row) for row in content)
            blocks.append(Block("", page=page, rows=rows))
    return blocks
