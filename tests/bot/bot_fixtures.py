"""Fixtures for tests that run `journeybot serve --http`'s real stack on loopback: waitress +
Bolt, with requests signed exactly as Slack signs them, and Web API calls going to the
stand-in in tests/slack_web_api.py. A plugin of tests/conftest.py, so every folder may use them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.slack.server import stop_server
from tests.bot.bot_harness import KB_DOCS, BotServer, bot_settings, start_bot
from tests.slack_web_api import SlackWebApi


@pytest.fixture(scope="session")
def knowledge_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A JOURNEYBOT_HOME with a tiny ingested knowledge base, built once per session."""
    import os

    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    from knowledge.knowledge_base import KnowledgeBase

    home = tmp_path_factory.mktemp("journeybot-home")
    docs = home / "docs"
    docs.mkdir()
    for name, text in KB_DOCS.items():
        (docs / name).write_text(text, encoding="utf-8")
    kb = KnowledgeBase(
        home / "index",
        chroma_host=None,
        chroma_port=8000,
        embedding_model="wordllama",
        llm_model=None,
        llm_timeout_seconds=5,
        max_question_chars=2000,
    )
    kb.ingest([docs])
    return home


@pytest.fixture
def make_bot(
    slack_web_api: SlackWebApi,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Any]:
    """Starts bots on free ports (several may share one database, like replicas)."""
    monkeypatch.chdir(tmp_path)
    running: list[tuple[Any, threading.Thread]] = []
    apps: list[Any] = []

    def make(
        *, home: Path | None = None, database_url: str | None = None, **overrides: Any
    ) -> BotServer:
        settings = bot_settings(
            slack_web_api,
            home or tmp_path / "home",
            database_url or f"sqlite:///{tmp_path / 'metrics.db'}",
            **overrides,
        )
        url, app, server, thread = start_bot(settings)
        running.append((server, thread))
        apps.append(app)
        return BotServer(url, slack_web_api, app, settings)

    yield make
    for server, thread in running:
        stop_server(server, thread)
    for app in apps:
        app.services.close()  # the database pool: PostgreSQL has a limit on clients
