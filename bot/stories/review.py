"""Approving stories added in Slack, on the Slack side: each approver gets a DM with the story
as it would be posted (redacted) and Approve / Reject; a click becomes a decision in the
database (metrics/stories/approvals.py) and the DM shows who decided, without its buttons.

Only the people in STORY_APPROVERS decide. A click after the decision (the other approver's,
or a second one) changes nothing and says so.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine

from bot.i18n import say
from bot.i18n.reader import ReaderLanguages
from bot.stories.workspace_people import known_people
from bot.views.story import (
    APPROVE_ACTION,
    approval_request,
    decided_blocks,
    decision_line,
)
from knowledge.language import detect
from metrics.stories.approvals import decide
from metrics.stories.selection import story_for_review

log = logging.getLogger(__name__)


def ask_approvers(
    engine: Engine,
    client: WebClient,
    story_id: str,
    approvers: list[str],
    *,
    readers: ReaderLanguages | None = None,
) -> int:
    """DMs every approver the redacted story with Approve / Reject, in the language each
    reads (English without `readers`); returns how many got it."""
    card = story_for_review(
        engine, story_id, detect_language=detect, known=known_people(engine, client)
    )
    if card is None:
        log.warning("story %s to approve is gone or lacks consent; nobody asked", story_id)
        return 0
    asked = 0
    for approver in approvers:
        language = readers.of(client, approver) if readers is not None else "en"
        text, blocks = approval_request(card, story_id, language)
        try:
            dm = client.conversations_open(users=approver)["channel"]["id"]
            client.chat_postMessage(channel=dm, text=text, blocks=blocks, unfurl_links=False)
            asked += 1
        except (SlackApiError, OSError) as error:
            log.warning("could not ask %s to approve story %s: %s", approver, story_id, error)
    if not asked:
        log.error(
            "story %s waits for approval, but no approver in STORY_APPROVERS could be reached",
            story_id,
        )
    return asked


def record_click(
    engine: Engine,
    client: WebClient,
    body: dict,
    action: dict,
    approvers: list[str],
    *,
    readers: ReaderLanguages | None = None,
) -> None:
    """An Approve / Reject click: decide (once), then show the decision in the DM, in the
    clicker's language."""
    user = body["user"]["id"]
    channel = (body.get("channel") or {}).get("id", "")
    message = body.get("message") or {}
    language = readers.of(client, user) if readers is not None else "en"
    if user not in approvers:
        text = say("story.not_an_approver", language)
        client.chat_postEphemeral(channel=channel, user=user, text=text)
        return
    decision = decide(
        engine,
        str(action.get("value")),
        approve=action["action_id"] == APPROVE_ACTION,
        decided_by=user,
    )
    line = (
        decision_line(decision, language) if decision is not None else say("story.gone", language)
    )
    client.chat_update(
        channel=channel,
        ts=message.get("ts"),
        text=line,
        blocks=decided_blocks(message.get("blocks") or [], line),
    )
