"""The "add_story" message shortcut: opens the story modal with the message as the story.

The message arrives in Slack's markup (`&lt;`, `<@U123>`); the modal shows it as plain text,
which is what gets stored, so the story is escaped once when it is rendered, not twice.

views.open runs in the ack-side handler because the trigger_id expires after 3 seconds.
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import services
from bot.views.mrkdwn import plain
from bot.views.story import story_modal

log = logging.getLogger(__name__)

CALLBACK_ID = "add_story"
FORM_NOT_OPENED = "I could not open the story form; please try again in a moment."


def open_story_form(client: WebClient, trigger_id: str, view: dict) -> bool:
    """Opens the modal; False (logged) if Slack refused or could not be reached, so the
    caller still acks: an exception in the ack handler would be an HTTP 500 to Slack."""
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as error:
        log.warning("views.open for the story form failed: %s", error.response.get("error"))
        return False
    except OSError as error:  # URLError, timeouts, refused connections
        log.warning("views.open for the story form failed: %s", error)
        return False
    return True


def open_story_modal(
    ack: Ack, shortcut: dict, client: WebClient, respond: Respond, context: BoltContext
) -> None:
    message_text = plain((shortcut.get("message") or {}).get("text", ""))
    channel = (shortcut.get("channel") or {}).get("id", "")
    user = (shortcut.get("user") or {}).get("id", "")
    language = services.of(context).readers.known(user)  # the cache only: this is the ack
    view = story_modal(initial_body=message_text, private_metadata=channel, language=language)
    opened = open_story_form(client, shortcut["trigger_id"], view)
    ack()
    # Slack shows nothing from a shortcut's ack, so the sentence goes to the response_url.
    if not opened and shortcut.get("response_url"):
        try:
            respond(response_type="ephemeral", text=FORM_NOT_OPENED)
        except OSError as error:
            log.warning("could not tell the user the story form failed: %s", error)


def register(app: App) -> None:
    """Adds this listener to the app."""
    app.shortcut(CALLBACK_ID)(open_story_modal)
