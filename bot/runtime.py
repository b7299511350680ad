"""Builds the knowledge base and metrics engine from settings.

The CLI and the Slack app share these, so both run exactly the same code paths (and an
ingest, and the rebuild of a damaged index in any command, use the same limits).
"""

from __future__ import annotations

from functools import cache

from sqlalchemy.engine import Engine

from bot.config import Settings, load_settings
from knowledge.knowledge_base import KnowledgeBase
from knowledge.parse_workers import FileBudget
from metrics.db import connect


@cache
def settings() -> Settings:
    return load_settings()


def knowledge_base(config: Settings | None = None) -> KnowledgeBase:
    """A knowledge base as the settings describe it; the caller keeps it (the index and
    models load on first use, once per object). Not cached: Settings holds lists, so
    functools.cache cannot hash it."""
    config = config or settings()
    return KnowledgeBase(
        config.index_path,
        chroma_host=config.chroma_host,
        chroma_port=config.chroma_port,
        embedding_model=config.embedding_model,
        llm_model=config.llm_model,
        llm_timeout_seconds=config.llm_timeout_seconds,
        max_question_chars=config.max_question_chars,
        file_budget=FileBudget(
            max_bytes=round(config.ingest_max_file_mb * 1_000_000),
            max_seconds=config.ingest_max_file_seconds,
        ),
        lock_wait_seconds=config.ingest_lock_wait_seconds,
    )


def metrics_engine(config: Settings | None = None) -> Engine:
    config = config or settings()
    return _engine(config.metrics_database_url)


@cache
def _engine(url: str) -> Engine:
    return connect(url)
