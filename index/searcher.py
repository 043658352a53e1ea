"""Answering questions: one snapshot (vector version + its statistics) and the encoder."""
from __future__ import annotations

import threading
from collections.abc import Callable

from index.search import (Answer, CorpusStats, Weights, corpus_stats, dense_candidates,
                          normalize_question, rank)
from index.store import Store
from index.vectors import LoadedIndex, VectorVersions


class Searcher:
    """`search(question, k) -> Answer`, safe to share between threads.

    `encoder` is called for the encoder when a question needs it (so browsing never loads
    the model); `prepare` runs once before the first snapshot (e.g. vectors made current).
    """

    def __init__(self, store: Store, vectors: VectorVersions, encoder: Callable[[], object],
                 weights: Weights | None = None, prepare: Callable[[], None] | None = None):
        self.store, self.vectors, self.encoder = store, vectors, encoder
        self.weights = weights or Weights()
        self._prepare = prepare
        self._index: LoadedIndex | None = None
        self._stats: tuple[int | None, CorpusStats] | None = None
        self._lock = threading.Lock()

    def snapshot(self) -> tuple[LoadedIndex | None, CorpusStats]:
        """The current vector version and its statistics, reloaded when it moves on.

        Call inside a read transaction, so the pointer, the file and the rows agree.
        """
        for _ in range(3):
            version = self.vectors.current()
            with self._lock:
                if self._stats and self._stats[0] == version:
                    return self._index, self._stats[1]
                try:
                    index = self.vectors.load(version) if version else None
                except (FileNotFoundError, RuntimeError):
                    continue  # a writer switched versions under us: read the pointer again
                rows = list(self.store.db.query(
                    "select c.id, c.text, c.lead, c.partners, "
                    "c.search_text || ' ' || c.accented_text || ' ' || c.heading_text as keywords, "
                    "exists(select 1 from deadlines d where d.clause_id = c.id) as has_deadline "
                    "from clauses c"))
                stats = corpus_stats(rows)
                self._index, self._stats = index, (version, stats)
                return index, stats
        raise RuntimeError("the vector index keeps changing; try again")

    def search(self, question: str, k: int = 5, signals: str = "hybrid") -> Answer:
        """Ranked clauses with quotes, or a decline with suggestions."""
        if self._stats is None and self._prepare is not None:
            self._prepare()
        for attempt in range(4):
            if attempt == 3 and self._prepare is not None:
                self._prepare()  # the current vector file is gone (issue 10): rebuild it, then answer
            # The pointer, its index and statistics, and the ranked rows are read in one
            # snapshot. Read apart, an ingest committing in between gave answers that mixed
            # the old vectors with the new clauses (tests/test_crash_safety.py's reader).
            with self.store.read() as db:
                try:
                    index, stats = self.snapshot()
                except RuntimeError:  # this snapshot's file was already cleaned: take a newer one
                    continue
                normalized = normalize_question(question, stats)
                if not normalized.text:
                    return Answer("", False, [], "empty question")
                dense = [] if signals == "lexical" else dense_candidates(
                    index, self.encoder(), normalized, 100)
                return rank(db, normalized, dense, stats, self.weights, k, signals)
        raise RuntimeError("the vector index keeps changing; try again")
