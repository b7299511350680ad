"""👍/👎 under an answer: store the rating and thank the rater (only they see it).

The buttons stay, so several people can rate the same answer."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import services
from bot.dedupe import once
from bot.feedback import HELPFUL, NOT_HELPFUL, record_rating
from bot.views.answer import FEEDBACK_DOWN, FEEDBACK_UP

log = logging.getLogger(__name__)


def acknowledge(ack: Ack) -> None:
    ack()


def store_feedback(body: dict, action: dict, client: WebClient, context: BoltContext) -> None:
    rating = HELPFUL if action["action_id"] == FEEDBACK_UP else NOT_HELPFUL
    user = body["user"]["id"]
    try:
        answer_id = int(action["value"])
    except (KeyError, ValueError):
        log.warning("feedback button without a valid answer id: %r", action.get("value"))
        return
    stored = record_rating(services.of(context).engine(), answer_id, user_id=user, rating=rating)
    channel = (body.get("channel") or {}).get("id")
    if not channel:
        return
    thanks = (
        "Thanks, noted as helpful."
        if rating == HELPFUL
        else "Thanks, noted as not helpful; it helps us improve the sources."
    )
    if not stored:
        thanks = "That answer is no longer on record, so the rating was not stored."
    thread_ts = (body.get("message") or {}).get("thread_ts")
    client.chat_postEphemeral(channel=channel, user=user, text=thanks, thread_ts=thread_ts)


def register(app: App) -> None:
    """Adds this listener to the app."""
    for action_id in (FEEDBACK_UP, FEEDBACK_DOWN):
        app.action(action_id)(ack=acknowledge, lazy=[once(store_feedback)])
