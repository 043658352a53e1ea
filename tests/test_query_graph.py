"""The traced query graph (index/query_graph.py) on the real model: same vectors as eager
encoding, long batches and documents left to eager, and any failure falls back to eager."""

from __future__ import annotations

import logging

import numpy as np
import pytest

import index.query_graph as query_graph
from index.query_graph import QueryGraph
from tests.conftest import read_jsonl

ASKED = [
    "Sở Xây dựng phải làm gì, hạn khi nào?",
    "so nao cap giay phep xay dung",
    "Which office handles business registration?",
    "hạn",
]


@pytest.fixture(scope="module")
def embedder(library):
    return library.embedder


@pytest.fixture(scope="module")
def questions(eval_dir) -> list[str]:
    asked = [row["q"] for row in read_jsonl(eval_dir / "dev_questions.jsonl")]
    asked += [row["q"] for row in read_jsonl(eval_dir / "dev_user_questions.jsonl")]
    return ASKED + asked


def eager(embedder, texts: list[str], kind: str = "query") -> np.ndarray:
    return embedder.model.encode(
        texts,
        prompt_name=kind,
        convert_to_numpy=True,
        normalize_embeddings=True,
        show_progress_bar=False,
    )


@pytest.mark.parametrize("size", [1, 3, 32])
def test_questions_through_the_graph_match_eager_encoding(embedder, questions, size):
    texts = questions[:size]
    graphed = embedder.embed_batch(texts, "query")
    assert embedder.query_graph.active
    assert graphed.dtype == np.float32 and graphed.shape == (size, embedder.dim)
    np.testing.assert_allclose(graphed, eager(embedder, texts), atol=1e-5)
    # each row is the question's own vector, whatever it was batched with
    np.testing.assert_allclose(graphed[-1], embedder.embed_batch(texts[-1:], "query")[0], atol=1e-5)


def test_batches_too_long_for_the_graph_are_encoded_eagerly(embedder, questions):
    long = [" ".join(questions) for _ in range(5)]  # 5 × 512 tokens, past MAX_GRAPH_TOKENS
    assert QueryGraph(embedder.model).encode(long, "query: ") is None
    np.testing.assert_allclose(embedder.embed_batch(long, "query"), eager(embedder, long), atol=1e-5)


def test_documents_never_go_through_the_graph(embedder, questions, monkeypatch):
    def refuse(*args):
        raise AssertionError("a document batch reached the query graph")

    monkeypatch.setattr(embedder.query_graph, "encode", refuse)
    texts = questions[:3]
    np.testing.assert_allclose(
        embedder.embed_batch(texts, "document"), eager(embedder, texts, "document"), atol=1e-5
    )


def test_a_graph_that_cannot_be_traced_leaves_questions_eager(embedder, monkeypatch, caplog):
    attempts = []

    def broken(model, example):
        attempts.append(example)
        raise RuntimeError("tracer refused the model")

    monkeypatch.setattr(query_graph, "_trace", broken)
    graph = QueryGraph(embedder.model)
    with caplog.at_level(logging.WARNING, logger="index.query_graph"):
        assert graph.encode(ASKED[:2], "query: ") is None
        assert graph.encode(ASKED[:2], "query: ") is None
    assert not graph.active and len(attempts) == 1  # tried once, not on every question
    assert "tracer refused the model" in caplog.text


def test_a_graph_that_disagrees_with_eager_encoding_is_dropped(embedder, monkeypatch, caplog):
    import torch

    def wrong(model, example):
        return lambda ids, mask: torch.rand(ids.shape[0], ids.shape[1], embedder.dim)

    monkeypatch.setattr(query_graph, "_trace", wrong)
    graph = QueryGraph(embedder.model)
    with caplog.at_level(logging.WARNING, logger="index.query_graph"):
        assert graph.encode(ASKED[:2], "query: ") is None
    assert not graph.active
    assert "differs from eager encoding" in caplog.text
