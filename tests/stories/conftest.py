"""Story tests post to a local stand-in for the Slack Web API (tests/slack_web_api.py) and,
for the slash command and modal, to a real bot on loopback (tests/bot/bot_harness.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_web_api import SlackWebApi, slack_web_api  # noqa: F401 (pytest fixture)

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS / "bot"))
# tests/knowledge and tests/metrics have no __init__.py, so with only tests/ on sys.path
# `import knowledge` becomes an empty namespace package (knowledge.__file__ is None, which
# breaks bot.cli.demo). With the repo root on the path the real packages win.
if str(TESTS.parent) not in sys.path:
    sys.path.append(str(TESTS.parent))

from bot_harness import BotServer, bot_settings, start_bot  # noqa: E402

from bot.slack.server import stop_server  # noqa: E402


@pytest.fixture
def story_bot(
    slack_web_api: SlackWebApi,  # noqa: F811 (the fixture imported above)
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
