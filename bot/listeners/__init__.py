"""Slack listeners, laid out as in Slack's sample apps: events, commands, actions."""

from slack_bolt import App

from bot.listeners import actions, commands, events


def register_listeners(app: App) -> None:
    events.register(app)
    commands.register(app)
    actions.register(app)
