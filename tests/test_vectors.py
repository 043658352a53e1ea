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


def test_approximate_index_above_threshold_keeps_recall(monkeypatch):
    monkeypatch.setattr(vectors, "APPROXIMATE_ABOVE", 100)
    rng = np.random.default_rng(1)
    data = _unit(rng, 2000, 32)
    index = make_index(np.arange(2000), data, 32)
    assert isinstance(faiss.downcast_index(index.index), faiss.IndexHNSWFlat)
    queries = data[:50] + 0.05 * _unit(rng, 50, 32)
    _, found = index.search(queries.astype(np.float32), 1)
    assert (found[:, 0] == np.arange(50)).mean() >= 0.95


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
