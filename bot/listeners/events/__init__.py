"""Bolt events listeners: one small module each, registered here."""

from slack_bolt import App

from bot.listeners.events import app_home_opened, app_mention, message


def register(app: App) -> None:
    for listener in (
        app_mention,
        message,
        app_home_opened,
    ):
        listener.register(app)
