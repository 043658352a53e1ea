"""Correct the confusions Tesseract makes in Vietnamese, where the vocabulary makes the word clear.

Tesseract's typical errors keep a word's letters and lose its marks: a tone mark
dropped or put on the wrong vowel ("chỉ phí" for "chi phí"), đ read as d, ư/ơ as u/o,
a capital in mid-word ("huyỆn"), a capitalised syllable in running text ("hồ SƠ"), and a
word cut at a line end ("thực hi-" / "ện"). All of them leave the accent-folded form
intact, so a misread word is looked up by its folded form in a vocabulary built from the
bundled plans, the agency table, the document's own text-layer pages and the words the
scan itself read with high confidence; the accented form that the neighbouring words
make likely replaces it. A word is changed only when the evidence is clear, and every
change is recorded as (page, read, corrected).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from corpus.repair import _is_syllable
from nlp.fold import fold

# Characters Tesseract puts for a letter, tried when a word is not known as read.
CONFUSIONS = (
    ("\\", "l"),  # e.g. "\ượng" for "lượng"
    ("|", "l"),  # e.g. "|ập" for "lập"
    ("0", "o"),  # e.g. "c0ng" for "công" (the marks are restored by the folded lookup)
    ("1", "l"),  # e.g. "1ập" for "lập"
)
_WORD = re.compile(r"[\w\\|]+")
SURE = 92.0  # a scanned word read at least this confidently joins the vocabulary
DOUBT = 90.0  # a known word read below this confidence may be replaced on context
PLANS_DIR = Path(__file__).resolve().parent / "plans"


@dataclass
class Vocabulary:
    """Lower-case words with counts, word pairs, and the accented forms of each folded form."""

    words: Counter = field(default_factory=Counter)
    pairs: Counter = field(default_factory=Counter)
    forms: dict[str, Counter] = field(default_factory=dict)
    abbreviations: set[str] = field(default_factory=set)  # all-caps words written amid lower case

    def add(self, text: str) -> None:
        tokens = [t for t in _WORD.findall(text) if _is_word(t)]
        lowered = [t.lower() for t in tokens]
        self.words.update(lowered)
        self.pairs.update(zip(lowered, lowered[1:]))
        for word in lowered:
            self.forms.setdefault(fold(word), Counter())[word] += 1
        for before, token, after in zip(tokens, tokens[1:], tokens[2:]):
            if token.isupper() and before.islower() and after.islower():
                self.abbreviations.add(token)

    def context(self, before: str | None, word: str, after: str | None) -> int:
        return (self.pairs[(before, word)] if before else 0) + (self.pairs[(word, after)] if after else 0)


def base_vocabulary(texts: Iterable[str] = ()) -> Vocabulary:
    """The bundled plans, every agency name the agency table knows, and `texts`."""
    from corpus.repair import repair
    from nlp import agency_table

    vocabulary = Vocabulary()
    for path in sorted(PLANS_DIR.glob("*.txt")):
        vocabulary.add(repair(path.read_text(encoding="utf-8", errors="replace")))
    names = [field_name for _, _, field_name in agency_table.FIELDS]
    names += [f"{kind} {name}" for name, kind in agency_table.PROVINCES]
    for row in agency_table.AGENCIES:
        if isinstance(row, tuple):
            names.append(re.sub(r"\[([^|\]]*)\|[^\]]*\]|\{\w+\}", r"\1", row[1]))
    names += [f"Sở {name}" for name in names[: len(agency_table.FIELDS)]]
    for name in [*names, *agency_table.HEADS, *agency_table.NAME_STOPS, *agency_table.TITLES]:
        vocabulary.add(name)
    for text in texts:
        vocabulary.add(text)
    return vocabulary


def _is_word(token: str) -> bool:
    return any(ch.isalpha() for ch in token) and not any(ch.isdigit() for ch in token[:1])


@dataclass
class RepairedPage:
    number: int
    lines: list[dict]  # {"top", "bottom", "text"}
    tables: list[tuple[tuple[float, float, float, float], list[list[str]]]]


def ocr_repair(pages, vocabulary: Vocabulary) -> tuple[list[RepairedPage], list[tuple[int, str, str]]]:
    """Repaired text of OCR pages (corpus.ocr.OcrPage), and the corrections made."""
    vocabulary = _with_sure_words(vocabulary, pages)
    corrections: list[tuple[int, str, str]] = []
    _number_sections(pages, corrections)
    out = []
    for page in pages:
        lines = _join_broken_words(
            [list(line["words"]) for line in page.lines], vocabulary, page.number, corrections
        )
        texts = [_fix_words(words, vocabulary, page.number, corrections) for words in lines]
        out_lines = [
            {"top": line["top"], "bottom": line["bottom"], "text": text}
            for line, text in zip(page.lines, texts)
            if text
        ]
        tables = [
            (bbox, [[_fix_words(cell, vocabulary, page.number, corrections) for cell in row] for row in rows])
            for bbox, rows in page.tables
        ]
        out.append(RepairedPage(page.number, out_lines, tables))
    return out, corrections


def _with_sure_words(vocabulary: Vocabulary, pages) -> Vocabulary:
    """The vocabulary plus the scan's own confidently read text (its names, its topic)."""
    extended = Vocabulary(
        Counter(vocabulary.words),
        Counter(vocabulary.pairs),
        {k: Counter(v) for k, v in vocabulary.forms.items()},
        set(vocabulary.abbreviations),
    )
    for page in pages:
        sequences = [line["words"] for line in page.lines]
        sequences += [cell for _, rows in page.tables for row in rows for cell in row]
        for words in sequences:
            run: list[str] = []
            for text, conf in [*words, ("", 0.0)]:
                if conf >= SURE and not _odd_case(text):
                    run.append(text)
                elif run:
                    extended.add(" ".join(run))
                    run = []
    return extended


