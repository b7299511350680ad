"""`/ask QUESTION`: post the question in the channel and answer it in its thread."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import services
from bot.answering import answer_in_thread, asked_text
from bot.dedupe import once

USAGE = "Type your question after the command, e.g. `/ask How do we measure NPS?`"


def acknowledge(ack: Ack, command: dict) -> None:
    if not command.get("text", "").strip():
        ack(text=USAGE)
        return
    ack()


def answer_command(
    command: dict, client: WebClient, context: BoltContext, respond: Respond
) -> None:
    question = command.get("text", "").strip()
    if not question:
        return
    user = command["user_id"]
    try:
        parent = client.chat_postMessage(
            channel=command["channel_id"], text=asked_text(user, question)
        )
    except SlackApiError as error:
        if error.response.get("error") in ("not_in_channel", "channel_not_found"):
            respond(
                response_type="ephemeral",
                text="I can't post in this channel; invite me with `/invite @journeybot`, "
                "or ask me in a direct message.",
            )
            return
        raise
    answer_in_thread(
        client,
        services.of(context),
        channel=parent["channel"],
        thread_ts=parent["ts"],
        user_id=user,
        question=question,
    )


def register(app: App) -> None:
    """Adds this listener to the app."""
    app.command("/ask")(ack=acknowledge, lazy=[once(answer_command)])
