"""Pre-Unicode Vietnamese font encodings (TCVN3/ABC and VNI) read back as Latin-1.

Text typed in a .VnTime (TCVN3) or VNI-Times font and saved or extracted without
the font is a string of Latin-1 look-alikes: "KÕ ho¹ch" (TCVN3), "Keá hoaïch"
(VNI) for "Kế hoạch". The converters here map such text to NFC Unicode; deciding
*whether* a text is in one of these encodings is repair's job.

Tables are written out letter by letter so they can be checked against the
published charts by eye. Tone order in every row: plain, huyền, sắc, hỏi, ngã, nặng.
"""

from __future__ import annotations

import re
import unicodedata

# TCVN3 (TCVN 5712:1993 VN3, the ABC fonts): one byte per precomposed letter.
# Each row pairs the Unicode letters with their TCVN3 codes, position by position.
# The ABC set has all 67 lowercase letters but only 7 capitals (Ă Â Đ Ê Ô Ơ Ư);
# capitals with tone marks were drawn by the .VnTimeH/.VnArialH fonts, which
# reuse the LOWERCASE codes, so after decoding they come out lowercase. The
# caller fixes case from context (a line typed in capitals stays capitals).
_TCVN3_ROWS = (
    ("aàáảãạ", "aµ¸¶·¹"),  # e.g. "ho¹ch" -> "hoạch"
    ("ăằắẳẵặ", "¨»¾¼½Æ"),  # e.g. "n¨m" -> "năm"
    ("âầấẩẫậ", "©ÇÊÈÉË"),  # e.g. "lËp" -> "lập"
    ("eèéẻẽẹ", "eÌÐÎÏÑ"),  # e.g. "kÌm" -> "kèm", "hÑp" -> "hẹp"
    ("êềếểễệ", "ªÒÕÓÔÖ"),  # e.g. "KÕ" -> "Kế", "ViÖt" -> "Việt"
    ("iìíỉĩị", "i×ÝØÜÞ"),  # e.g. "nghÜa" -> "nghĩa"
    ("oòóỏõọ", "oßãáâä"),  # e.g. "cã" -> "có", "häc" -> "học"
    ("ôồốổỗộ", "«åèæçé"),  # e.g. "Céng" -> "Cộng"
    ("ơờớởỡợ", "¬êíëìî"),  # e.g. "víi" -> "với", "hîp" -> "hợp"
    ("uùúủũụ", "uïóñòô"),  # e.g. "chñ" -> "chủ"
    ("ưừứửữự", "\u00adõøö÷ù"),  # e.g. "thùc" -> "thực"; ư is 0xAD, the soft hyphen
    ("yỳýỷỹỵ", "yúýûüþ"),  # e.g. "kü" -> "kỹ"
    ("đĂÂĐÊÔƠƯ", "®¡¢§£¤¥¦"),  # e.g. "§Þnh" -> "Định"
)

TCVN3 = {
    code: letter for letters, codes in _TCVN3_ROWS for letter, code in zip(letters, codes) if letter != code
}

# The vowels with every mark, and đ: the 134 letters ASCII lacks, plus a e i o u y.
VIETNAMESE_LETTERS = frozenset("".join(letters for letters, _ in _TCVN3_ROWS[:-1]) + "đ")
VIETNAMESE_LETTERS |= frozenset(ch.upper() for ch in VIETNAMESE_LETTERS)

# VNI Windows: a base letter followed by a separate mark glyph. The mark glyphs
# (lowercase, uppercase) and what they put on the base letter:
_VNI_MARKS = (
    ("ù", "Ù", "\u0301"),  # sắc          e.g. "caùc" -> "các"
    ("ø", "Ø", "\u0300"),  # huyền        e.g. "vaø" -> "và"
    ("û", "Û", "\u0309"),  # hỏi          e.g. "baûo" -> "bảo"
    ("õ", "Õ", "\u0303"),  # ngã          e.g. "ñaõ" -> "đã"
    ("ï", "Ï", "\u0323"),  # nặng         e.g. "hoaïch" -> "hoạch"
    ("â", "Â", "\u0302"),  # mũ           e.g. "caân" -> "cân"
    ("á", "Á", "\u0302\u0301"),  # mũ + sắc  e.g. "Keá" -> "Kế"
    ("à", "À", "\u0302\u0300"),  # mũ + huyền
    ("å", "Å", "\u0302\u0309"),  # mũ + hỏi   e.g. "Ñeå" -> "Để"
    ("ã", "Ã", "\u0302\u0303"),  # mũ + ngã
    ("ä", "Ä", "\u0302\u0323"),  # mũ + nặng  e.g. "Vieät" -> "Việt"
    ("ê", "Ê", "\u0306"),  # trăng        e.g. "naêm" -> "năm"
    ("é", "É", "\u0306\u0301"),  # trăng + sắc
    ("è", "È", "\u0306\u0300"),  # trăng + huyền
    ("ú", "Ú", "\u0306\u0309"),  # trăng + hỏi
    ("ü", "Ü", "\u0306\u0303"),  # trăng + ngã
    ("ë", "Ë", "\u0306\u0323"),  # trăng + nặng
)

