"""An HTML message cut into parts Telegram accepts: each under 4096 UTF-16 units, valid on its own.

`split_html` cuts at the best boundary (between clauses, lines, sentences, words) and closes
and reopens the tags open at a cut; `fit_html` keeps the first part (an edit cannot split);
`plain_text` is what Telegram shows for the HTML.
"""

from __future__ import annotations

import re
from html import unescape

MAX_MESSAGE = 4096  # Telegram's limit, in UTF-16 code units


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: astral characters (most emoji) count twice."""
    return len(text.encode("utf-16-le")) // 2


_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|[^<&]|[<&]", re.S)
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)")
_SENTENCE_END = frozenset(".!?;:…")


def _tokens(html: str) -> list[str]:
    """Tags and entities stay whole; text is split into characters (code points)."""
    return _TOKEN.findall(html)


def _apply(stack: tuple[tuple[str, str], ...], token: str) -> tuple[tuple[str, str], ...]:
    m = _TAG.match(token)
    if not m or token.endswith("/>"):
        return stack
    closing, name = m.group(1), m.group(2).lower()
    if not closing:
        return stack + ((name, token),)
    for i in range(len(stack) - 1, -1, -1):
        if stack[i][0] == name:
            return stack[:i]
    return stack


def _closers(stack: tuple[tuple[str, str], ...]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _priority(tokens: list[str], pos: int) -> int | None:
    """How good it is to cut before tokens[pos]: 0 between clauses … 3 between words."""
    prev = tokens[pos - 1]
    before = tokens[pos - 2] if pos >= 2 else ""
    if prev == "\n":
        return 0 if before == "\n" else 1
    if prev == " " or prev == "\t":
        return 2 if before[-1:] in _SENTENCE_END else 3
    return None


def split_html(html: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split an HTML message into parts of at most `limit` UTF-16 units each.

    Cuts at the best boundary available: a blank line (between clauses), a line
    break, the end of a sentence, a space, and only as a last resort between two
    characters. Never inside a tag or an entity; a tag open at the cut is closed at
    the end of one part and reopened at the start of the next, so each part is valid
    HTML on its own.
    """
    html = html.strip()
    if utf16_len(html) <= limit:
        return [html] if html else []
    tokens = _tokens(html)
    units = [utf16_len(t) for t in tokens]
    parts: list[str] = []
    start, stack = 0, ()
    while start < len(tokens):
        opener = "".join(text for _, text in stack)
        length = utf16_len(opener)
        pos, st = start, stack
        best: dict[int, tuple[int, tuple]] = {}
        content = False
        while pos < len(tokens):
            new_st = _apply(st, tokens[pos])
            if length + units[pos] + utf16_len(_closers(new_st)) > limit:
                break
            length += units[pos]
            content = content or not (tokens[pos].isspace() or tokens[pos].startswith("<"))
            st, pos = new_st, pos + 1
            if content and pos < len(tokens):
                prio = _priority(tokens, pos)
                if prio is not None:
                    best[prio] = (pos, st)
        if pos >= len(tokens):
            parts.append(opener + "".join(tokens[start:]))
            break
        if best:
            cut, cut_st = best[min(best)]
        else:
            cut, cut_st = max(pos, start + 1), st if pos > start else _apply(st, tokens[start])
        parts.append((opener + "".join(tokens[start:cut])).rstrip() + _closers(cut_st))
        start, stack = cut, cut_st
        while start < len(tokens) and tokens[start].isspace():
            start += 1
    return [p for p in (part.strip() for part in parts) if _visible(p)]


def _visible(part: str) -> bool:
    return bool(plain_text(part))


def plain_text(html: str) -> str:
    """The text Telegram shows for `html` (what Message.text holds)."""
    return unescape(re.sub(r"<[^>]*>", "", html)).strip()


def fit_html(html: str, limit: int = MAX_MESSAGE) -> str:
    """The first part of `html` that fits one message (for edits, which cannot split)."""
    parts = split_html(html, limit - 2)
    if len(parts) <= 1:
        return parts[0] if parts else html
    return parts[0] + "\n…"
