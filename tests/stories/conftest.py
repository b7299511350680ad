"""Story tests post to a local stand-in for the Slack Web API (tests/slack_web_api.py) and,
for the slash command and modal, to a real bot on loopback (tests/bot/bot_harness.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.slack.server import stop_server
from tests.bot.bot_harness import BotServer, bot_settings, start_bot
from tests.slack_web_api import SlackWebApi


@pytest.fixture
def story_bot(
    slack_web_api: SlackWebApi,
    home: Path,
    database_url: str,
) -> Iterator[BotServer]:
    """A running bot (waitress + Bolt) on the test database, talking to the stand-in."""
    settings = bot_settings(slack_web_api, home, database_url)
    url, app, server, thread = start_bot(settings)
    try:
        yield BotServer(url, slack_web_api, app, settings)
    finally:
        # Closing the sockets from this thread races waitress's select() (EBADF warnings).
        stop_server(server, thread)
