"""FAISS indexes of clause vectors, written as numbered versions.

A build writes `v{N}.faiss` beside the current one (through a temp file and a
rename), and only then does the store's meta row switch to N, in the same
transaction that commits the clauses. A reader therefore loads either the old
whole index or the new whole index; startup deletes whatever a killed build left.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from index.embeddings import clause_vectors

# Exact search up to this many vectors; above it, IVF (k-means cells holding the
# full vectors). Measured by bench/scale.py (docs/benchmarks.md, "Scale (FAISS)"):
# one exact question is memory-bound and linear in N, ~2 ms at 20k on one core
# but ~10-20 ms at 100k and >100 ms at 1M, against a budget well under 15 ms beside
# a 30-50 ms question encode. IVFFlat answers in ~0.3-2 ms from 20k to 1M with
# recall@10 = 1.00 vs exact on clustered (embedding-like) vectors and builds 1M in
# a few minutes on 2 cores, where HNSW would need ~8+ min.
APPROXIMATE_ABOVE = 20_000
IVF_CELLS_PER_ROOT = 4  # nlist ≈ 4·√N
IVF_POINTS_PER_CELL = 40  # k-means sample per cell (faiss asks for ≥ 39)
IVF_KMEANS_ITERATIONS = 10  # faiss's default is 25; cells need not be converged
IVF_NPROBE = 32  # cells scanned per question, at least ...
IVF_MIN_SCANNED = 10_000  # ... and enough to scan this many vectors on average
IVF_SAMPLE_SEED = 0


def _ivf_cells(n: int) -> int:
    """nlist ≈ 4·√N, but never fewer than IVF_POINTS_PER_CELL vectors per cell."""
    return max(1, min(int(round(IVF_CELLS_PER_ROOT * np.sqrt(n))), n // IVF_POINTS_PER_CELL))


def _ivf_probes(n: int, nlist: int) -> int:
    """IVF_NPROBE cells, more when cells are small (N not far above the threshold)."""
    return min(nlist, max(IVF_NPROBE, -(-IVF_MIN_SCANNED * nlist // n)))


def _ivf(vectors: np.ndarray, dim: int) -> faiss.Index:
    """A trained, empty IVFFlat over inner product; k-means on a fixed sample."""
    n = len(vectors)
    nlist = _ivf_cells(n)
    base = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
    base.cp.niter = IVF_KMEANS_ITERATIONS
    sample = min(n, IVF_POINTS_PER_CELL * nlist)
    if sample < n:
        rows = np.sort(np.random.default_rng(IVF_SAMPLE_SEED).choice(n, sample, replace=False))
        base.train(vectors[rows])
    else:
        base.train(vectors)
    return base


_VERSION_FILE = re.compile(r"^v(\d+)\.faiss$")


def make_index(ids: np.ndarray, vectors: np.ndarray, dim: int) -> faiss.Index:
    """An inner-product index over L2-normalized vectors, ids = clause ids."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, dim)
    ids = np.ascontiguousarray(ids, dtype=np.int64)
    approximate = len(ids) > APPROXIMATE_ABOVE
    base = _ivf(vectors, dim) if approximate else faiss.IndexFlatIP(dim)
    index = faiss.IndexIDMap2(base)
    if len(ids):
        index.add_with_ids(vectors, ids)
    if approximate:  # saved with the index, so a loaded index searches the same way
        ivf = faiss.extract_index_ivf(index)
        ivf.nprobe = _ivf_probes(len(ids), ivf.nlist)
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


def _ids_of(index: faiss.Index) -> np.ndarray:
    return faiss.vector_to_array(index.id_map).astype(np.int64)


def _still_fits(n: int, trained_on: int) -> bool:
    """An index trained on `trained_on` vectors still suits n (else a retrain is due).

    Its kind was chosen for trained_on; IVF cells trained for that many serve up to twice
    as many (k-means need not re-run for every plan; nprobe follows n).
    """
    approximate, trained_approximate = n > APPROXIMATE_ABOVE, trained_on > APPROXIMATE_ABOVE
    if approximate != trained_approximate:
        return False
    return not approximate or n <= 2 * trained_on


