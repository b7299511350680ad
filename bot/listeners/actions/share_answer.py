"""The "Share in channel" button under a private `/ask` answer: post it, naming the asker.

The button carries only the logged answer's id; the answer is read back from the feedback log,
so the shared text is exactly what was answered. Only the asker may share it. The private copy
is then removed (through the response_url: ephemeral messages cannot be deleted otherwise).
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import services
from bot.answering.feedback import logged_answer
from bot.i18n import say
from bot.slack.dedupe import once
from bot.slack.failures import DATABASE_DOWN, database_down_text, request_id
from bot.views.answer import SHARE_ANSWER, asked_text, shared_answer_blocks

log = logging.getLogger(__name__)


def acknowledge(ack: Ack) -> None:
    ack()


def share_answer(
    body: dict, action: dict, client: WebClient, context: BoltContext, respond: Respond
) -> None:
    user = body["user"]["id"]
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    try:
        answer_id = int(action["value"])
    except (KeyError, ValueError):
        log.warning("share button without a valid answer id: %r", action.get("value"))
        return
    svc = services.of(context)
    language = svc.readers.of(client, user)
    try:
        logged = logged_answer(svc.engine(), answer_id)
    except DATABASE_DOWN as error:
        rid = request_id()
        log.error("answer not shared, database unavailable [request id %s]: %s", rid, error)
        text = database_down_text(rid, language=language)
        respond(response_type="ephemeral", replace_original=False, text=text)
        return
    if logged is None or not channel:
        text = say("answer.not_on_record", language)
        respond(response_type="ephemeral", replace_original=False, text=text)
        return
    if logged.user_id != user:
        text = say("answer.not_yours", language)
        respond(response_type="ephemeral", replace_original=False, text=text)
        return
    try:
        client.chat_postMessage(
            channel=channel,
            text=asked_text(user, logged.question, logged.answer.language),
            blocks=shared_answer_blocks(
                user, logged.question, logged.answer, feedback_id=logged.id
            ),
            unfurl_links=False,
            unfurl_media=False,
        )
    except SlackApiError as error:
        if error.response.get("error") in ("not_in_channel", "channel_not_found"):
            text = say("answer.cannot_post", language)
            respond(response_type="ephemeral", replace_original=False, text=text)
            return
        raise
    respond(delete_original=True)


def register(app: App) -> None:
    """Adds this listener to the app."""
    app.action(SHARE_ANSWER)(ack=acknowledge, lazy=[once(share_answer)])
