"""Hostile probes: what someone who is not Slack, or a misbehaving network or database, can
do to the bot. They speak HTTP to `journeybot serve --http`'s real stack (tests/bot)."""

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS / "bot"))

from bot_fixtures import knowledge_home, make_bot  # noqa: E402, F401 (pytest fixtures)
from slack_web_api import slack_web_api  # noqa: E402, F401 (pytest fixture)
