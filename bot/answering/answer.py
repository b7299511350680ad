"""Answer a question: ask the knowledge base, log the answer for feedback, deliver it.

Mentions, DMs and thread follow-ups are answered in their thread ("Working on it…" replaced
in place). `/ask` is answered privately, with a "Share in channel" button: a question asked
with a command is the asker's own until they choose to show it. Runs in Bolt's lazy
listeners (after the ack), so it may take seconds.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.answering import feedback, kpi_figures
from bot.i18n.reader import typed_language
from bot.services import Services
from bot.slack.failures import problem_text, request_id, unexpected_error_text
from bot.views.answer import (
    answer_blocks,
    asked_question,
    error_reply,
    fallback_text,
    private_answer_blocks,
    working_text,
)
from bot.views.mrkdwn import plain
from knowledge.errors import KnowledgeError

log = logging.getLogger(__name__)

_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
#: How many earlier user turns of a thread are passed on as history.
MAX_HISTORY_TURNS = 6


@dataclass(frozen=True)
class Reply:
    """A message ready to send: the notification text and the blocks."""

    text: str
    blocks: list[dict]


def strip_mentions(text: str) -> str:
    """A Slack message as a question: mentions dropped, the rest as plain text."""
    return " ".join(plain(_MENTION.sub(" ", text or "")).split())


def _asked_question(message: dict, thread_ts: str) -> str | None:
    """The question of a shared `/ask` answer: the bot posted it, but a user asked it."""
    if message.get("ts") != thread_ts:
        return None
    return asked_question(message.get("text", ""))


def thread_history(
    client: WebClient,
    *,
    channel: str,
    thread_ts: str,
    before_ts: str,
    bot_user_id: str | None,
) -> list[str]:
    """The earlier user questions in the thread (oldest first), without mentions."""
    replies = client.conversations_replies(channel=channel, ts=thread_ts, limit=100)
    turns: list[str] = []
    for m in replies.get("messages", []):
        if float(m.get("ts", "0")) >= float(before_ts):
            continue
        asked = _asked_question(m, thread_ts)
        if asked is not None:
            turns.append(" ".join(asked.split()))
        elif not m.get("bot_id") and m.get("user") != bot_user_id and not m.get("subtype"):
            turns.append(strip_mentions(m.get("text", "")))
    return [t for t in turns if t][-MAX_HISTORY_TURNS:]


def bot_in_thread(
    client: WebClient, *, channel: str, thread_ts: str, bot_user_id: str | None, bot_id: str | None
) -> tuple[bool, list[dict]]:
    """Whether the bot has replied in this thread (follow-ups need no mention then)."""
    messages = client.conversations_replies(channel=channel, ts=thread_ts, limit=100).get(
        "messages", []
    )
    mine = any(
        (bot_user_id and m.get("user") == bot_user_id) or (bot_id and m.get("bot_id") == bot_id)
        for m in messages
    )
    return mine, messages


def compose_answer(
    services: Services,
    *,
    user_id: str,
    channel: str | None,
    thread_ts: str | None,
    question: str,
    history: Sequence[str] = (),
    private: bool = False,
) -> Reply:
    """The answer (or one sentence saying why there is none), logged for 👍/👎."""
    rid = request_id()
    try:
        answer = services.knowledge_base().ask(question, list(history))
    except KnowledgeError as error:
        return Reply(*error_reply(problem_text(error, typed_language(question)), escaped=True))
    except Exception:
        log.exception("answering failed [request id %s] question=%r", rid, question[:200])
        text = unexpected_error_text(rid, language=typed_language(question))
        return Reply(*error_reply(text, escaped=True))
    feedback_id: int | None = None
    try:
        feedback_id = feedback.store_answer(
            services.engine(),
            user_id=user_id,
            channel=channel,
            thread_ts=thread_ts,
            question=question,
            answer=answer,
        )
    except Exception:
        log.exception("could not log the answer for feedback [request id %s]", rid)
    if private:
        blocks = private_answer_blocks(question, answer, feedback_id=feedback_id)
    else:
        blocks = answer_blocks(answer, feedback_id=feedback_id)
    return Reply(fallback_text(answer), blocks)


def answer_in_thread(
    client: WebClient,
    services: Services,
    *,
    channel: str,
    thread_ts: str,
    user_id: str,
    question: str,
    history: Sequence[str] = (),
) -> None:
    """Post 'working on it' in the thread, then replace it with the answer (or one sentence)."""
    working = working_text(typed_language(question))
    placeholder = client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=working)
    figure = kpi_figures.answer_if_kpi(client, services, user_id=user_id, question=question)
    if figure is not None:
        reply = Reply(*figure)
    else:
        reply = compose_answer(
            services,
            user_id=user_id,
            channel=channel,
            thread_ts=thread_ts,
            question=question,
            history=history,
        )
    client.chat_update(channel=channel, ts=placeholder["ts"], text=reply.text, blocks=reply.blocks)


def answer_privately(
    respond: Respond,
    client: WebClient,
    services: Services,
    *,
    channel: str,
    user_id: str,
    question: str,
) -> None:
    """The answer only the asker sees (through the command's response_url, which works in
    any conversation, the bot a member or not), with a button to share it. A question for
    one of our KPI figures gets the figure instead (its chart in the asker's DM)."""
    figure = kpi_figures.answer_if_kpi(client, services, user_id=user_id, question=question)
    if figure is not None:
        respond(response_type="ephemeral", text=figure[0], blocks=figure[1])
        return
    reply = compose_answer(
        services, user_id=user_id, channel=channel, thread_ts=None, question=question, private=True
    )
    respond(response_type="ephemeral", text=reply.text, blocks=reply.blocks)
