"""Answering questions: one snapshot (the vector version, the rows beside it) and the encoder."""

from __future__ import annotations

import threading
from collections.abc import Callable

from index.batching import QueryBatcher, use_threads
from index.search import Answer, Weights, dense_candidates, question_stats, rank
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
                try:
                    index = self.vectors.load(version) if version else None
                except (FileNotFoundError, RuntimeError):
                    continue  # a writer switched versions under us: read the pointer again
                self._loaded = (version, index)
                return index
        raise RuntimeError("the vector index keeps changing; try again")

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
                normalized, stats = question_stats(db, question)
                if not normalized.text:
                    return Answer("", False, [], "empty question")
                dense = [] if signals == "lexical" else dense_candidates(index, self.batcher, normalized, 100)
                return rank(db, normalized, dense, stats, self.weights, k, signals)
        raise RuntimeError("the vector index keeps changing; try again")
