"""Answer a question in a Slack thread: placeholder, knowledge base, update in place.

Shared by @mentions, DMs, thread follow-ups and /ask, so they behave identically. Runs in
Bolt's lazy listeners (after the ack), so it may take seconds.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Sequence

from slack_sdk import WebClient

from bot import feedback
from bot.services import Services
from bot.views.answer import WORKING_TEXT, answer_blocks, error_blocks, fallback_text
from knowledge.errors import KnowledgeError

log = logging.getLogger(__name__)

_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
#: How `/ask` posts the question it answers in the thread below (see asked_text).
_ASKED = re.compile(r"^<@[A-Z0-9]+(?:\|[^>]*)?> asked: (?P<question>.+)$", re.DOTALL)
#: How many earlier user turns of a thread are passed on as history.
MAX_HISTORY_TURNS = 6


def request_id() -> str:
    """Short id shown to the user and written to the log, to find one failure again."""
    return uuid.uuid4().hex[:8]


def strip_mentions(text: str) -> str:
    return " ".join(_MENTION.sub(" ", text or "").split())


def unexpected_error_text(rid: str) -> str:
    return (
        f"Something went wrong on my side while answering (request id {rid}); "
        "please try again, and give that id to whoever runs journeybot if it keeps happening."
    )


def asked_text(user_id: str, question: str) -> str:
    """The channel message `/ask` answers under; thread_history reads the question back."""
    return f"<@{user_id}> asked: {question}"


def _asked_question(message: dict, thread_ts: str) -> str | None:
    """The question of an `/ask` thread parent: the bot posted it, but a user asked it."""
    if message.get("ts") != thread_ts:
        return None
    asked = _ASKED.match(message.get("text", ""))
    return asked.group("question") if asked else None


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
            turns.append(strip_mentions(asked))
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
    placeholder = client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=WORKING_TEXT)
    placeholder_ts = placeholder["ts"]
    rid = request_id()
    try:
        answer = services.knowledge_base().ask(question, list(history))
    except KnowledgeError as error:
        _replace(client, channel, placeholder_ts, str(error), error_blocks(str(error)))
        return
    except Exception:
        log.exception("answering failed [request id %s] question=%r", rid, question[:200])
        message = unexpected_error_text(rid)
        _replace(client, channel, placeholder_ts, message, error_blocks(message))
        return
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
    blocks = answer_blocks(answer, feedback_id=feedback_id)
    _replace(client, channel, placeholder_ts, fallback_text(answer), blocks)


def _replace(client: WebClient, channel: str, ts: str, text: str, blocks: list[dict]) -> None:
    client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
