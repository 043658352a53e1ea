"""The embedding cache: one vector per (content hash, model), so unchanged text is never re-embedded.

Vector bytes are packed and unpacked here and nowhere else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np

from index.store import Store

_CHUNK = 500  # SQLite's parameter limit is far above this; larger IN lists gain nothing


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def passage_text(clause) -> str:
    """What the encoder reads for a clause: its words and the footnotes it cites."""
    return " ".join([clause.text, *clause.footnotes])


def pack(vector) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def unpack(blobs: list[bytes], dim: int | None = None) -> np.ndarray:
    """Rows of float32 vectors from their packed bytes (an empty list gives shape (0, dim))."""
    if not blobs:
        return np.zeros((0, dim or 0), dtype=np.float32)
    return np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), -1)


class EmbeddingCache:
    """The `embeddings` table: vectors by content hash and model name."""

    def __init__(self, store: Store):
        self.store = store

    def known(self, model: str, hashes: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(hashes), _CHUNK):
            chunk = hashes[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            found |= {
                row["content_hash"]
                for row in self.store.db.query(
                    f"select content_hash from embeddings where model = ? and content_hash in ({marks})",
                    [model, *chunk],
                )
            }
        return found

    def embed_missing(
        self, embedder, texts: list[str], batch_size: int, progress: Callable[[float], None]
    ) -> int:
        """Embed only texts whose hash has no vector for this model yet; returns how many.

        Each batch is committed on its own: a killed ingest keeps what it already paid for.
        """
        hashes = [content_hash(t) for t in texts]
        known = self.known(embedder.name, hashes)
        todo = list({h: t for h, t in zip(hashes, texts) if h not in known}.items())
        for start in range(0, len(todo), batch_size):
            batch = todo[start : start + batch_size]
            vectors = embedder.embed_batch([t for _, t in batch], "document")
            with self.store.write() as db:
                db["embeddings"].insert_all(
                    (
                        {"content_hash": h, "model": embedder.name, "vector": pack(v)}
                        for (h, _), v in zip(batch, vectors)
                    ),
                    replace=True,
                )
            progress((start + len(batch)) / len(todo))
        if not todo:
            progress(1.0)
        return len(todo)


def clause_vectors(db, model: str, where: str = "1", params=()) -> tuple[np.ndarray, np.ndarray]:
    """(clause ids, their vectors) for clauses matching `where`, in id order."""
    rows = list(
        db.query(
            "select c.id, e.vector from clauses c join embeddings e "
            f"on e.content_hash = c.content_hash and e.model = ? where {where} order by c.id",
            [model, *params],
        )
    )
    ids = np.array([r["id"] for r in rows], dtype=np.int64)
    return ids, unpack([r["vector"] for r in rows])
