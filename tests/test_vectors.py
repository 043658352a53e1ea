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
    centres = _unit(rng, 80, dim)          # clustered, like clause embeddings
    data = centres[rng.integers(0, 80, n)] + 0.1 * rng.standard_normal((n, dim)).astype(np.float32)
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    ids = np.arange(5000, 5000 + n)
    files = VectorFiles(tmp_path)
    files.write(1, make_index(ids, data, dim))
    index = files.load(1).index             # nprobe must survive write + load
    ivf = faiss.extract_index_ivf(index)
    assert isinstance(faiss.downcast_index(index.index), faiss.IndexIVFFlat)
    assert 1 < ivf.nprobe < ivf.nlist       # really approximate: not every cell is scanned
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
