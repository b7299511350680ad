"""@journeybot in a channel: answer in the thread of the mention."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import services
from bot.answering.answer import answer_in_thread, strip_mentions, thread_history
from bot.slack.dedupe import once


def acknowledge(ack: Ack) -> None:
    ack()


def answer_mention(event: dict, client: WebClient, context: BoltContext) -> None:
    if event.get("bot_id") or event.get("subtype"):
        return
    question = strip_mentions(event.get("text", ""))
    channel = event["channel"]
    thread_ts = event.get("thread_ts") or event["ts"]
    history: list[str] = []
    if event.get("thread_ts"):
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
        thread_ts=thread_ts,
        user_id=event.get("user", ""),
        question=question,
        history=history,
    )


def register(app: App) -> None:
    """Adds this listener to the app."""
    app.event("app_mention")(ack=acknowledge, lazy=[once(answer_mention)])
