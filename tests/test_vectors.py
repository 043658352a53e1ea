"""FAISS index versions: exact and approximate search, atomic files, cleanup."""

from __future__ import annotations

import faiss
import numpy as np

from index import vectors
from index.vectors import VectorFiles, make_index


def _unit(rng, n, dim):
    x = rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_exact_index_returns_clause_ids_by_inner_product(tmp_path):
    rng = np.random.default_rng(0)
    data = _unit(rng, 50, 16)
    ids = np.arange(1000, 1050)
    files = VectorFiles(tmp_path)
    files.write(1, make_index(ids, data, 16))
    loaded = files.load(1)
    hits = loaded.search(data[7], 3)
    assert hits[0][0] == 1007
    assert abs(hits[0][1] - 1.0) < 1e-5
    assert [h[1] for h in hits] == sorted((h[1] for h in hits), reverse=True)


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
    files.write(1, make_index(ids, data, dim))
    index = files.load(1).index  # nprobe must survive write + load
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


def test_empty_index_answers_nothing(tmp_path):
    files = VectorFiles(tmp_path)
    files.write(1, make_index(np.zeros(0, dtype=np.int64), np.zeros((0, 8), np.float32), 8))
    assert files.load(1).search(np.ones(8, np.float32), 5) == []


def test_clean_keeps_current_and_drops_leftovers(tmp_path):
    files = VectorFiles(tmp_path)
    rng = np.random.default_rng(2)
    for version in (1, 2, 3):
        files.write(version, make_index(np.arange(4), _unit(rng, 4, 8), 8))
    (tmp_path / "v4.faiss.123.tmp").write_bytes(b"half a build")
    removed = files.clean(keep=2)
    assert files.versions() == [2]
    assert {p.name for p in removed} == {"v1.faiss", "v3.faiss", "v4.faiss.123.tmp"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v2.faiss"]


def _held(library) -> set[int]:
    index = library.vectors.load(library.vectors.current()).index  # alive while its ids are read
    return set(faiss.vector_to_array(index.id_map).tolist())


def test_an_ingest_adds_its_vectors_and_a_grown_corpus_is_retrained_outside_the_write_lock(
    fake_library, tmp_path, monkeypatch
):
    from tests.test_library import OTHER_PLAN

    fake_library.ensure_bundled()
    bundled = {c.id for c in fake_library.clauses()}
    assert _held(fake_library) == bundled
    trained = fake_library.vectors.trained_on()
    assert trained == len(bundled)
    # the next plan is added to the trained index: nothing is re-read or re-trained
    reads = []
    monkeypatch.setattr(vectors, "make_index", lambda *a: reads.append(a) or make_index(*a))
    other = tmp_path / "45.txt"
    other.write_text(OTHER_PLAN, encoding="utf-8")
    fake_library.ingest(other)
    assert not reads and fake_library.vectors.trained_on() == trained
    assert _held(fake_library) == {c.id for c in fake_library.clauses()}
    assert fake_library.remove("45/KH-UBND") and _held(fake_library) == bundled and not reads

    # past the exact-search size the next ingest leaves a retrain to a thread; the write
    # lock is free while it trains
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
    fake_library.ingest(other)
    fake_library._retrainer.join()
    assert trained_while == [True]  # trained without holding the write lock
    index = fake_library.vectors.load(fake_library.vectors.current()).index
    assert faiss.try_extract_index_ivf(index) is not None
    assert _held(fake_library) == {c.id for c in fake_library.clauses()}
    assert fake_library.vectors.trained_on() == len(fake_library.clauses())
    assert sorted(p.name for p in fake_library.settings.vectors_dir.iterdir()) == [
        f"v{fake_library.vectors.current()}.faiss"
    ]
    assert fake_library.ask("homestay cộng đồng").hits[0].clause.plan == "45/KH-UBND"
