"""Bot tests run `journeybot serve --http`'s real stack on loopback (see bot_fixtures)."""

from bot_fixtures import knowledge_home, make_bot  # noqa: F401 (pytest fixtures)
from slack_web_api import slack_web_api  # noqa: F401 (pytest fixture)
