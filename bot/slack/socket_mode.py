"""Socket Mode: Slack connects out over a WebSocket, so no public URL is needed."""

from __future__ import annotations

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.config import Settings
from bot.slack.client import make_client


def socket_mode_handler(app: App, settings: Settings) -> SocketModeHandler:
    """A handler whose WebClient uses the app-level token (apps.connections.open needs it)."""
    return SocketModeHandler(
        app,
        app_token=settings.slack_app_token,
        web_client=make_client(settings, token=settings.slack_app_token),
    )
