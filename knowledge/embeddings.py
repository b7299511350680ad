"""Dense embedding providers: wordllama shipped in its PyPI package (offline), or a
LangChain provider ("openai:<model>", "ollama:<model>") when one is configured.

Chroma's own default embedding function downloads a model on first use and fails
offline, so the index always embeds with one of these and hands Chroma the vectors.
The provider's `name` is stored with the collection: a different name means a
different vector space, and the index re-embeds instead of mixing the two.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np

from knowledge.errors import KnowledgeError

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")


class EmbeddingUnavailable(KnowledgeError):
    """The configured embedding provider cannot be loaded or reached."""


class Embedder(Protocol):
    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised float32 row per text."""
        ...


class WordLlamaEmbedder:
    """Static token embeddings averaged per text: torch-free, ~4,000 chunks/s, offline."""

    name = "wordllama:l2_supercat_256"

    def __init__(self) -> None:
        self._model = _wordllama()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 256), dtype=np.float32)
        return np.asarray(self._model.embed(list(texts), norm=True), dtype=np.float32)


@contextmanager
def _root_logger_kept() -> Iterator[None]:
    """Undo what an import does to the root logger: wordllama calls
    logging.basicConfig(level=INFO) when imported, after which every CLI call printed
    httpx's "INFO:httpx:HTTP Request …" lines. When the application configured logging
    first (`journeybot serve`), basicConfig was a no-op and so is this."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        yield
    finally:
        for handler in [h for h in root.handlers if h not in handlers]:
            root.removeHandler(handler)
        root.setLevel(level)


@cache
def _wordllama():  # noqa: ANN202 (wordllama's inference class is an implementation detail)
    with _root_logger_kept():
        import wordllama
        from wordllama import WordLlama

    package_dir = Path(wordllama.__file__).parent
    try:
        return WordLlama.load(cache_dir=package_dir, disable_download=True)
    except (FileNotFoundError, OSError) as error:
        raise EmbeddingUnavailable(
            f"The wordllama model files are missing from {package_dir} ({error}); "
            "reinstall the wordllama package."
        ) from error


class LangChainEmbedder:
    """A provider through LangChain's Embeddings interface (network, credentials)."""

    def __init__(self, spec: str) -> None:
        provider, _, model = spec.partition(":")
        if not model:
            raise EmbeddingUnavailable(
                f"EMBEDDING_MODEL={spec!r} names no model; write it as provider:model, "
                "e.g. openai:text-embedding-3-small."
            )
        self.name = spec
        try:
            self._embeddings = _langchain_embeddings(provider, model)
        except EmbeddingUnavailable:
            raise
        except Exception as error:  # a missing API key: provider SDKs raise their own types
            raise EmbeddingUnavailable(
                f"EMBEDDING_MODEL={spec!r} cannot be loaded ({type(error).__name__}: "
                f"{_first_line(error)}); set {_KEYS.get(provider, 'the provider credentials')}, "
                "or use EMBEDDING_MODEL=wordllama (offline)."
            ) from error

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        try:
            vectors = np.asarray(self._embeddings.embed_documents(list(texts)), dtype=np.float32)
        except Exception as error:  # provider SDKs raise their own error types
            raise EmbeddingUnavailable(
                f"The embedding provider {self.name} failed ({type(error).__name__}: {error}); "
                "check its credentials and that it is reachable."
            ) from error
        return _normalise(vectors)


def _langchain_embeddings(provider: str, model: str):  # noqa: ANN202
    if provider == "openai":
        try:
            from langchain_openai import OpenAIEmbeddings
        except ImportError as error:
            raise EmbeddingUnavailable(
                "EMBEDDING_MODEL=openai:… needs langchain-openai; install journeybot[openai]."
            ) from error
        # No tiktoken length check: it downloads its encoding files, which fails offline.
        return OpenAIEmbeddings(model=model, check_embedding_ctx_length=False)
    if provider == "ollama":
        try:
            from langchain_ollama import OllamaEmbeddings
        except ImportError as error:
            raise EmbeddingUnavailable(
                "EMBEDDING_MODEL=ollama:… needs langchain-ollama; install journeybot[ollama]."
            ) from error
        return OllamaEmbeddings(model=model)
    raise EmbeddingUnavailable(
        f"Unknown embedding provider {provider!r}; use wordllama, openai:<model> or ollama:<model>."
    )


_KEYS = {"openai": "OPENAI_API_KEY"}


def _first_line(error: Exception, limit: int = 200) -> str:
    line = (str(error).strip().splitlines() or [""])[0].strip().rstrip(".")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def make_embedder(spec: str) -> Embedder:
    """The provider named by EMBEDDING_MODEL ("wordllama", "openai:…", "ollama:…")."""
    if spec.strip().lower() in ("", "wordllama", WordLlamaEmbedder.name):
        return WordLlamaEmbedder()
    return LangChainEmbedder(spec.strip())
