"""`/ask QUESTION`: answered privately; the asker may then share the answer in the channel.

Nothing is posted in the channel until the asker presses "Share in channel" (see
bot.listeners.actions.share_answer): a question typed into a command is not an announcement.
"""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot import services
from bot.answering.answer import answer_privately
from bot.slack.dedupe import once
from bot.views.answer import WORKING_TEXT
from bot.views.mrkdwn import plain

USAGE = "Type your question after the command, e.g. `/ask How do we measure NPS?`"


def question_of(command: dict) -> str:
    """The command text as the person wrote it (Slack sends it in its own markup)."""
    return " ".join(plain(command.get("text", "")).split())


def acknowledge(ack: Ack, command: dict) -> None:
    """The ack is shown only to the asker: the usage, or that the answer is on its way."""
    if not question_of(command):
        ack(text=USAGE)
        return
    ack(text=WORKING_TEXT)


def answer_command(
    command: dict, client: WebClient, context: BoltContext, respond: Respond
) -> None:
    question = question_of(command)
    if not question:
        return
    answer_privately(
        respond,
        client,
        services.of(context),
        channel=command["channel_id"],
        user_id=command["user_id"],
        question=question,
    )


def register(app: App) -> None:
    """Adds this listener to the app."""
    app.command("/ask")(ack=acknowledge, lazy=[once(answer_command)])
