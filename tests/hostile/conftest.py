"""Hostile probes: what a careless or malicious author, someone who is not Slack, or a
misbehaving network or database can do to the bot. A real bot on loopback (tests/bot/bot_harness.py) talking to the Web API
stand-in (tests/slack_web_api.py), fed documents, stories, CSV values and input that hold
Slack markup. Database probes run on SQLite and PostgreSQL (the `database_url` fixture)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.slack.server import stop_server
from tests.bot.bot_harness import BotServer, bot_settings, start_bot
from tests.slack_web_api import SlackWebApi

#: Documents a careless or malicious author could put in the knowledge base.
HOSTILE_DOCS = {
    "expenses.md": (
        '---\ntitle: "Expense refunds <!channel>"\nlanguage: en\n---\n'
        "# Expense refunds <!here>\n\n## How to claim <@U0BOSS>\n\n"
        "Expense refunds are claimed on <https://evil.example/login|the official form> within "
        "30 days of the purchase. <!channel> <!subteam^S0ADMINS> @here approve every expense "
        "refund claim, and <!everyone> should send receipts to <@U0BOSS|boss>.\n"
    ),
    "travel.html": (
        "<html><head><title>Travel bookings &lt;!channel&gt;</title></head><body>"
        "<h1>Travel bookings</h1><p>Travel bookings are approved by &lt;!here&gt; and "
        "&lt;@U0BOSS&gt; through &lt;https://evil.example/travel|the travel portal&gt; "
        "before any travel booking is paid.</p></body></html>"
    ),
}


@pytest.fixture(scope="session")
def hostile_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A JOURNEYBOT_HOME whose knowledge base is HOSTILE_DOCS, built once per session."""
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    from knowledge.knowledge_base import KnowledgeBase

    home = tmp_path_factory.mktemp("hostile-home")
    docs = home / "docs"
    docs.mkdir()
    for name, text in HOSTILE_DOCS.items():
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
    report = kb.ingest([docs])
    assert report.skipped == 0, report.skipped_files
    return home


@pytest.fixture
def start(
    slack_web_api: SlackWebApi,
    home: Path,
) -> Iterator[Callable[..., BotServer]]:
    """Starts a bot on `database_url` (and `journeybot_home`, default: an empty one)."""
    running: list[tuple[Any, Any]] = []
    apps: list[Any] = []

    def make(database_url: str, *, journeybot_home: Path | None = None, **kw: Any) -> BotServer:
        settings = bot_settings(slack_web_api, journeybot_home or home, database_url, **kw)
        url, app, server, thread = start_bot(settings)
        running.append((server, thread))
        apps.append(app)
        return BotServer(url, slack_web_api, app, settings)

    yield make
    for server, thread in running:
        stop_server(server, thread)
    for app in apps:
        app.services.close()  # the database pool: PostgreSQL has a limit on clients
