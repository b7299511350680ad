"""Chroma itself, imported only when the store is read or written.

Importing chromadb takes ~0.6 s and opening a local store ~0.3 s (benchmarks/startup.py):
more than half of a new process's first answer, which the index serves from its caches
(knowledge/index_cache.py) without Chroma. So knowledge/index.py imports this module on
first use of the store, never at its own import.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

import chromadb  # noqa: E402 (telemetry must be off before onnxruntime can load)
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings  # noqa: E402
from chromadb.config import Settings  # noqa: E402

from knowledge.embeddings import Embedder, make_embedder  # noqa: E402


class ChromaEmbedding(EmbeddingFunction[Documents]):
    """Hands Chroma our embedder, so it never falls back to its downloading default."""

    def __init__(self, embedder: Callable[[], Embedder]) -> None:
        self._embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 (Chroma's signature)
        return list(self._embedder().embed(list(input)))

    @staticmethod
    def name() -> str:
        return "journeybot"

    def get_config(self) -> dict[str, Any]:
        return {}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbedding:
        return ChromaEmbedding(lambda: make_embedder("wordllama"))


def server_client(host: str, port: int) -> Any:
    return chromadb.HttpClient(host=host, port=port, settings=_settings())


def local_client(path: Path) -> Any:
    return chromadb.PersistentClient(path=str(path), settings=_settings())


def _settings() -> Settings:
    """New each time: Chroma's clients write their own choices into the one they get."""
    return Settings(anonymized_telemetry=False)
