"""One encoder worker: questions asked at the same time are encoded together, in one batch.

A question encoded alone costs ~28 ms on one thread; in a batch of 32, ~15 ms each. The
worker takes the first question waiting and, while other questions are on their way (their
searches started but have not reached the encoder yet), gathers them for a few ms more. A
question asked alone never waits.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

_configured = threading.local()


def use_threads(count: int) -> None:
    """Torch and FAISS thread counts for the calling thread (both are per thread: the
    bot's worker threads ran torch with 2 each though the constructor had set 1).

    Torch is set once it is imported (an encoder loaded in this thread later is caught by
    the next call); importing it here would cost seconds where nothing encodes.
    """
    done = getattr(_configured, "done", None)
    if done == (count, True):
        return
    if done is None or done[0] != count:
        import faiss

        faiss.omp_set_num_threads(count)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(count)
    _configured.done = (count, torch is not None)


@dataclass
class _Request:
    text: str
    done: threading.Event = field(default_factory=threading.Event)
    vector: np.ndarray | None = None
    error: BaseException | None = None


class QueryBatcher:
    """`embed_batch(texts, "query")` through one worker thread that batches concurrent calls."""

    def __init__(
        self,
        embedder: Callable[[], object],
        threads: int = 1,
        gather_seconds: float = 0.004,
        max_batch: int = 32,
    ):
        self._embedder = embedder
        self.threads, self.gather_seconds, self.max_batch = threads, gather_seconds, max_batch
        self._queue: queue.Queue[_Request] = queue.Queue()
        self._coming = 0  # questions whose search started and has not reached the encoder
        self._lock = threading.Lock()
        self._local = threading.local()
        self._worker: threading.Thread | None = None
        self.batches: list[int] = []  # sizes of the last batches (the load benchmark reads them)

    @contextmanager
    def expecting(self) -> Iterator[None]:
        """Around a search that may encode its question: the worker may wait for it."""
        with self._lock:
            self._coming += 1
        self._local.expected = True
        try:
            yield
        finally:
            self._arrived()

    def _arrived(self) -> None:
        """This thread's question reached the encoder (or its search ended without it)."""
        if getattr(self._local, "expected", False):
            self._local.expected = False
            with self._lock:
                self._coming -= 1

    def embed_batch(self, texts: list[str], kind: str) -> np.ndarray:
        if kind != "query" or not texts:
            return self._embedder().embed_batch(texts, kind)
        requests = [self.submit(t) for t in texts]
        return np.stack([self.result(r) for r in requests])

    def submit(self, text: str) -> _Request:
        """Hand one question to the encoder and return at once: the caller does its keyword
        search while the question is encoded (torch leaves the interpreter lock meanwhile)."""
        request = _Request(text)
        self._start()
        self._queue.put(request)
        self._arrived()
        return request

    @staticmethod
    def result(request: _Request) -> np.ndarray:
        """The submitted question's vector, once encoded."""
        request.done.wait()
        if request.error is not None:
            raise request.error
        return request.vector

    def _start(self) -> None:
        with self._lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._run, name="query-encoder", daemon=True)
                self._worker.start()

    def _gather(self, first: _Request) -> list[_Request]:
        batch = [first]
        deadline = time.monotonic() + self.gather_seconds
        while len(batch) < self.max_batch:
            try:
                batch.append(self._queue.get_nowait())
                continue
            except queue.Empty:
                pass
            with self._lock:
                coming = self._coming
            left = deadline - time.monotonic()
            if coming <= 0 or left <= 0:
                break
            try:
                batch.append(self._queue.get(timeout=min(left, 0.001)))
            except queue.Empty:
                continue
        return batch

    def _run(self) -> None:
        while True:
            batch = self._gather(self._queue.get())
            try:
                self._embedder()  # loaded (in this thread, if first) before its threads are set
                use_threads(self.threads)
                vectors = self._embedder().embed_batch([r.text for r in batch], "query")
                for request, vector in zip(batch, vectors):
                    request.vector = vector
            except BaseException as error:  # noqa: BLE001 - handed to every waiting caller
                for request in batch:
                    request.error = error
            self.batches = [*self.batches[-999:], len(batch)]
            for request in batch:
                request.done.set()
