"""Bolt actions listeners: one small module each, registered here."""

from slack_bolt import App

from bot.listeners.actions import (
    feedback,
    kpi_question,
    share_answer,
    story_approval,
    story_modal,
    story_shortcut,
)


def register(app: App) -> None:
    for listener in (
        feedback,
        kpi_question,
        share_answer,
        story_shortcut,
        story_modal,
        story_approval,
    ):
        listener.register(app)
