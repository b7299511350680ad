"""Builds the knowledge base and metrics engine from settings, once per process.

The CLI and the Slack app share these, so both run exactly the same code paths.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy.engine import Engine

from bot.config import Settings, load_settings
from knowledge.knowledge_base import KnowledgeBase
from metrics.db import connect


@cache
def settings() -> Settings:
    return load_settings()


def knowledge_base(config: Settings | None = None) -> KnowledgeBase:
    config = config or settings()
    return _knowledge_base(config)


@cache
def _knowledge_base(config: Settings) -> KnowledgeBase:
    return KnowledgeBase(
        config.index_path,
        chroma_host=config.chroma_host,
        chroma_port=config.chroma_port,
        embedding_model=config.embedding_model,
        llm_model=config.llm_model,
        llm_timeout_seconds=config.llm_timeout_seconds,
        max_question_chars=config.max_question_chars,
    )


def metrics_engine(config: Settings | None = None) -> Engine:
    config = config or settings()
    return _engine(config.metrics_database_url)


@cache
def _engine(url: str) -> Engine:
    return connect(url)