_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_SECTION = re.compile(r"^[IVXl|]{1,5}\.$")  # e.g. "III." as Tesseract may read it: "II.", "Il."


def _number_sections(pages, corrections: list) -> None:
    """Roman section numbers in order: a heading read as "II." after "II." is "III."
    when the two differ by one misread stroke (Tesseract drops or adds an I)."""
    last = 0
    for page in pages:
        for line in page.lines:
            words = line["words"]
            title = [text for text, _ in words[1:] if any(ch.isalpha() for ch in text)]
            if not title or not _SECTION.match(words[0][0]) or not all(t.isupper() for t in title):
                continue  # a section heading is a numeral and a title in capitals
            read = words[0][0][:-1]
            expected = _ROMAN[last] if last < len(_ROMAN) else None
            repeated = read in _ROMAN and _ROMAN.index(read) == last - 1
            if read in _ROMAN and not repeated:  # the next one, or a new sequence (an appendix)
                last = _ROMAN.index(read) + 1
            elif expected and _one_stroke(read, expected):
                words[0] = (expected + ".", words[0][1])
                corrections.append((page.number, read + ".", expected + "."))
                last += 1


def _one_stroke(read: str, expected: str) -> bool:
    """One character inserted, dropped or swapped, counting 1, l and | as I."""
    read = read.replace("1", "I").replace("l", "I").replace("|", "I")
    if read == expected:
        return True
    if abs(len(read) - len(expected)) > 1:
        return False
    shorter, longer = sorted((read, expected), key=len)
    if len(shorter) == len(longer):
        return sum(a != b for a, b in zip(shorter, longer)) == 1
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def _odd_case(word: str) -> bool:
    """A capital after the first letter of a word that is not all capitals ("huyỆn")."""
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) > 1 and not word.isupper() and any(ch.isupper() for ch in letters[1:])


def _join_broken_words(
    lines: list[list[tuple[str, float]]], vocabulary: Vocabulary, page: int, corrections: list
) -> list[list[tuple[str, float]]]:
    """Join a word cut at a line end ("hi-" + "ện" → "hiện") when the whole is a known word."""
    for i in range(len(lines) - 1):
        if not lines[i] or not lines[i + 1]:
            continue
        (head, head_conf), (tail, tail_conf) = lines[i][-1], lines[i + 1][0]
        stem = head[:-1] if head.endswith(("-", "¬")) and len(head) > 1 else head
        whole = stem + tail
        split_known = head.lower() in vocabulary.words and tail.lower() in vocabulary.words
        if not stem.isalpha() or not tail.isalpha() or split_known and stem == head:
            continue
        if stem == head and (_is_syllable(head.lower()) or _is_syllable(tail.lower())):
            continue  # two syllables on two lines: Vietnamese wraps between syllables
        found = _known(whole.lower(), vocabulary)
        if found:
            lines[i][-1] = (_cased(found, whole), min(head_conf, tail_conf))
            lines[i + 1] = lines[i + 1][1:]
            corrections.append((page, f"{head} {tail}", lines[i][-1][0]))
    return lines


