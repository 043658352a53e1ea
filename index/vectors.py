"""FAISS indexes of clause vectors, written as numbered versions: a base and a delta.

Version N is a base index (`{base}.faiss`, with its clause ids in `{base}.ids.npy`) and,
unless N wrote that base itself, the delta `v{N}.delta.npz`: the vectors of the clauses added
since the base and the ids of those removed. An ingest writes only a new delta (its cost
follows the delta, not the corpus: rewriting a 1.2 GB base took 5.4 s at 793k clauses), and
a reader keeps the base it holds and reads the small delta. When the delta has grown past
DELTA_MAX, or the corpus outgrew the base's training, a new base is made in the background,
outside the write lock (`VectorVersions.maintain`).

Files are written through a temp file and a rename before the store's meta rows switch to N,
in the same transaction that commits the clauses: a reader loads either the old whole version
or the new one; startup deletes whatever a killed build left.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
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


# A delta past this many vectors (added or removed since the base) is merged into a new base in
# the background. Sized so that an ingest's delta write and a question's exact search of it
# stay a few milliseconds at any corpus size (20k × 384 floats: 31 MB, ~3 ms a question).
DELTA_MAX = 20_000


def _own_base(version: int) -> str:
    """The base a version wrote itself: it has no delta (nor has a version written before deltas)."""
    return f"v{version}"


def _sorted_ids(values) -> np.ndarray:
    return np.sort(np.asarray(values, dtype=np.int64))


@dataclass
class Delta:
    """What version N changed since its base: vectors added, clause ids removed."""

    ids: np.ndarray  # int64, sorted
    vectors: np.ndarray  # float32, one row per id
    removed: np.ndarray  # int64, sorted

    @property
    def size(self) -> int:
        return len(self.ids) + len(self.removed)


class LoadedIndex:
    """One version as a reader searches it: the base without the removed ids, plus the delta."""

    def __init__(self, version: int, base_name: str, base: faiss.Index, delta: Delta | None = None):
        self.version, self.base_name, self.base = version, base_name, base
        self.delta = delta
        self.added: faiss.Index | None = None
        self._params = None
        if delta is not None and len(delta.ids):
            self.added = faiss.IndexIDMap2(faiss.IndexFlatIP(delta.vectors.shape[1]))
            self.added.add_with_ids(np.ascontiguousarray(delta.vectors), delta.ids)
        if delta is not None and len(delta.removed):
            # kept on self: the parameters hold the selector by pointer only
            self._selector = faiss.IDSelectorBatch(delta.removed)
            self._not_removed = faiss.IDSelectorNot(self._selector)
            ivf = faiss.try_extract_index_ivf(base)
            if ivf is not None:
                self._params = faiss.SearchParametersIVF(sel=self._not_removed, nprobe=ivf.nprobe)
            else:
                self._params = faiss.SearchParameters(sel=self._not_removed)

    @property
    def ntotal(self) -> int:
        removed = len(self.delta.removed) if self.delta is not None else 0
        return self.base.ntotal - removed + (self.added.ntotal if self.added is not None else 0)

    def ids(self) -> np.ndarray:
        """The clause ids this version holds, sorted."""
        held = _ids_of(self.base)
        if self.delta is not None:
            held = np.union1d(np.setdiff1d(held, self.delta.removed), self.delta.ids)
        return np.sort(held)

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        query = np.asarray(vector, dtype=np.float32).reshape(1, -1)
        found: list[tuple[int, float]] = []
        for index, params in ((self.base, self._params), (self.added, None)):
            if index is None or index.ntotal == 0:
                continue
            scores, ids = index.search(query, min(k, index.ntotal), params=params)
            found += [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]
        return sorted(found, key=lambda hit: -hit[1])[:k]


_PENDING = ".pending"  # a base made in the background, not yet adopted


class VectorFiles:
    """The folder of base indexes, their id lists and the versions' deltas."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def base_path(self, name: str) -> Path:
        return self.directory / f"{name}.faiss"

    def ids_path(self, name: str) -> Path:
        return self.directory / f"{name}.ids.npy"

    def delta_path(self, version: int) -> Path:
        return self.directory / f"v{version}.delta.npz"

    def _put(self, final: Path, write: Callable[[Path], None]) -> Path:
        """Written under a temp name, synced, then renamed: a reader never sees half a file."""
        tmp = final.with_name(f"{final.name}.{os.getpid()}.tmp")
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, final)
        return final

    def write_base(self, name: str, index: faiss.Index, pending: bool = False) -> None:
        """The index and its sorted ids; a pending base is renamed in place by `adopt`."""
        suffix = _PENDING if pending else ""
        ids = _sorted_ids(_ids_of(index))
        self._put(Path(f"{self.ids_path(name)}{suffix}"), lambda tmp: _save_array(tmp, ids))
        self._put(Path(f"{self.base_path(name)}{suffix}"), lambda tmp: faiss.write_index(index, str(tmp)))

    def adopt(self, name: str) -> None:
        """A pending base under its final name (FileNotFoundError if a restart cleaned it)."""
        for path in (self.ids_path(name), self.base_path(name)):
            os.replace(f"{path}{_PENDING}", path)

    def write_delta(self, version: int, delta: Delta) -> None:
        def write(tmp: Path) -> None:
            with open(tmp, "wb") as fh:
                np.savez(fh, ids=delta.ids, vectors=delta.vectors, removed=delta.removed)

        self._put(self.delta_path(version), write)

    def load_base(self, name: str) -> faiss.Index:
        return faiss.read_index(str(self.base_path(name)))

    def base_ids(self, name: str) -> np.ndarray:
        """The base's clause ids, sorted; for a base written before id files, read off the index."""
        path = self.ids_path(name)
        if not path.exists():
            ids = _sorted_ids(_ids_of(self.load_base(name)))
            self._put(path, lambda tmp: _save_array(tmp, ids))
            return ids
        return np.load(path)

    def load_delta(self, version: int) -> Delta:
        with np.load(self.delta_path(version)) as saved:
            return Delta(saved["ids"], saved["vectors"], saved["removed"])

    def names(self) -> list[str]:
        return sorted(entry.name for entry in self.directory.iterdir())

    def clean(self, keep: set[str], pending_too: bool = False) -> list[Path]:
        """Delete temp files and every file not in `keep` (what a killed build left); a pending
        base only at startup, since another thread may be about to adopt it."""
        removed = []
        for entry in self.directory.iterdir():
            if entry.name in keep or (entry.name.endswith(_PENDING) and not pending_too):
                continue
            try:
                entry.unlink()
                removed.append(entry)
            except FileNotFoundError:
                pass
        return removed