# Base letters that take a mark glyph, with the Unicode letter they stand for:
# VNI draws ơ and ư as single glyphs ô/ö, which then take tone marks too.
_VNI_BASES = (
    ("a", "a"),
    ("e", "e"),
    ("o", "o"),
    ("u", "u"),
    ("y", "y"),
    ("ô", "ơ"),  # e.g. "ñöôïc" -> "được"
    ("ö", "ư"),  # e.g. "ngöôøi" -> "người"
)

# Letters VNI draws as one glyph (i with a tone, ỵ, ơ, ư, đ), lowercase then uppercase.
_VNI_SINGLES = (
    ("íìæóò", "íìỉĩị"),  # e.g. "nghóa" -> "nghĩa", "chæ" -> "chỉ"
    ("ÍÌÆÓÒ", "ÍÌỈĨỊ"),  # e.g. "CHÆ" -> "CHỈ"
    ("îÎ", "ỵỴ"),  # e.g. "kyî" -> "kỵ"
    ("ôÔöÖ", "ơƠưƯ"),  # e.g. "trôû" -> "trở", "Ö" -> "Ư"
    ("ñÑ", "đĐ"),  # e.g. "ñònh" -> "định"
)


def _vni_pairs() -> dict[str, str]:
    """Every base + mark pair that composes to one Vietnamese letter, in either case."""
    pairs = {}
    for base, letter in _VNI_BASES:
        for lower_mark, upper_mark, combining in _VNI_MARKS:
            composed = unicodedata.normalize("NFC", letter + combining)
            if composed not in VIETNAMESE_LETTERS:  # e.g. "u" + mũ is û, not Vietnamese
                continue
            for b, m in (
                (base, lower_mark),
                (base.upper(), upper_mark),
                (base, upper_mark),
                (base.upper(), lower_mark),
            ):
                # The case of the result follows the base letter: "Keá", "KEÁ".
                pairs[b + m] = composed.upper() if b.isupper() else composed
    return pairs


VNI_PAIRS = _vni_pairs()
VNI_SINGLES = {code: letter for codes, letters in _VNI_SINGLES for code, letter in zip(codes, letters)}

# Pairs first so "ôù" becomes ớ rather than ơ followed by a stray ù.
_VNI_RULE = re.compile(
    "|".join(sorted(map(re.escape, VNI_PAIRS), key=len, reverse=True)) + "|[" + "".join(VNI_SINGLES) + "]"
)
_TCVN3_TABLE = str.maketrans(TCVN3)
_ASCII_LETTERS = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"\S+")
# A letter ABC has no capital for (Ủ, Ứ, ...) opening a sentence or a "- " item was
# a capital in the original: "øng dông" -> "Ứng dụng". A line opens a sentence
# only after a blank line or one ending in . ! ? (wrapped lines do not).
# Mid-sentence capitals ("tham m­u ñy ban") cannot be told and stay lowercase.
_NO_ABC_CAPITAL = "".join(
    sorted(ch for ch in TCVN3.values() if ch.islower() and ch.upper() not in TCVN3.values())
)
_SENTENCE_START = re.compile(rf"(^\s*(?:[-+•]\s+)?|[.!?]\s+)([{_NO_ABC_CAPITAL}])")


def from_vni(text: str) -> str:
    """VNI Windows text read as Latin-1 -> NFC Unicode: "Keá hoaïch" -> "Kế hoạch"."""
    converted = _VNI_RULE.sub(lambda m: VNI_PAIRS.get(m[0]) or VNI_SINGLES[m[0]], text)
    return unicodedata.normalize("NFC", converted)


def from_tcvn3(text: str) -> str:
    """TCVN3 (ABC) text read as Latin-1 -> NFC Unicode: "KÕ ho¹ch" -> "Kế hoạch"."""
    out, starts_sentence = [], True
    for line in text.split("\n"):
        out.append(_tcvn3_line(line, starts_sentence))
        if line.strip():
            starts_sentence = line.rstrip()[-1] in ".!?"
        else:
            starts_sentence = True
    return "\n".join(out)


def _tcvn3_line(line: str, starts_sentence: bool) -> str:
    converted = line.translate(_TCVN3_TABLE)
    if converted == line:
        return line
    # .VnTimeH capitals share the lowercase codes; a line (or word) whose plain
    # letters are all capitals was typed in such a font: "KÕ HO¹CH" -> "KẾ HOẠCH".
    if _typed_in_capitals(line):
        converted = converted.upper()
    else:
        converted = _WORD.sub(lambda m: m[0].upper() if _all_caps(m[0], 2) else m[0], converted)
        converted = _SENTENCE_START.sub(
            lambda m: m[1] + (m[2].upper() if m.start() or starts_sentence or m[1].strip() else m[2]),
            converted,
        )
    return unicodedata.normalize("NFC", converted)


def _typed_in_capitals(line: str) -> bool:
    """Judged by the words holding TCVN3 codes only: "Sè: 629/KH-UBND" is "Số", and
    a one-letter word ("KÕ") could be either, so some word must show two capitals."""
    words = [word for word in line.split() if any(ch in TCVN3 for ch in word)]
    return any(_all_caps(word, 2) for word in words) and all(
        _all_caps(word, 1) for word in words if _ASCII_LETTERS.search(word)
    )


def _all_caps(text: str, minimum: int) -> bool:
    letters = _ASCII_LETTERS.findall(text)
    return len(letters) >= minimum and all(ch.isupper() for ch in letters)
