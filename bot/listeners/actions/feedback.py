"""👍/👎 under an answer: store the vote (a second click changes it) and thank the voter, only
they see it; a 👎 asks "what was wrong?", optionally, and the note is stored with the vote.

The buttons stay, so several people can rate the same answer. The thanks goes in the answer's
thread (chat.postEphemeral), or through the response_url under a private `/ask` answer, which
works even in a channel the bot is not in.
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot import services
from bot.i18n import say
from bot.slack.dedupe import once
from bot.slack.failures import DATABASE_DOWN, database_down_text, request_id
from bot.views.answer import FEEDBACK_DOWN, FEEDBACK_UP
from bot.views.feedback import (
    FEEDBACK_COMMENT,
    FEEDBACK_COMMENT_SEND,
    answer_id_of_block,
    not_helpful_blocks,
)
from metrics.feedback import HELPFUL, NOT_HELPFUL, record_comment, record_rating

log = logging.getLogger(__name__)


def acknowledge(ack: Ack) -> None:
    ack()


def store_feedback(
    body: dict, action: dict, client: WebClient, context: BoltContext, respond: Respond
) -> None:
    rating = HELPFUL if action["action_id"] == FEEDBACK_UP else NOT_HELPFUL
    user = body["user"]["id"]
    svc = services.of(context)
    try:
        answer_id = int(action["value"])
    except (KeyError, ValueError):
        log.warning("feedback button without a valid answer id: %r", action.get("value"))
        return
    try:
        stored = record_rating(svc.engine(), answer_id, user_id=user, rating=rating)
    except DATABASE_DOWN as error:
        rid = request_id()
        log.error("feedback not stored, database unavailable [request id %s]: %s", rid, error)
        language = svc.readers.of(client, user)
        tell(body, client, respond, database_down_text(rid, language=language))
        return
    language = svc.readers.of(client, user)
    if not stored:
        tell(body, client, respond, say("feedback.answer_gone", language))
    elif rating == HELPFUL:
        tell(body, client, respond, say("feedback.thanks_helpful", language))
    else:
        blocks = not_helpful_blocks(answer_id, language)
        tell(body, client, respond, blocks[0]["text"]["text"], blocks)


def store_comment(
    body: dict, action: dict, client: WebClient, context: BoltContext, respond: Respond
) -> None:
    answer_id, comment = typed_comment(body, action)
    if answer_id is None:
        log.warning("feedback note without a valid answer id: %r", action.get("block_id"))
        return
    if not comment.strip():
        return
    svc = services.of(context)
    user = body["user"]["id"]
    try:
        saved = record_comment(svc.engine(), answer_id, user_id=user, comment=comment)
    except DATABASE_DOWN as error:
        rid = request_id()
        log.error("feedback note not stored, database unavailable [request id %s]: %s", rid, error)
        language = svc.readers.of(client, user)
        respond(replace_original=True, text=database_down_text(rid, language=language))
        return
    said = "feedback.comment_saved" if saved else "feedback.comment_not_saved"
    respond(replace_original=True, text=say(said, svc.readers.of(client, user)))


def typed_comment(body: dict, action: dict) -> tuple[int | None, str]:
    """(answer id, note): Enter sends the input itself, the Send button the form's state."""
    if action["action_id"] == FEEDBACK_COMMENT:
        return answer_id_of_block(action.get("block_id", "")), action.get("value") or ""
    for block_id, fields in ((body.get("state") or {}).get("values") or {}).items():
        answer_id = answer_id_of_block(block_id)
        if answer_id is not None:
            return answer_id, (fields.get(FEEDBACK_COMMENT) or {}).get("value") or ""
    return None, ""


def tell(
    body: dict, client: WebClient, respond: Respond, text: str, blocks: list[dict] | None = None
) -> None:
    """An ephemeral reply to the voter beside the answer they rated."""
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    message = body.get("message")
    if container.get("is_ephemeral") or not message or not channel:
        respond(response_type="ephemeral", replace_original=False, text=text, blocks=blocks)
        return
    client.chat_postEphemeral(
        channel=channel,
        user=body["user"]["id"],
        text=text,
        blocks=blocks,
        thread_ts=message.get("thread_ts"),
    )


def register(app: App) -> None:
    """Adds these listeners to the app."""
    for action_id in (FEEDBACK_UP, FEEDBACK_DOWN):
        app.action(action_id)(ack=acknowledge, lazy=[once(store_feedback)])
    for action_id in (FEEDBACK_COMMENT, FEEDBACK_COMMENT_SEND):
        app.action(action_id)(ack=acknowledge, lazy=[once(store_comment)])
