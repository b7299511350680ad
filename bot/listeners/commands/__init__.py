"""Bolt commands listeners: one small module each, registered here."""

from slack_bolt import App

from bot.listeners.commands import ask, kpi, story


def register(app: App) -> None:
    for listener in (
        ask,
        kpi,
        story,
    ):
        listener.register(app)
