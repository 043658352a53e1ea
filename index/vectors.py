"""FAISS indexes of clause vectors, written as numbered versions.

A build writes `v{N}.faiss` beside the current one (through a temp file and a
rename), and only then does the store's meta row switch to N, in the same
transaction that commits the clauses. A reader therefore loads either the old
whole index or the new whole index; startup deletes whatever a killed build left.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

# Exact search up to this many vectors; above it, HNSW. Measured in
# bench/scale.py (docs/benchmarks.md): exact inner product over 100k×384 takes
# a few ms per question on 2 cores, which is still small beside encoding the
# question; at 1M it takes tens of ms and HNSW answers in ~1 ms at recall@10 ≈ 0.95+.
APPROXIMATE_ABOVE = 200_000
HNSW_NEIGHBOURS = 32
HNSW_EF_SEARCH = 128

_VERSION_FILE = re.compile(r"^v(\d+)\.faiss$")


def make_index(ids: np.ndarray, vectors: np.ndarray, dim: int) -> faiss.Index:
    """An inner-product index over L2-normalized vectors, ids = clause ids."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, dim)
    ids = np.ascontiguousarray(ids, dtype=np.int64)
    if len(ids) > APPROXIMATE_ABOVE:
        base = faiss.IndexHNSWFlat(dim, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
        base.hnsw.efConstruction = 80
        base.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        base = faiss.IndexFlatIP(dim)
    index = faiss.IndexIDMap2(base)
    if len(ids):
        index.add_with_ids(vectors, ids)
    return index


@dataclass
class LoadedIndex:
    version: int
    index: faiss.Index

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        if self.index.ntotal == 0:
            return []
        k = min(k, self.index.ntotal)
        scores, ids = self.index.search(np.asarray(vector, dtype=np.float32).reshape(1, -1), k)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]


class VectorFiles:
    """The folder of versioned index files."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def path(self, version: int) -> Path:
        return self.directory / f"v{version}.faiss"

    def write(self, version: int, index: faiss.Index) -> Path:
        final = self.path(version)
        tmp = final.with_name(final.name + f".{os.getpid()}.tmp")
        faiss.write_index(index, str(tmp))
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, final)
        return final

    def load(self, version: int) -> LoadedIndex:
        return LoadedIndex(version, faiss.read_index(str(self.path(version))))

    def versions(self) -> list[int]:
        found = []
        for entry in self.directory.iterdir():
            match = _VERSION_FILE.match(entry.name)
            if match:
                found.append(int(match.group(1)))
        return sorted(found)

    def clean(self, keep: int | None) -> list[Path]:
        """Delete temp files and every version but `keep` (what a killed build left)."""
        removed = []
        for entry in self.directory.iterdir():
            match = _VERSION_FILE.match(entry.name)
            stale = entry.name.endswith(".tmp") or (match and int(match.group(1)) != keep)
            if stale:
                try:
                    entry.unlink()
                    removed.append(entry)
                except FileNotFoundError:
                    pass
        return removed
