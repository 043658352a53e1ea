"""FAISS index versions: exact and approximate search, bases and deltas, atomic files, cleanup."""

from __future__ import annotations

import sqlite3

import faiss
import numpy as np
import pytest

from index import vectors
from index.embeddings import clause_vectors
from index.vectors import Delta, LoadedIndex, VectorFiles, make_index
from tests.test_library import OTHER_PLAN


def _unit(rng, n, dim):
    x = rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_exact_index_returns_clause_ids_by_inner_product(tmp_path):
    rng = np.random.default_rng(0)
    data = _unit(rng, 50, 16)
    ids = np.arange(1000, 1050)
    files = VectorFiles(tmp_path)
    files.write_base("v1", make_index(ids, data, 16))
    loaded = LoadedIndex(1, "v1", files.load_base("v1"))
    hits = loaded.search(data[7], 3)
    assert hits[0][0] == 1007
    assert abs(hits[0][1] - 1.0) < 1e-5
    assert [h[1] for h in hits] == sorted((h[1] for h in hits), reverse=True)
    assert files.base_ids("v1").tolist() == ids.tolist()


def test_approximate_index_above_threshold_keeps_recall(monkeypatch, tmp_path):
    monkeypatch.setattr(vectors, "APPROXIMATE_ABOVE", 100)
    monkeypatch.setattr(vectors, "IVF_MIN_SCANNED", 1000)  # scaled down with the corpus
    rng = np.random.default_rng(1)
    dim, n = 32, 4000
    centres = _unit(rng, 80, dim)  # clustered, like clause embeddings
    data = centres[rng.integers(0, 80, n)] + 0.1 * rng.standard_normal((n, dim)).astype(np.float32)
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    ids = np.arange(5000, 5000 + n)
    files = VectorFiles(tmp_path)
    files.write_base("v1", make_index(ids, data, dim))
    index = files.load_base("v1")  # nprobe must survive write + load
    ivf = faiss.extract_index_ivf(index)
    assert isinstance(faiss.downcast_index(index.index), faiss.IndexIVFFlat)
    assert 1 < ivf.nprobe < ivf.nlist  # really approximate: not every cell is scanned
    queries = data[:100] + 0.05 * rng.standard_normal((100, dim)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    exact = faiss.IndexFlatIP(dim)
    exact.add(data)
    _, truth = exact.search(queries, 10)
    _, found = index.search(queries, 10)
    recall = np.mean([len(set(f) & set(t + 5000)) / 10 for f, t in zip(found, truth)])
    assert recall >= 0.95


@pytest.mark.parametrize("approximate", [False, True])
def test_a_version_searches_its_base_without_the_removed_plus_its_delta(monkeypatch, approximate):
    """What a reader finds in base + delta is what an exact search of the live clauses finds."""
    if approximate:
        monkeypatch.setattr(vectors, "APPROXIMATE_ABOVE", 100)
        monkeypatch.setattr(vectors, "IVF_MIN_SCANNED", 10**6)  # every cell: exact, to compare
    rng = np.random.default_rng(3)
    dim = 24
    base_vectors, added = _unit(rng, 600, dim), _unit(rng, 40, dim)
    base_ids, added_ids = np.arange(1, 601), np.arange(601, 641)
    removed = np.sort(rng.choice(base_ids, 150, replace=False))
    delta = Delta(added_ids, added, removed)
    loaded = LoadedIndex(2, "v1", make_index(base_ids, base_vectors, dim), delta)
    live = np.isin(base_ids, removed, invert=True)
    everything = np.concatenate([base_vectors[live], added])
    everything_ids = np.concatenate([base_ids[live], added_ids])
    assert loaded.ntotal == len(everything_ids) and loaded.ids().tolist() == sorted(everything_ids.tolist())
    for query in _unit(rng, 30, dim):
        truth = everything_ids[np.argsort(-(everything @ query), kind="stable")[:10]]
        found = [i for i, _ in loaded.search(query, 10)]
        assert set(found).isdisjoint(removed.tolist())
        assert found == truth.tolist()


def test_empty_index_answers_nothing(tmp_path):
    files = VectorFiles(tmp_path)
    files.write_base("v1", make_index(np.zeros(0, dtype=np.int64), np.zeros((0, 8), np.float32), 8))
    assert LoadedIndex(1, "v1", files.load_base("v1")).search(np.ones(8, np.float32), 5) == []


def test_clean_keeps_what_is_in_use_and_a_pending_base_until_startup(tmp_path):
    files = VectorFiles(tmp_path)
    rng = np.random.default_rng(2)
    for name in ("v1", "v2", "v3"):
        files.write_base(name, make_index(np.arange(4), _unit(rng, 4, 8), 8))
    files.write_base("b3-1-1", make_index(np.arange(4), _unit(rng, 4, 8), 8), pending=True)
    (tmp_path / "v4.delta.npz.123.tmp").write_bytes(b"half a build")
    keep = {"v2.faiss", "v2.ids.npy"}
    removed = files.clean(keep)
    assert {p.name for p in removed} == {
        "v1.faiss",
        "v1.ids.npy",
        "v3.faiss",
        "v3.ids.npy",
        "v4.delta.npz.123.tmp",
    }
    assert files.names() == ["b3-1-1.faiss.pending", "b3-1-1.ids.npy.pending", "v2.faiss", "v2.ids.npy"]
    files.clean(keep, pending_too=True)
    assert files.names() == ["v2.faiss", "v2.ids.npy"]


# -- on the library -------------------------------------------------------------------------------
def _held(library) -> set[int]:
    return set(library.vectors.load(library.vectors.current()).ids().tolist())


def _clause_ids(library) -> set[int]:
    return {c.id for c in library.clauses()}


def _stale(library) -> list[int]:
    """Clauses whose vector in the current version is not their own cached embedding."""
    loaded = library.vectors.load(library.vectors.current())
    ids, wanted = clause_vectors(library.store.db, library.vectors.model())
    by_id = {int(i): v for i, v in zip(ids, wanted)}
    for index in (loaded.base, loaded.added):
        if index is None:
            continue
        for i in vectors._ids_of(index).tolist():
            if i in by_id and not np.allclose(index.reconstruct(i), by_id[i], atol=1e-5):
                yield i


def _other_plan(tmp_path, text=OTHER_PLAN):
    path = tmp_path / "45.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_ingest_writes_a_delta_and_leaves_the_base_alone(fake_library, tmp_path, monkeypatch):
    fake_library.ensure_bundled()
    bundled = _clause_ids(fake_library)
    base = fake_library.vectors.base()
    base_file = fake_library.vectors.files.base_path(base)
    written = base_file.stat().st_mtime_ns, base_file.stat().st_ino
    assert _held(fake_library) == bundled and fake_library.vectors.trained_on() == len(bundled)
    reader_base = fake_library.searcher.vector_index().base
    made = []
    monkeypatch.setattr(vectors, "make_index", lambda *a: made.append(a) or make_index(*a))
    fake_library.ingest(_other_plan(tmp_path))
    version = fake_library.vectors.current()
    assert (
        fake_library.vectors.base() == base
        and (base_file.stat().st_mtime_ns, base_file.stat().st_ino) == written
    )
    assert fake_library.vectors.in_use() == {f"{base}.faiss", f"{base}.ids.npy", f"v{version}.delta.npz"}
    assert fake_library.vectors.files.names() == sorted(fake_library.vectors.in_use())
    assert _held(fake_library) == _clause_ids(fake_library) and not made
    # the reader reads the new delta and keeps the base it holds
    assert fake_library.searcher.vector_index().base is reader_base
    assert fake_library.ask("homestay cộng đồng").hits[0].clause.plan == "45/KH-UBND"
    assert fake_library.remove("45/KH-UBND") and _held(fake_library) == bundled and not made
    assert all(h.clause.plan == "629/KH-UBND" for h in fake_library.ask("homestay du thuyền").hits)


def test_replacing_the_newest_plan_never_serves_the_old_clauses_vectors(fake_library, tmp_path):
    """New clauses took the ids of the replaced newest plan's, and the index, brought up to date
    by id, kept the old vectors under them."""
    fake_library.ensure_bundled()
    path = _other_plan(tmp_path)
    fake_library.ingest(path)
    before = _clause_ids(fake_library)
    new = OTHER_PLAN.replace("homestay cộng đồng", "nhà nghỉ ven biển").replace(
        "bến cảng du thuyền", "đường ven sông"
    )
    fake_library.ingest(_other_plan(tmp_path, new), replace=True)
    assert not (_clause_ids(fake_library) - before) & before  # no id came back
    assert _held(fake_library) == _clause_ids(fake_library)
    assert list(_stale(fake_library)) == []
    assert fake_library.ask("nhà nghỉ ven biển").hits[0].clause.plan == "45/KH-UBND"


def test_a_delta_past_its_limit_is_merged_into_a_new_base_outside_the_write_lock(
    fake_library, tmp_path, monkeypatch
):
    fake_library.ensure_bundled()
    monkeypatch.setattr(vectors, "DELTA_MAX", 1)
    old_base = fake_library.vectors.base()
    locked_while = []
    real_write = VectorFiles.write_base

    def write_while_watching(self, name, index, pending=False):
        acquired = fake_library.store._write_lock.acquire(blocking=False)
        locked_while.append((pending, not acquired))
        if acquired:
            fake_library.store._write_lock.release()
        return real_write(self, name, index, pending)

    monkeypatch.setattr(VectorFiles, "write_base", write_while_watching)
    fake_library.ingest(_other_plan(tmp_path))
    fake_library._maintainer.join()
    assert locked_while == [(True, False)]  # a pending base, written without the write lock
    new_base = fake_library.vectors.base()
    assert new_base != old_base and new_base.startswith("b")
    assert fake_library.vectors.load(fake_library.vectors.current()).delta.size == 0
    assert _held(fake_library) == _clause_ids(fake_library) and list(_stale(fake_library)) == []
    assert fake_library.vectors.files.names() == sorted(fake_library.vectors.in_use())
    assert fake_library.ask("homestay cộng đồng").hits[0].clause.plan == "45/KH-UBND"


def test_a_grown_corpus_is_retrained_outside_the_write_lock(fake_library, tmp_path, monkeypatch):
    fake_library.ensure_bundled()
    bundled = _clause_ids(fake_library)
    # past the exact-search size the next ingest leaves a re-training to a thread
    monkeypatch.setattr(vectors, "APPROXIMATE_ABOVE", len(bundled) + 1)
    trained_while = []
    real_make = make_index

    def make_while_watching(*args):
        acquired = fake_library.store._write_lock.acquire(blocking=False)
        trained_while.append(acquired)
        if acquired:
            fake_library.store._write_lock.release()
        return real_make(*args)

    monkeypatch.setattr(vectors, "make_index", make_while_watching)
    fake_library.ingest(_other_plan(tmp_path))
    fake_library._maintainer.join()
    assert trained_while == [True]  # trained without holding the write lock
    loaded = fake_library.vectors.load(fake_library.vectors.current())
    assert faiss.try_extract_index_ivf(loaded.base) is not None
    assert _held(fake_library) == _clause_ids(fake_library)
    assert fake_library.vectors.trained_on() == len(_clause_ids(fake_library))
    assert fake_library.vectors.files.names() == sorted(fake_library.vectors.in_use())
    assert fake_library.ask("homestay cộng đồng").hits[0].clause.plan == "45/KH-UBND"


def test_a_data_dir_of_whole_version_files_opens_and_takes_deltas(fake_library, tmp_path):
    """Data dirs written before bases and deltas: one `v{N}.faiss`, no id list, no base row."""
    fake_library.ensure_bundled()
    settings, embedder = fake_library.settings, fake_library.embedder
    version, base = fake_library.vectors.current(), fake_library.vectors.base()
    fake_library.close()
    vectors_dir = settings.vectors_dir
    (vectors_dir / f"{base}.faiss").rename(vectors_dir / f"v{version}.faiss")
    (vectors_dir / f"{base}.ids.npy").unlink()
    db = sqlite3.connect(settings.db_path)
    db.execute("delete from meta where key in ('vector_base', 'vector_dim', 'vector_delta_size')")
    db.commit()
    db.close()
    from planbot.library import Planbot

    old = Planbot.open(settings, embedder=embedder)
    try:
        assert old.vectors.in_use() == {f"v{version}.faiss", f"v{version}.ids.npy"}
        assert old.ask("Sở Xây dựng có nhiệm vụ gì?").hits[0].clause.lead == ["Sở Xây dựng"]
        old.ingest(_other_plan(tmp_path))
        assert old.vectors.base() == f"v{version}"
        assert _held(old) == _clause_ids(old) and list(_stale(old)) == []
        assert old.ask("homestay cộng đồng").hits[0].clause.plan == "45/KH-UBND"
    finally:
        old.close()
