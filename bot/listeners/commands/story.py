"""`/story`: preview the next customer story (ephemeral), `share` it in the channel, or `add` one.

`/story add` opens the modal in the ack-side handler: views.open needs the trigger_id within
3 seconds, so it cannot wait for a lazy thread. Everything else acks at once and works lazily.
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot import services
from bot.listeners.actions.story_shortcut import FORM_NOT_OPENED, open_story_form
from bot.slack.dedupe import once
from bot.slack.failures import DATABASE_DOWN, database_down_text, request_id, unexpected_error_text
from bot.stories.posting import PostResult
from bot.views.mrkdwn import escape
from bot.views.story import nothing_to_share_text, story_message, story_modal
from metrics.errors import MetricsError

log = logging.getLogger(__name__)

HELP = (
    "`/story` previews the next customer story (only you see it), "
    "`/story share` posts it in this channel, `/story add` adds a consented story."
)


def share_reply(result: PostResult) -> str:
    """What the person who typed `/story share` is told, one sentence per outcome."""
    return {
        "posted": "Shared the story in this channel.",
        "already_posted": (
            "The story an earlier share posted here is in the channel after all (now recorded); "
            "nothing more was shared."
        ),
        "in_progress_elsewhere": (
            "Another story is being shared in this channel right now; nothing more was shared."
        ),
        "nothing_to_post": nothing_to_share_text(),
        "failed": f"Slack refused the post ({escape(result.detail)}); nothing was shared.",
        "outcome_unknown": (
            "Slack did not confirm the post, so it may be in the channel: a `/story share` here "
            "in 10 minutes looks for it first and posts only if it is not there."
        ),
        "history_unreadable": escape(result.detail),
    }[result.outcome]


def _word(command: dict) -> str:
    return (command.get("text") or "").strip().lower()


def acknowledge(ack: Ack, command: dict, client: WebClient) -> None:
    """Acks; for `add`, opens the modal first (trigger_id expires after 3 s)."""
    if _word(command) == "add":
        view = story_modal(private_metadata=command.get("channel_id", ""))
        if not open_story_form(client, command["trigger_id"], view):
            ack(text=FORM_NOT_OPENED)
            return
    ack()


def handle_story(command: dict, client: WebClient, context: BoltContext, respond: Respond) -> None:
    word = _word(command)
    if word == "add":
        return
    svc = services.of(context)
    try:
        if word in ("", "next", "preview"):
            card = svc.stories().next_card(client)
            if card is None:
                respond(response_type="ephemeral", text=nothing_to_share_text())
                return
            text, blocks = story_message(card)
            respond(response_type="ephemeral", text=text, blocks=blocks)
        elif word == "share":
            # Same selection as the preview, so `/story` then `/story share` posts what was seen.
            result = svc.stories().share(client, command["channel_id"])
            respond(response_type="ephemeral", text=share_reply(result))
        else:
            respond(response_type="ephemeral", text=f"I don't know `{escape(word)}`. {HELP}")
    except DATABASE_DOWN as error:
        rid = request_id()
        log.error("/story %s failed, database unavailable [request id %s]: %s", word, rid, error)
        respond(response_type="ephemeral", text=database_down_text(rid))
    except MetricsError as error:
        respond(response_type="ephemeral", text=escape(str(error)))
    except Exception:
        rid = request_id()
        log.exception("/story %s failed [request id %s]", word, rid)
        respond(response_type="ephemeral", text=unexpected_error_text(rid, "preparing the story"))


def register(app: App) -> None:
    """Adds this listener to the app."""
    app.command("/story")(ack=acknowledge, lazy=[once(handle_story)])