def _save_array(path: Path, values: np.ndarray) -> None:
    with open(path, "wb") as fh:
        np.save(fh, values)


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


def clause_ids(db) -> np.ndarray:
    """Every clause id, sorted. One string from SQLite, parsed and sorted in C: a Python row per
    clause cost 0.2 s at 100k, and asking SQLite for rowid order read the whole table (0.16 s)
    where the plan_id index covers the ids (10 ms)."""
    listed = db.execute("select group_concat(id) from clauses").fetchone()[0]
    return np.sort(np.fromstring(listed, dtype=np.int64, sep=",")) if listed else np.zeros(0, dtype=np.int64)


def _vectors_of(db, model: str, ids: np.ndarray, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """(ids, vectors) of these clauses from the embedding cache, in id order."""
    found_ids, found = [np.zeros(0, dtype=np.int64)], [np.zeros((0, dim), dtype=np.float32)]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500].tolist()
        marks = ",".join("?" * len(chunk))
        got_ids, vectors = clause_vectors(db, model, f"c.id in ({marks})", chunk)
        if len(got_ids):
            found_ids.append(got_ids)
            found.append(vectors.reshape(len(got_ids), -1))
    return np.concatenate(found_ids), np.concatenate(found)


class VectorVersions:
    """Which vector version is current (the store's meta rows) and its files.

    `build` runs inside the caller's write transaction, so the pointer moves in the same
    commit as the clauses it indexes; `clean` runs after that commit. A build writes the rows'
    delta against the current base, never the base itself, or a whole base when there is none
    for this model. `maintain` makes the next base outside the write lock.
    """

    def __init__(self, store, directory: Path):
        self.store = store
        self.files = VectorFiles(directory)
        self._maintain_lock = threading.Lock()

    def current(self) -> int | None:
        value = self.store.get_meta("vector_version")
        return int(value) if value else None

    def model(self) -> str | None:
        return self.store.get_meta("embed_model")

    def trained_on(self) -> int:
        return int(self.store.get_meta("vector_trained_on") or 0)

    def base(self) -> str | None:
        """The current version's base; a version written before deltas is its own."""
        version = self.current()
        return None if version is None else self._base_of(version)

    def _base_of(self, version: int) -> str:
        return self.store.get_meta("vector_base") or _own_base(version)

    def in_use(self) -> set[str]:
        """The names of the current version's files."""
        version, base = self.current(), self.base()
        if version is None:
            return set()
        names = {f"{base}.faiss", f"{base}.ids.npy"}
        if base != _own_base(version):
            names.add(self.files.delta_path(version).name)
        return names

    def is_fresh(self, model: str) -> bool:
        """The current version's files exist and hold this model's vectors."""
        if self.current() is None or self.model() != model:
            return False
        return all((self.files.directory / n).exists() for n in self.in_use() if not n.endswith(".ids.npy"))

    def load(self, version: int, held: LoadedIndex | None = None) -> LoadedIndex:
        """Version `version` (read its pointer in the same read transaction); the base of `held`
        is reused when it is this version's too, so a reader reads only the new delta."""
        base = self._base_of(version)
        index = held.base if held is not None and held.base_name == base else self.files.load_base(base)
        delta = self.files.load_delta(version) if base != _own_base(version) else None
        return LoadedIndex(version, base, index, delta)

    def build(self, db, model: str, dim) -> int:
        """Write the next version and point at it: the rows' delta against the current base."""
        version = (self.current() or 0) + 1
        base = self.base()
        if self.model() == model and base is not None and self.files.base_path(base).exists():
            delta = self._delta(db, model, base, self._current_delta())
            self.files.write_delta(version, delta)
            self._switch(db, version, model, base, self.trained_on(), delta.size)
            return version
        ids, vectors = clause_vectors(db, model)
        dim = vectors.shape[1] if len(ids) else dim()  # a callable: loads no model unless needed
        self.files.write_base(_own_base(version), make_index(ids, vectors.reshape(-1, dim), dim))
        self._switch(db, version, model, _own_base(version), len(ids), 0)
        return version

    def _current_delta(self) -> Delta | None:
        version, base = self.current(), self.base()
        if version is None or base == _own_base(version) or not self.files.delta_path(version).exists():
            return None
        return self.files.load_delta(version)

    def _delta(self, db, model: str, base: str, previous: Delta | None) -> Delta:
        """The rows against the base: clauses new since (their vectors from the previous delta
        where it has them, else from the cache) and clauses gone since."""
        now, held = clause_ids(db), self.files.base_ids(base)
        added = np.setdiff1d(now, held, assume_unique=True)
        removed = np.setdiff1d(held, now, assume_unique=True)
        dim = self._dim(db, model)
        ids, vectors = np.zeros(0, dtype=np.int64), np.zeros((0, dim), dtype=np.float32)
        if previous is not None and len(previous.ids):  # ids are never reused: still the same text
            kept = np.isin(previous.ids, added, assume_unique=True)
            ids, vectors = previous.ids[kept], previous.vectors[kept]
        read_ids, read = _vectors_of(db, model, np.setdiff1d(added, ids, assume_unique=True), dim)
        ids, vectors = np.concatenate([ids, read_ids]), np.concatenate([vectors, read])
        order = np.argsort(ids, kind="stable")
        return Delta(ids[order], np.ascontiguousarray(vectors[order], dtype=np.float32), removed)

    def _dim(self, db, model: str) -> int:
        """The model's vector size: as stored beside it (`_switch`), else read off its vectors."""
        value = self.store.get_meta("vector_dim")
        if value and self.model() == model:  # another model's size would not fit its vectors
            return int(value)
        row = db.execute("select vector from embeddings where model = ? limit 1", [model]).fetchone()
        return len(row[0]) // 4 if row else 0

    def _switch(self, db, version: int, model: str, base: str, trained: int, delta_size: int) -> None:
        rows = {
            "vector_version": version,
            "embed_model": model,
            "vector_base": base,
            "vector_trained_on": trained,
            "vector_delta_size": delta_size,
            "vector_dim": self._dim(db, model) or "",
        }
        db["meta"].upsert_all([{"key": k, "value": str(v)} for k, v in rows.items()], pk="key")

    def maintenance_due(self) -> bool:
        """The delta outgrew DELTA_MAX, or the corpus outgrew the base's training."""
        if self.current() is None:
            return False
        if int(self.store.get_meta("vector_delta_size") or 0) > DELTA_MAX:
            return True
        return not _still_fits(int(self.store.get_meta("clause_count") or 0), self.trained_on())

    def maintain(self) -> bool:
        """Make the next base from one snapshot, outside the write lock: re-trained on every
        vector when the corpus outgrew the base, else the base with the delta merged in. Then,
        in a short write transaction, adopt it with the delta of what changed meanwhile.
        Returns False when another maintenance was already running or the files moved."""
        if not self._maintain_lock.acquire(blocking=False):
            return False
        try:
            return self._maintain()
        except (FileNotFoundError, RuntimeError):  # another process made a base meanwhile
            return False
        finally:
            self._maintain_lock.release()

    def _maintain(self) -> bool:
        with self.store.read() as db:
            model, version, base = self.model(), self.current(), self.base()
            if model is None or version is None:
                return True
            trained = self.trained_on()
            if not _still_fits(int(self.store.get_meta("clause_count") or 0), trained):
                ids, vectors = clause_vectors(db, model)
                if not len(ids):
                    return True
                index, trained = make_index(ids, vectors, vectors.shape[1]), len(ids)
                del vectors
            else:
                index = self.files.load_base(base)
                if base != _own_base(version):
                    delta = self.files.load_delta(version)
                    if len(delta.removed):
                        index.remove_ids(faiss.IDSelectorBatch(delta.removed))
                    if len(delta.ids):
                        index.add_with_ids(delta.vectors, delta.ids)
                ivf = faiss.try_extract_index_ivf(index)
                if ivf is not None:
                    ivf.nprobe = _ivf_probes(index.ntotal, ivf.nlist)
        name = f"b{version}-{os.getpid()}-{time.monotonic_ns()}"
        self.files.write_base(name, index, pending=True)
        del index
        with self.store.write() as db:
            if self.model() != model:  # re-embedded with another model meanwhile
                self.files.clean(self.in_use(), pending_too=True)
                return True
            self.files.adopt(name)
            version = (self.current() or 0) + 1
            delta = self._delta(db, model, name, None)
            self.files.write_delta(version, delta)
            self._switch(db, version, model, name, trained, delta.size)
        self.clean()
        return True

    def clean(self, at_start: bool = False) -> list[Path]:
        """Under the write lock (no build is under way): keep only the current version's files;
        at startup, a base a killed maintenance left pending too."""
        with self.store.write():
            return self.files.clean(keep=self.in_use(), pending_too=at_start)