class VectorVersions:
    """Which vector version is current (the store's meta rows) and its file.

    `build` runs inside the caller's write transaction, so the pointer moves in the same
    commit as the clauses it indexes; `clean` runs after that commit. A build adds the new
    clauses' vectors to the current index and removes the deleted ones' (it never re-trains
    or re-reads every vector: 8 s at 100k clauses, 47 s at 500k, under the write lock);
    `retrain` rebuilds the whole index outside the write lock when the corpus outgrew it.
    """

    def __init__(self, store, directory: Path):
        self.store = store
        self.files = VectorFiles(directory)
        self._retrain_lock = threading.Lock()

    def current(self) -> int | None:
        value = self.store.get_meta("vector_version")
        return int(value) if value else None

    def model(self) -> str | None:
        return self.store.get_meta("embed_model")

    def trained_on(self) -> int:
        return int(self.store.get_meta("vector_trained_on") or 0)

    def is_fresh(self, model: str) -> bool:
        """The current version exists on disk and holds this model's vectors."""
        version = self.current()
        return version is not None and self.files.path(version).exists() and self.model() == model

    def build(self, db, model: str, dim) -> int:
        """Write the next version and point at it: the current index brought up to the rows."""
        index = self._current_index(model)
        if index is None:
            ids, vectors = clause_vectors(db, model)
            dim = vectors.shape[1] if len(ids) else dim()  # a callable: loads no model unless needed
            index = make_index(ids, vectors.reshape(-1, dim), dim)
            trained = len(ids)
        else:
            self._catch_up(db, index, model)
            trained = self.trained_on()
        return self._switch(db, index, model, trained)

    def _current_index(self, model: str) -> faiss.Index | None:
        version = self.current()
        if version is None or self.model() != model or not self.files.path(version).exists():
            return None
        return self.files.load(version).index

    @staticmethod
    def _catch_up(db, index: faiss.Index, model: str) -> None:
        """Remove the vectors of clauses gone since, add those of clauses new since."""
        # One string from SQLite, parsed and sorted in C: a Python row per clause cost 0.2 s at
        # 100k, and asking SQLite for rowid order read the whole table (0.16 s) where the
        # plan_id index covers the ids (10 ms).
        listed = db.execute("select group_concat(id) from clauses").fetchone()[0]
        now = (
            np.sort(np.fromstring(listed, dtype=np.int64, sep=",")) if listed else np.zeros(0, dtype=np.int64)
        )
        held = _ids_of(index)
        gone = np.setdiff1d(held, now, assume_unique=True)
        if len(gone):
            index.remove_ids(faiss.IDSelectorBatch(gone))
        new = np.setdiff1d(now, held, assume_unique=True)
        for start in range(0, len(new), 500):
            chunk = new[start : start + 500].tolist()
            marks = ",".join("?" * len(chunk))
            ids, vectors = clause_vectors(db, model, f"c.id in ({marks})", chunk)
            if len(ids):
                index.add_with_ids(vectors, ids)
        ivf = faiss.try_extract_index_ivf(index)
        if ivf is not None:
            ivf.nprobe = _ivf_probes(index.ntotal, ivf.nlist)

    def _switch(self, db, index: faiss.Index, model: str, trained: int) -> int:
        version = (self.current() or 0) + 1
        self.files.write(version, index)
        db["meta"].upsert_all(
            [
                {"key": "vector_version", "value": str(version)},
                {"key": "embed_model", "value": model},
                {"key": "vector_trained_on", "value": str(trained)},
            ],
            pk="key",
        )
        return version

    def retrain_due(self) -> bool:
        if self.current() is None:
            return False
        return not _still_fits(int(self.store.get_meta("clause_count") or 0), self.trained_on())

    def retrain(self) -> bool:
        """Rebuild (and re-train) the whole index from one snapshot, outside the write lock;
        then, in a short write transaction, catch it up with what changed meanwhile and
        switch to it. Returns False when another retrain was already running."""
        if not self._retrain_lock.acquire(blocking=False):
            return False
        try:
            with self.store.read() as db:
                model = self.model()
                if model is None:
                    return True
                ids, vectors = clause_vectors(db, model)
            if not len(ids):
                return True
            index = make_index(ids, vectors, vectors.shape[1])
            del vectors
            with self.store.write() as db:
                if self.model() != model:  # re-embedded with another model meanwhile
                    return True
                self._catch_up(db, index, model)
                self._switch(db, index, model, len(ids))
            self.clean()
            return True
        finally:
            self._retrain_lock.release()

    def load(self, version: int) -> LoadedIndex:
        return self.files.load(version)

    def clean(self) -> list[Path]:
        """Under the write lock (no build is under way): keep only the current version."""
        with self.store.write():
            return self.files.clean(keep=self.current())
