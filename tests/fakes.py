"""A deterministic stand-in encoder for unit tests of the index logic."""

from __future__ import annotations

import hashlib
import re

import numpy as np

from nlp.fold import fold

_TOKEN = re.compile(r"[^\W_]+")


class HashingEmbedder:
    """Bag of folded syllables hashed into a small space: similar words, similar vectors."""

    name = "hashing-64"
    dim = 64

    def __init__(self):
        self.calls: list[int] = []  # batch sizes, so tests can see what was (re)embedded

    def embed_batch(self, texts: list[str], kind: str) -> np.ndarray:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in _TOKEN.findall(fold(text)):
                bucket = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=4).digest(), "little")
                out[row, bucket % self.dim] += 1.0
            norm = np.linalg.norm(out[row])
            out[row] = out[row] / norm if norm else out[row]
            if not norm:
                out[row, 0] = 1.0
        return out
