"""The encoder's transformer as one TorchScript graph, for batches of questions.

Eager PyTorch returns to the interpreter between operators and re-takes the interpreter lock
each time; under load the bot's other threads (the event loop, the searches) hold it in
between, and a batch of questions encoded eagerly took ~40 % longer beside two busy Python
threads than alone. A traced graph runs its whole forward pass in C++, so it costs the same
beside them (measured in bench/load.py). It is used for small batches only: on long document
batches the graph executor's per-shape plans held ~1 GB more than eager, for no gain there.

The graph replaces only the transformer; sentence-transformers still tokenizes (with the
query prompt) and its own pooling and normalization modules run after it, and the first use
checks the graph against eager encoding on texts of other lengths than it was traced on.
"""

from __future__ import annotations

import logging
import threading
import warnings

import numpy as np

log = logging.getLogger(__name__)

# Padded tokens a batch may hold to go through the graph: 32 questions of 64 tokens. A
# question is ~10-30 tokens; longer batches (documents) go the eager way.
MAX_GRAPH_TOKENS = 32 * 64
_TOLERANCE = 1e-4  # cosine scores are compared to ~1e-3; the graph differs from eager by ~1e-7

# Traced with padding (texts of two lengths) so the graph keeps the attention-mask path,
# which an unpadded example would let the model skip.
_TRACE_TEXTS = ["một", "Sở Xây dựng chủ trì, phối hợp với các sở, ngành liên quan"]
_PROBE_TEXTS = [
    "hạn nộp báo cáo",
    "so nao cap giay phep xay dung",
    "Which agency handles construction permits and by when must the report be sent?",
]


class QueryGraph:
    """`encode(texts, prompt)` through a traced transformer; `None` when a batch is not for it."""

    def __init__(self, model, max_tokens: int = MAX_GRAPH_TOKENS):
        self._model = model  # a SentenceTransformer: tokenizer, transformer, pooling, normalize
        self.max_tokens = max_tokens
        self._graph = None
        self._failed = False
        self._lock = threading.Lock()

    @property
    def active(self) -> bool:
        """Whether batches go through the graph (false once tracing or its check failed)."""
        return self._graph is not None

    def encode(self, texts: list[str], prompt: str | None) -> np.ndarray | None:
        """L2-normalized float32 rows, or `None`: the caller encodes eagerly."""
        if self._failed:
            return None
        features = self._model.preprocess(texts, prompt=prompt)
        ids = features.get("input_ids")
        if ids is None or ids.dim() != 2 or ids.numel() > self.max_tokens:
            return None
        if self._graph is None and not self._build(prompt):
            return None
        return self._run(features)

    def _run(self, features: dict) -> np.ndarray:
        import torch

        with torch.inference_mode():
            features = dict(features)
            features["token_embeddings"] = self._graph(features["input_ids"], features["attention_mask"])
            for module in list(self._model)[1:]:  # pooling, normalize: as the model's own
                features = module(features)
        return features["sentence_embedding"].float().numpy()

    def _build(self, prompt: str | None) -> bool:
        with self._lock:
            if self._graph is not None or self._failed:
                return not self._failed
            try:
                self._graph = _trace(self._model, self._model.preprocess(_TRACE_TEXTS, prompt=prompt))
                error = self._difference(prompt)
                if error > _TOLERANCE:
                    raise ValueError(f"graph differs from eager encoding by {error:.2g}")
            except Exception as problem:  # noqa: BLE001 - any failure means: stay eager
                log.warning("query graph unavailable, questions are encoded eagerly: %s", problem)
                self._graph, self._failed = None, True
                return False
            log.info("query graph traced")
            return True

    def _difference(self, prompt: str | None) -> float:
        eager = self._model.encode(
            _PROBE_TEXTS,
            prompt=prompt,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        graph = self._run(self._model.preprocess(_PROBE_TEXTS, prompt=prompt))
        return float(np.abs(graph - eager).max())


def _trace(model, example: dict):
    """The transformer's forward (ids, mask) -> token embeddings, traced and frozen."""
    import torch

    transformer = model[0]
    network = getattr(transformer, "model", None) or transformer.auto_model

    class _Forward(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.network = network

        def forward(self, input_ids, attention_mask):
            return self.network(input_ids=input_ids, attention_mask=attention_mask, return_dict=False)[0]

    wrapper = _Forward().eval()
    with warnings.catch_warnings():
        # torch.jit is deprecated in favour of torch.export/compile, which need a compiler
        # toolchain at run time; tracer warnings are about shapes the check below covers.
        warnings.simplefilter("ignore")
        with torch.inference_mode(False), torch.no_grad():
            traced = torch.jit.trace(
                wrapper, (example["input_ids"], example["attention_mask"]), check_trace=False
            )
            return torch.jit.freeze(traced.eval())
