"""Answering questions: one snapshot (the vector version, the rows beside it) and the encoder."""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from index.batching import QueryBatcher, use_threads
from index.search import (
    Answer,
    Weights,
    complete_stats,
    corpus_stats,
    lexical_scores,
    load_features,
    match_terms,
    normalize_question,
    rank,
)
from index.store import Store
from index.vectors import LoadedIndex, VectorVersions


class Searcher:
    """`search(question, k) -> Answer`, safe to share between threads.

    `encoder` is called for the encoder when a question needs it (so browsing never loads
    the model); `prepare` runs once before the first question (e.g. vectors made current).
    Nothing per clause is held in memory but the vector index: the statistics a question
    needs are read with it (index/statistics.py).
    """

    def __init__(
        self,
        store: Store,
        vectors: VectorVersions,
        encoder: Callable[[], object],
        weights: Weights | None = None,
        prepare: Callable[[], None] | None = None,
        threads: int = 1,
    ):
        self.store, self.vectors, self.encoder = store, vectors, encoder
        self.weights = weights or Weights()
        self.threads = threads
        # Questions asked at once are encoded in one batch, on one worker thread.
        self.batcher = QueryBatcher(encoder, threads)
        self._prepare = prepare
        self._loaded: tuple[int | None, LoadedIndex | None] | None = None
        self._lock = threading.Lock()

    def vector_index(self) -> LoadedIndex | None:
        """The current version's vector index, reloaded when the version moves on.

        Call inside a read transaction, so the pointer, the file and the rows agree.
        """
        for _ in range(3):
            version = self.vectors.current()
            with self._lock:
                if self._loaded and self._loaded[0] == version:
                    return self._loaded[1]
                held = self._loaded[1] if self._loaded else None
                self._loaded = None  # a new base is not read while this one is held here too
                try:
                    index = self.vectors.load(version, held) if version else None
                except (FileNotFoundError, RuntimeError):
                    continue  # a writer switched versions under us: read the pointer again
                self._loaded = (version, index)
                return index
        raise RuntimeError("the vector index keeps changing; try again")

    def _answer(self, db, index: LoadedIndex | None, question: str, k: int, signals: str) -> Answer:
        """One question in one snapshot: the keyword side is read while the question is encoded,
        so an answer costs about one encode at any corpus size (issue 11)."""
        stats = corpus_stats(db, question)
        normalized = normalize_question(question, stats)
        if not normalized.text:
            return Answer("", False, [], "empty question")
        pending = None
        if signals != "lexical" and index is not None:
            pending = self.batcher.submit(normalized.dense_text)
        try:
            complete_stats(db, normalized, stats)
            lexical = (
                lexical_scores(db, normalized, 100, stats.document_frequency) if signals != "dense" else {}
            )
            features = load_features(db, lexical, match_terms(normalized))
        finally:  # the vector is always collected, so no request is left behind
            vector = self.batcher.result(pending) if pending is not None else None
        dense = index.search(np.asarray(vector, dtype=np.float32), 100) if vector is not None else []
        return rank(db, normalized, dense, stats, self.weights, k, signals, lexical, features)

    def search(self, question: str, k: int = 5, signals: str = "hybrid") -> Answer:
        """Ranked clauses with quotes, or a decline with suggestions."""
        if self._loaded is None and self._prepare is not None:
            self._prepare()
        use_threads(self.threads)  # this thread's FAISS search (the encoder's are the worker's)
        with self.batcher.expecting():
            return self._search(question, k, signals)

    def _search(self, question: str, k: int, signals: str) -> Answer:
        for attempt in range(4):
            if attempt == 3 and self._prepare is not None:
                self._prepare()  # the current vector file is gone (issue 10): rebuild it, then answer
            # The pointer, its index, the statistics and the ranked rows are read in one
            # snapshot. Read apart, an ingest committing in between gave answers that mixed
            # the old vectors with the new clauses (tests/test_crash_safety.py's reader).
            with self.store.read() as db:
                try:
                    index = self.vector_index()
                except RuntimeError:  # this snapshot's file was already cleaned: take a newer one
                    continue
                return self._answer(db, index, question, k, signals)
        raise RuntimeError("the vector index keeps changing; try again")
