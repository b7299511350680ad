"""`/story`: preview the next customer story (ephemeral), `share` it in the channel, or `add` one.

`/story add` opens the modal in the ack-side handler: views.open needs the trigger_id within
3 seconds, so it cannot wait for a lazy thread. Everything else acks at once and works lazily.
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot import services
from bot.i18n import say
from bot.listeners.actions.story_shortcut import FORM_NOT_OPENED, open_story_form
from bot.slack.dedupe import once
from bot.slack.failures import failure_text, request_id
from bot.stories.posting import PostResult
from bot.views.mrkdwn import escape
from bot.views.story import nothing_to_share_text, story_message, story_modal

log = logging.getLogger(__name__)


def share_reply(result: PostResult, language: str = "en") -> str:
    """What the person who typed `/story share` is told, one sentence per outcome."""
    if result.outcome == "nothing_to_post":
        return nothing_to_share_text(language)
    if result.outcome == "history_unreadable":
        return escape(result.detail)
    return say(f"story.{result.outcome}", language, detail=escape(result.detail))


def _word(command: dict) -> str:
    return (command.get("text") or "").strip().lower()


def acknowledge(ack: Ack, command: dict, client: WebClient, context: BoltContext) -> None:
    """Acks; for `add`, opens the modal first (trigger_id expires after 3 s), in the language
    already known for the user (the ack never waits for users.info)."""
    if _word(command) == "add":
        language = services.of(context).readers.known(command.get("user_id", ""))
        view = story_modal(private_metadata=command.get("channel_id", ""), language=language)
        if not open_story_form(client, command["trigger_id"], view):
            ack(text=FORM_NOT_OPENED)
            return
    ack()


def handle_story(command: dict, client: WebClient, context: BoltContext, respond: Respond) -> None:
    word = _word(command)
    if word == "add":
        return
    svc = services.of(context)
    language = svc.readers.of(client, command["user_id"])
    try:
        if word in ("", "next", "preview"):
            card = svc.stories().next_card(client)
            if card is None:
                respond(response_type="ephemeral", text=nothing_to_share_text(language))
                return
            text, blocks = story_message(card)
            respond(response_type="ephemeral", text=text, blocks=blocks)
        elif word == "share":
            # Same selection as the preview, so `/story` then `/story share` posts what was seen.
            result = svc.stories().share(client, command["channel_id"])
            respond(response_type="ephemeral", text=share_reply(result, language))
        else:
            help_text = say("story.help", language)
            text = say("story.unknown_word", language, word=escape(word), help=help_text)
            respond(response_type="ephemeral", text=text)
    except Exception as error:
        text = failure_text(error, request_id(), f"/story {word}", language=language, doing="story")
        respond(response_type="ephemeral", text=text)


def register(app: App) -> None:
    """Adds this listener to the app."""
    app.command("/story")(ack=acknowledge, lazy=[once(handle_story)])
