"""Which agencies a text names, and which of them lead or partner in a task.

Known agencies come from the alias table in nlp/agency_table.py, matched on an
accent-folded, case- and punctuation-normalized form, so "so kh dt", "Sở KH&ĐT" and
"Sở Kế hoạch và Đầu tư" are one agency. Unknown ones ("Ban Quản lý Khu kinh tế Dung
Quất") are caught by a generic rule: a capitalized head noun (Sở, Ban, Trung tâm …)
and its name words up to the first predicate or function word.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from types import MappingProxyType

from nlp.agency_table import (
    AGENCIES,
    BLOCKED_AFTER,
    FIELDS,
    HEAD_TYPOS,
    HEADS,
    LOCAL_LEVEL_NAMES,
    LOWERCASE_NAME_HEADS,
    NAME_PHRASES,
    NAME_STOPS,
    PROVINCES,
    RELATED,
    TITLES,
)
from nlp.fold import fold

_TOKEN = re.compile(r"\w+|[^\w\s]")  # e.g. "Sở KH&ĐT" → "Sở", "KH", "&", "ĐT"
# e.g. "LĐ–TB&XH" → "LĐ-TB&XH"
_DASHES = str.maketrans({"–": "-", "—": "-", "‑": "-", "−": "-"})
_SEP = r" (?:(?:[,&/-]|va) )*"  # a gap that may hold punctuation or "và", e.g. " , va "
_OPT_SEP = rf"(?:{_SEP})?"  # e.g. the gap in "kh & dt", or none in "khdt"
_PLACE_WORD = r"(?:tinh|thanh pho|tp(?: \.)?)"  # e.g. "tinh" of "cuc thue tinh binh duong"
# Spellings of a province beside its official name.
_PROVINCE_ALIASES = {"hcm": "Hồ Chí Minh", "bac can": "Bắc Kạn", "thua thien hue": "Thừa Thiên Huế"}


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    name: str


def _norm_words(text: str) -> str:
    return " ".join(fold(token).translate(_DASHES) for token in _TOKEN.findall(text))


def _province_table() -> dict[str, tuple[str, str]]:
    table = {_norm_words(name).replace(" -", ""): (name, kind) for name, kind in PROVINCES}
    for alias, name in _PROVINCE_ALIASES.items():
        table[alias] = next((n, k) for n, k in PROVINCES if n == name)
    return table


_PROVINCE_BY_KEY = MappingProxyType(_province_table())
_PLACES = "|".join(sorted((key.replace(" ", r"(?: -)? ") for key in _PROVINCE_BY_KEY), key=len, reverse=True))


def _expand(pattern: str) -> re.Pattern:
    """Compile a table pattern: macros to regex, each place slot its own named group."""
    pattern = pattern.replace("~", _SEP).replace("_", _OPT_SEP)
    pattern = pattern.replace("@@", f"(?: (?:{_PLACE_WORD} )?PLACE| tinh)?")
    pattern = pattern.replace("@", f"(?: (?:{_PLACE_WORD} )?PLACE| tinh)?")
    slots = iter(range(100))
    pattern = re.sub("PLACE", lambda _: f"(?P<place{next(slots)}>{_PLACES})", pattern)
    return re.compile(rf"(?<![^ ])(?:{pattern})(?![^ ])")


def _rows():
    """(alias, canonical, needs capital, bare abbreviation) in table order."""
    for row in AGENCIES:
        if row != "{fields}":
            yield (*row, False)
            continue
        for name, abbr, field in FIELDS:  # ministries first: "Bộ KH&ĐT" holds "KH&ĐT"
            yield (rf"bo~(?:{name}{'|' + abbr if abbr else ''})", f"Bộ {field}", False, False)
        for name, abbr, field in FIELDS:
            alias = rf"so~(?:{name}|{abbr})@|s{abbr}@" if abbr else rf"so~(?:{name})@"
            yield (alias, f"Sở {field}", False, False)
        for name, abbr, field in FIELDS:  # a bare "TT&TT" or "NN&PTNT" in a question
            if abbr and "_" in abbr:
                yield (abbr, f"Sở {field}", False, True)


_TABLE = tuple(
    (_expand(pattern), canonical, needs_capital, bare) for pattern, canonical, needs_capital, bare in _rows()
)
# A field's abbreviation inside a unit's name stands for the field: "Báo TN&MT" is
# "Báo Tài nguyên và Môi trường", not the Sở. Over the folded name; e.g. "tn & mt", "tnmt".
_FIELD_ABBREVIATIONS = tuple(
    (re.compile(r"(?<![\w&])" + r"\s*[&/-]?\s*".join(abbr.split("_")) + r"(?![\w&])"), field)
    for _, abbr, field in FIELDS
    if abbr and "_" in abbr
)
_OPTIONAL_PART = re.compile(r"\[([^|\]]*)\|([^\]]*)\]")  # e.g. "[ {place}| tỉnh]" in a canonical name
_HEADS = tuple(head.split() for head in HEADS) + tuple([typo] for typo in HEAD_TYPOS)
# "và" inside a field's name stays in a unit's name: "… Chính sách tài nguyên và môi trường".
_FIELD_PHRASES = frozenset(
    " ".join(words[i - 1 : i + 2]).lower()
    for _, _, field in FIELDS
    for words in [field.replace(",", "").split()]
    for i, word in enumerate(words)
    if word == "và" and i
)
_COLLECTIVE_BEFORE = frozenset(("các", "những", "mỗi", "từng"))
# Function words that may stand inside an unknown unit's name ("Hạt Kiểm lâm các huyện").
_INSIDE_NAMES = frozenset(("các", "những", "của", "tại", "trên", "thuộc", "về"))

# What may stand between agencies of one enumeration: separators and person titles,
# e.g. ", và Chủ tịch " in "Sở Y tế, và Chủ tịch UBND các huyện".
_GAP = re.compile(
    r"(?:\s|[,;/&–-]|và(?!\w)|(?:"
    + "|".join(sorted(map(re.escape, TITLES), key=len, reverse=True))
    + r")(?!\w))*",
    re.IGNORECASE,
)
# Openers after which the clause's subject (lead) follows, at the start of a clause.
_LEAD_INS = (
    re.compile(r"(?:giao(?: nhiệm vụ)?(?: cho)?)\s+", re.I),  # e.g. "Giao Sở Kế hoạch và Đầu tư chủ trì"
    # e.g. "Các đơn vị: Sở Y tế, …"
    re.compile(r"(?:các\s+)?(?:đơn vị|cơ quan)(?:\s+(?:thực hiện|chủ trì))?\s*:\s*", re.I),
    re.compile(r"(?:đề nghị|yêu cầu)\s+", re.I),  # e.g. "Đề nghị Ủy ban MTTQ Việt Nam tỉnh …"
)
# Mid-clause verbs that hand a task to the agencies after them.
# e.g. "…, yêu cầu thủ trưởng các Sở"
_ASSIGN = re.compile(r"(?:^|[,;:.]\s*)(?:giao|yêu cầu|đề nghị)(?:\s+cho)?\s+", re.I)
_LEADS_AFTER = re.compile(r"\s*,?\s*(?:là cơ quan |làm )?chủ trì(?!\w)", re.I)  # e.g. "… do Sở Y tế chủ trì"
# e.g. "phối hợp với Sở Xây dựng"
_PARTNERS_AFTER = re.compile(r"phối hợp(?:\s+chặt chẽ)?(?:\s+(?:với|cùng))?\s*:?\s*", re.I)
_PARTNERS_BEFORE = re.compile(
    r"\s*,?\s*phối hợp(?!\s*(?:với|cùng|chặt chẽ|:))(?!\w)", re.I
)  # e.g. "…; Công an tỉnh phối hợp;"
# An unrecognised list item: a few words up to the next comma, semicolon or "và".
# e.g. "Phòng Cảnh sát môi trường"
_UNKNOWN_ITEM = re.compile(r"[^\W\d_][^,;.:()\n]{0,60}?(?=\s*(?:[,;]|\svà\s))")
# What surrounds a cell's unrecognised part: separators and a joining "và".
# e.g. "và " in "và các tổ chức …"
_CELL_EDGES = re.compile(r"^(?:[\s,.;:&/–-]|và(?!\w))+|(?:[\s,.;:&/–-]|(?<!\w)và)+$")
_MARKER = re.compile(r"^[\s\-–—•+*]*")  # e.g. "- " before "- Sở Y tế chủ trì"
_PROVINCE_WORD = re.compile(r"(?<![^ ])(?:tinh|tp|thanh pho)(?![^ ])")  # e.g. "tinh" in "bhxh tinh"


def extract_agencies(text: str, issuer: str | None = None) -> tuple[list[str], list[str]]:
    """(lead, partners) of a clause, as canonical names (`issuer`: the plan's, see canonical_agency).

    Lead: the agencies the clause opens with (after "Giao", "Các đơn vị:", "Đề nghị"),
    else those after "giao/yêu cầu/đề nghị" following a comma or full stop, else one
    named right before "chủ trì". Partners: agencies right after any "phối hợp (với)".
    Agencies named as recipients ("gửi về Sở …", "tham mưu UBND tỉnh") are neither, and
    "phối hợp với các cơ quan liên quan" names no partner: it is every task's background.
    """
    mentions = agency_mentions(text, issuer)
    if not mentions:
        return [], []
    lead = _opening_subject(text, mentions)
    if not lead:
        for match in _ASSIGN.finditer(text):
            lead = _enumeration(text, match.end(), mentions)
            if lead:
                break
    if not lead:
        lead = [m.name for m in mentions if _LEADS_AFTER.match(text, m.end)][:1]
    partners = []
    for match in _PARTNERS_AFTER.finditer(text):
        partners += _enumeration(text, match.end(), mentions)
    lead = _unique(lead)
    # "A chủ trì; B phối hợp": B, named before its verb, partners (while A still leads).
    after = _unique(m.name for m in mentions if _PARTNERS_BEFORE.match(text, m.end))
    if after and set(lead) - set(after):
        lead = [name for name in lead if name not in after]
        partners = after + partners
    return lead, [name for name in _unique(partners) if name not in lead and name != RELATED]


def find_agencies(text: str, issuer: str | None = None) -> list[str]:
    """Canonical names of every agency mentioned in `text`, in order of first mention."""
    return _unique(m.name for m in agency_mentions(text, issuer))


def cell_agencies(cell: str, issuer: str | None = None) -> list[str]:
    """The agencies a table cell lists: canonical names, and any other part as written.

    "Các Sở, ban, ngành và các tổ chức hoạt động khai thác khoáng sản" → ["Các Sở, Ban,
    ngành", "các tổ chức hoạt động khai thác khoáng sản"]; "các cơ quan liên quan" is
    nobody in particular and is dropped, as in a sentence.
    """
    names, position = [], 0
    for mention in agency_mentions(cell, issuer) + [_Mention(len(cell), len(cell), "")]:
        for part in cell[position : mention.start].split(";"):
            part = _CELL_EDGES.sub("", " ".join(part.split()))
            if any(ch.isalpha() for ch in part):
                names.append(part)
        if mention.name and mention.name != RELATED:
            names.append(mention.name)
        position = mention.end
    return _unique(names)


def canonical_agency(name: str, issuer: str | None = None) -> str | None:
    """The canonical form of an agency name, or None if `name` is not one agency.

    The issuer decides what a bare name means: in a ministry's plan (issuer "Bộ …")
    "Cục Thuế" is the national department, in a province's "Cục Thuế tỉnh".
    """
    stripped = name.strip(" \t\n.,;:")
    mentions = agency_mentions(stripped, issuer)
    if len(mentions) == 1 and mentions[0].start == 0 and mentions[0].end >= len(stripped):
        return mentions[0].name
    return None


def _opening_subject(text: str, mentions: list[_Mention]) -> list[str]:
    position = _MARKER.match(text).end()
    for lead_in in _LEAD_INS:
        match = lead_in.match(text, position)
        if match:
            position = match.end()
            break
    return _enumeration(text, position, mentions)


def _enumeration(text: str, position: int, mentions: list[_Mention]) -> list[str]:
    """Agencies listed one after another from `position`, until anything else appears.

    One name the tables do not know ("phối hợp với Phòng Cảnh sát môi trường, Sở Y tế")
    is stepped over when the list goes on after it, so it does not hide the known ones.
    """
    by_start = {m.start: m for m in mentions}
    names = []
    while True:
        position = _GAP.match(text, position).end()
        mention = by_start.get(position)
        if mention is None:
            unknown = _UNKNOWN_ITEM.match(text, position)
            after = _GAP.match(text, unknown.end()).end() if unknown else -1
            if unknown is None or after not in by_start or _names_a_task(unknown.group()):
                return names
            mention = by_start[after]
        names.append(mention.name)
        position = mention.end


def _names_a_task(words: str) -> bool:
    """Whether a stretch holds a predicate or function word, so it is no agency's name."""
    return any(word in NAME_STOPS and word not in _INSIDE_NAMES for word in words.lower().split())


def agency_mentions(text: str, issuer: str | None = None) -> list[_Mention]:
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    words = [text[a:b] for a, b in tokens]
    folded = [fold(word).translate(_DASHES) for word in words]
    starts, offset = [], 0
    for word in folded:
        starts.append(offset)
        offset += len(word) + 1
    normalized = " ".join(folded)
    has_capitals = any(ch.isupper() for ch in text)
    lowered_words = [word.lower() for word in words]
    unaccented = normalized == " ".join(lowered_words)  # typed without marks: "cong an xa"
    taken = [False] * len(tokens)
    found = []
    ministry = _is_ministry(issuer)
    for pattern, canonical, needs_capital, bare in _TABLE:
        if bare and ministry:
            continue  # a ministry has no Sở: its "TN&MT" is its own field
        for match in pattern.finditer(normalized):
            first = bisect_left(starts, match.start())
            last = bisect_right(starts, match.end() - 1)
            if last <= first or any(taken[first:last]):
                continue
            if first and folded[first - 1] in BLOCKED_AFTER.get(folded[first], ()):
                continue
            if any(folded[i] == "so" and words[i].lower() not in ("sở", "so") for i in range(first, last)):
                continue  # "số", "sơ" fold to "so" too: "hồ sơ xây dựng" is no Sở
            if needs_capital and not _capital_evidence(match, words[first], has_capitals, last - first):
                continue
            if (
                bare
                and first
                and words[first - 1][:1].isalpha()
                and lowered_words[first - 1] not in NAME_STOPS
            ):
                continue  # "Báo TN&MT", "Trung tâm Truyền thông TN&MT": it ends a unit's name
            name = _resolve(canonical, match, ministry)
            level = _local_level(lowered_words, last, unaccented)
            if level and name.endswith(" tỉnh") and name == canonical:
                # the district's or commune's own body: "Hội Nông dân xã" is not the province's
                name, last = f"{name[: -len(' tỉnh')]} {level}", last + len(level.split())
            taken[first:last] = [True] * (last - first)
            found.append(_Mention(tokens[first][0], tokens[last - 1][1], name))
    found += _generic_mentions(text, tokens, words, taken)
    if unaccented:
        found += _unaccented_local_mentions(tokens, lowered_words, taken)
    return sorted(found, key=lambda m: m.start)


# Each level with its words as written and as typed without marks ("xã", "xa").
_LEVEL_WORDS = tuple((level, level.split(), fold(level).split()) for level in LOCAL_LEVEL_NAMES)


def _local_level(lowered_words: list[str], index: int, unaccented: bool = False) -> str | None:
    """The level of local government written at `index` ("xã", "thị trấn"), if any; in text
    typed without marks, its folded spelling ("xa") too."""
    for level, written, folded in _LEVEL_WORDS:
        parts = folded if unaccented else written
        if lowered_words[index : index + len(parts)] == parts:
            return level
    return None


# Heads that take a level of local government for their whole name, folded ("cong an" + "xa"),
# with how the plans write them; longest first, one spelling each.
_WRITTEN_HEADS = {"ubnd": "UBND", "ủy ban nhân dân": "Ủy ban nhân dân"}
_FOLDED_HEADS = sorted(
    (
        (folded.split(), written)
        for folded, written in {
            fold(h): _WRITTEN_HEADS.get(h, h.capitalize()) for h in (*LOWERCASE_NAME_HEADS, *_WRITTEN_HEADS)
        }.items()
    ),
    key=lambda item: -len(item[0]),
)


def _unaccented_local_mentions(tokens, lowered_words, taken) -> list[_Mention]:
    """A commune's or district's body in a question typed without marks, which the generic
    rule (capitals, marks) cannot see: "cong an xa" is "Công an xã", written as the plans do."""
    found, index = [], 0
    while index < len(lowered_words):
        for parts, head in _FOLDED_HEADS:
            end = index + len(parts)
            if lowered_words[index:end] != parts:
                continue
            level = _local_level(lowered_words, end, unaccented=True)
            if level and not any(taken[index : end + 1]):
                last = end + len(level.split())
                found.append(_Mention(tokens[index][0], tokens[last - 1][1], f"{head} {level}"))
                index = last - 1
                break
        index += 1
    return found


def _capital_evidence(match: re.Match, first_word: str, has_capitals: bool, length: int) -> bool:
    """Whether a name that is also a common phrase is meant as the agency here."""
    if has_capitals:
        return first_word[0].isupper()
    placed = any(value for key, value in match.groupdict().items())
    return length == 1 or placed or bool(_PROVINCE_WORD.search(match.group()))


def _is_ministry(issuer: str | None) -> bool:
    return bool(issuer) and fold(issuer).startswith(("bo ", "bộ "))


def _resolve(canonical: str, match: re.Match, ministry: bool = False) -> str:
    place = next((value for key, value in match.groupdict().items() if value), None)
    if ministry and not place and canonical.endswith(" tỉnh") and not _PROVINCE_WORD.search(match.group()):
        return canonical[: -len(" tỉnh")]  # a ministry's own department: "Cục Thuế", not "Cục Thuế tỉnh"
    if place:
        name, kind = _PROVINCE_BY_KEY[place.replace(" -", "")]
        canonical = _OPTIONAL_PART.sub(r"\1", canonical)
        return canonical.format(place=name, province=f"{kind} {name}")
    return _OPTIONAL_PART.sub(r"\2", canonical)


def _generic_mentions(text, tokens, words, taken) -> list[_Mention]:
    """Agencies the table does not know: a capitalized head noun and its name words."""
    found, index = [], 0
    lowered = [word.lower() for word in words]
    while index < len(words):
        head = _head_at(lowered, words, index, taken)
        if head is None:
            index += 1
            continue
        end = _name_end(words, lowered, index + len(head), taken)
        name_words = words[index + len(head) : end]
        # A lower-case name needs a head that takes one, and more than a word ("Công ty tôi")
        # unless that word is a level of local government ("Công an xã").
        lower_ok = " ".join(head) in LOWERCASE_NAME_HEADS and (
            len(name_words) > 1 or " ".join(name_words).lower() in LOCAL_LEVEL_NAMES
        )
        if name_words and (name_words[0][0].isupper() or lower_ok):
            name = " ".join(text[tokens[index][0] : tokens[end - 1][1]].split())
            if lowered[index] in HEAD_TYPOS:
                name = HEAD_TYPOS[lowered[index]] + name[len(words[index]) :]
            found.append(_Mention(tokens[index][0], tokens[end - 1][1], _spelled_out(name)))
            index = end
        else:
            index += len(head)
    return found


def _spelled_out(name: str) -> str:
    """A unit's name with a field's abbreviation written out: "Báo TN&MT" → "Báo Tài nguyên và Môi trường"."""
    folded = fold(name)
    if len(folded) != len(name):
        return name
    for pattern, field in _FIELD_ABBREVIATIONS:
        match = pattern.search(folded)
        if match:
            return name[: match.start()] + field + name[match.end() :]
    return name


def _head_at(lowered, words, index, taken) -> list[str] | None:
    if taken[index] or not words[index][0].isupper():
        return None
    if index and lowered[index - 1] in _COLLECTIVE_BEFORE:
        return None  # "các Sở chuyên ngành" is a group, not one agency
    for head in _HEADS:
        span = lowered[index : index + len(head)]
        if span == head and not any(taken[index : index + len(head)]):
            return head
    return None


def _name_end(words, lowered, index, taken) -> int:
    """Index after the last name word: stops at punctuation, a predicate or a function word."""
    end, limit = index, min(len(words), index + 15)
    while end < limit and not taken[end]:
        word = words[end]
        if not word[0].isalnum():
            # a dash right after the head when a capitalized word follows: "Văn phòng - Thống kê xã"
            if (
                word in "-–&"
                and end + 1 < limit
                and words[end + 1][0].isalnum()
                and (end > index or (word != "&" and words[end + 1][0].isupper()))
            ):
                end += 1
                continue
            # A short name goes on past a comma into more capitalized name words
            # ("Viện Chiến lược, Chính sách …"); another head after it is the next agency.
            if (
                word == ","
                and index < end <= index + 2
                and end + 1 < limit
                and words[end + 1][0].isupper()
                and not taken[end + 1]
                and _head_at(lowered, words, end + 1, taken) is None
            ):
                end += 1
                continue
            break
        if word[0].islower():
            pair = f"{lowered[end]} {lowered[end + 1]}" if end + 1 < len(words) else ""
            if lowered[end] in NAME_STOPS or pair in NAME_STOPS:
                break
            if lowered[end] == "và" and (
                " ".join(lowered[end - 1 : end + 2]) in NAME_PHRASES
                or " ".join(lowered[end - 1 : end + 2]) in _FIELD_PHRASES
            ):
                end += 2
                continue
            if lowered[end] == "và":
                following = words[end + 1] if end + 1 < len(words) else ""
                if not following[:1].isupper() or _head_at(lowered, words, end + 1, taken):
                    break
        end += 1
    while end > index and not words[end - 1][0].isalnum():
        end -= 1
    return end


def _unique(names) -> list[str]:
    seen, out = set(), []
    for name in names:
        if name.lower() not in seen:
            seen.add(name.lower())
            out.append(name)
    return out
