"""The "add_story" message shortcut: opens the story modal with the message as the story.

views.open runs in the ack-side handler because the trigger_id expires after 3 seconds.
"""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.views.story import story_modal

CALLBACK_ID = "add_story"


def open_story_modal(ack: Ack, shortcut: dict, client: WebClient) -> None:
    message_text = (shortcut.get("message") or {}).get("text", "")
    channel = (shortcut.get("channel") or {}).get("id", "")
    client.views_open(
        trigger_id=shortcut["trigger_id"],
        view=story_modal(initial_body=message_text, private_metadata=channel),
    )
    ack()


def register(app: App) -> None:
    """Adds this listener to the app."""
    app.shortcut(CALLBACK_ID)(open_story_modal)
