"""Approve / Reject under a story an approver was asked about (bot/stories/review.py)."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import services
from bot.stories.review import record_click
from bot.views.story import APPROVE_ACTION, REJECT_ACTION


def acknowledge(ack: Ack) -> None:
    ack()


def decide_story(body: dict, action: dict, client: WebClient, context: BoltContext) -> None:
    svc = services.of(context)
    approvers = svc.settings.story_approvers
    record_click(svc.engine(), client, body, action, approvers, readers=svc.readers)


def register(app: App) -> None:
    """Adds this listener to the app."""
    for action_id in (APPROVE_ACTION, REJECT_ACTION):
        app.action(action_id)(ack=acknowledge, lazy=[decide_story])
