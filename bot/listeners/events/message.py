"""Messages the bot answers without a mention: DMs, and follow-ups in threads it answered.

Edits, joins and other subtypes, bot messages, and channel messages that mention the bot
(the app_mention listener answers those) are ignored, so nothing is answered twice.
"""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import services
from bot.answering.answer import answer_in_thread, bot_in_thread, strip_mentions, thread_history
from bot.slack.dedupe import once


def acknowledge(ack: Ack) -> None:
    ack()


def should_consider(event: dict, bot_user_id: str | None) -> bool:
    """Cheap checks on the event alone, before any Slack API call."""
    if event.get("subtype") or event.get("bot_id") or not event.get("user"):
        return False
    if not strip_mentions(event.get("text", "")):
        return False
    if event.get("channel_type") == "im":
        return True
    mentioned = bool(bot_user_id) and f"<@{bot_user_id}" in event.get("text", "")
    return bool(event.get("thread_ts")) and not mentioned


def answer_message(event: dict, client: WebClient, context: BoltContext) -> None:
    if not should_consider(event, context.bot_user_id):
        return
    channel = event["channel"]
    question = strip_mentions(event.get("text", ""))
    thread_ts = event.get("thread_ts")
    history: list[str] = []
    if thread_ts:
        mine, _ = bot_in_thread(
            client,
            channel=channel,
            thread_ts=thread_ts,
            bot_user_id=context.bot_user_id,
            bot_id=context.bot_id,
        )
        if not mine and event.get("channel_type") != "im":
            return
        history = thread_history(
            client,
            channel=channel,
            thread_ts=thread_ts,
            before_ts=event["ts"],
            bot_user_id=context.bot_user_id,
        )
    answer_in_thread(
        client,
        services.of(context),
        channel=channel,
        thread_ts=thread_ts or event["ts"],
        user_id=event["user"],
        question=question,
        history=history,
    )


def register(app: App) -> None:
    """Adds this listener to the app."""
    app.event("message")(ack=acknowledge, lazy=[once(answer_message)])