def _known(word: str, vocabulary: Vocabulary) -> str | None:
    if vocabulary.words[word]:
        return word
    forms = vocabulary.forms.get(fold(word))
    if forms and len(forms) == 1:
        return next(iter(forms))
    return None


def _fix_words(words: list[tuple[str, float]], vocabulary: Vocabulary, page: int, corrections: list) -> str:
    """A line's (or a cell's) text with its misread words corrected."""
    tokens = [_tokens(text) for text, _ in words]
    flat = [(i, j) for i, parts in enumerate(tokens) for j, part in enumerate(parts) if _is_word(part)]
    lowered = {key: tokens[key[0]][key[1]].lower() for key in flat}
    for n, key in enumerate(flat):
        word = tokens[key[0]][key[1]]
        before = lowered[flat[n - 1]] if n > 0 else None
        after = lowered[flat[n + 1]] if n + 1 < len(flat) else None
        raw_before = tokens[flat[n - 1][0]][flat[n - 1][1]] if n > 0 else ""
        raw_after = tokens[flat[n + 1][0]][flat[n + 1][1]] if n + 1 < len(flat) else ""
        fixed = _fix_word(word, words[key[0]][1], before, after, raw_before, raw_after, vocabulary)
        if fixed != word:
            tokens[key[0]][key[1]] = fixed
            lowered[key] = fixed.lower()
            corrections.append((page, word, fixed))
    return " ".join("".join(parts) for parts in tokens)


def _tokens(text: str) -> list[str]:
    """A word split into word and non-word pieces that join back to it."""
    return [piece for piece in re.split(r"([\w\\|]+)", text) if piece]


def _fix_word(
    word: str,
    conf: float,
    before: str | None,
    after: str | None,
    raw_before: str,
    raw_after: str,
    vocabulary: Vocabulary,
) -> str:
    lower = word.lower()
    if word.isupper() and len(word) > 1:
        amid_lower = raw_before[:1].islower() and raw_after[:1].islower()
        if (
            amid_lower
            and word not in vocabulary.abbreviations
            and vocabulary.words[lower] >= 2
            and len(word) <= 4
        ):
            word = lower  # "hồ SƠ thủ tục": a capitalised syllable in running text
    elif _odd_case(word):
        if not _candidates(word.lower(), vocabulary):
            return word  # an abbreviation written so ("TTg", "KHĐT"), not a misread word
        word = word[0] + word[1:].lower()
    lower = word.lower()
    candidates = _candidates(lower, vocabulary)
    if not candidates:
        return word
    best = max(candidates, key=lambda c: (vocabulary.context(before, c, after), vocabulary.words[c]))
    best_context = vocabulary.context(before, best, after)
    if vocabulary.words[lower]:  # a real word as read: replaced only on clear context
        if (
            best != lower
            and conf < DOUBT
            and best_context >= 2
            and vocabulary.context(before, lower, after) == 0
        ):
            return _cased(best, word)
        return word
    others = [c for c in candidates if c != best]
    clear = best_context > 0 and all(vocabulary.context(before, c, after) < best_context for c in others)
    if not clear and not _is_syllable(lower):  # not a Vietnamese syllable: the likeliest form
        second = max((vocabulary.words[c] for c in others), default=0)
        clear = vocabulary.words[best] >= 2 and vocabulary.words[best] >= 3 * second
    return _cased(best, word) if clear else word


def _candidates(lower: str, vocabulary: Vocabulary) -> list[str]:
    """Known words with the same folded form, also after undoing a character confusion."""
    variants = {lower}
    for wrong, right in CONFUSIONS:
        if wrong in lower:
            variants.add(lower.replace(wrong, right))
    found = set()
    for variant in variants:
        found.update(vocabulary.forms.get(fold(variant), ()))
    return sorted(found)


def _cased(word: str, like: str) -> str:
    """`word` in the capitalisation of `like`."""
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
