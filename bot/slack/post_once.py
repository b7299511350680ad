"""Posting one message to a channel at most once per claim key, across replicas and crashes:
claim → (after a takeover: look in the channel) → compose → chat.postMessage with a marker →
record the message ts. The KPI digest and alert announcements post through this.

The claim is metrics/claims.py's. Slack has no idempotency key: a post whose outcome we do not
know (a timeout, or a crash after Slack accepted it) leaves its claim; whoever takes that
claim over first looks for the post by its metadata marker (bot/story_history.py) and records
it instead of posting again. If the history cannot be read, nothing is posted and the reason
is given. The weekly story posts through this too: its consent re-check sits in `compose`, its
story key rides in the marker's payload and its own ledger row is written by `record`.
"""

from __future__ import annotations

import copy
import logging
import os
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from sqlalchemy.engine import Engine

from bot.stories.history import FoundPost, HistoryUnreadable, find_unrecorded_post
from metrics import claims
from metrics.claims import POSTS, Ledger

log = logging.getLogger(__name__)

Outcome = Literal[
    "posted",
    "already_posted",
    "in_progress_elsewhere",
    "nothing_to_post",
    "failed",
    "outcome_unknown",
    "history_unreadable",
]
#: (notification text, blocks)
Message = tuple[str, list[dict]]


class Draft(BaseModel):
    """A message to post and what its marker carries besides the claim (a story's key), so a
    post found again after a crash says what it was."""

    text: str
    blocks: list[dict]
    payload: dict[str, str] = {}


#: Records a post in the ledger: (message ts, the marker's payload).
Record = Callable[[str, dict[str, str]], None]


class Posting(BaseModel):
    """What happened to one claimed post. `outcome_unknown`: Slack did not answer; the claim
    stays and the next run looks in the channel first. `history_unreadable`: a post may have
    gone out and the channel could not be checked; `detail` says what to fix."""

    outcome: Outcome
    channel: str
    key: str
    message_ts: str | None = None
    detail: str = ""
    #: The marker's payload of the post we made (or found): empty when nothing went out.
    payload: dict[str, str] = {}


def worker_id() -> str:
    """Who holds a claim: host and pid, so a stale claim in the table can be traced."""
    return f"{socket.gethostname()}:{os.getpid()}"


def without_resends(client: WebClient) -> WebClient:
    """`client` without the retries that resend a request Slack may have carried out (a
    dropped connection, a server error): a resent chat.postMessage is a second post. Rate
    limits (429) are still waited out: Slack did not carry those out."""
    kept = [h for h in client.retry_handlers if isinstance(h, RateLimitErrorRetryHandler)]
    if len(kept) == len(client.retry_handlers):
        return client
    poster = copy.copy(client)
    poster.retry_handlers = kept
    return poster


def marker(event_type: str, key: str, payload: dict[str, str] | None = None) -> dict:
    """The message metadata a post carries, so it can be found again after a crash."""
    return {"event_type": event_type, "event_payload": {"claim": key, **(payload or {})}}


def post_once(
    engine: Engine,
    client: WebClient,
    channel: str,
    key: str,
    compose: Callable[[], Message | Draft | None],
    *,
    event_type: str,
    what: str,
    ledger: Ledger = POSTS,
    claimed_by: str | None = None,
    now: datetime | None = None,
    record: Record | None = None,
) -> Posting:
    """Posts `compose()` to `channel` once for `key`; `compose` runs only once the claim is
    ours, and None from it means nothing to post (the claim is given back). `what` names the
    message in sentences ("digest", "alert"); `record` replaces marking the ledger row posted
    when a ledger keeps more than the message ts."""
    me = claimed_by or worker_id()
    now = now or datetime.now(UTC)
    result = Posting(outcome="posted", channel=channel, key=key)
    done = claims.status(engine, ledger, channel, key)
    if done is not None and done.posted_at is not None:
        return result.model_copy(
            update={"outcome": "already_posted", "message_ts": done.message_ts}
        )
    claim = claims.claim(engine, ledger, channel, key, claimed_by=me, now=now)
    if claim.state != "won":
        status = claims.status(engine, ledger, channel, key)
        if claim.state == "posted" and status is not None:
            return result.model_copy(
                update={"outcome": "already_posted", "message_ts": status.message_ts}
            )
        return result.model_copy(update={"outcome": "in_progress_elsewhere"})

    def look(since: datetime) -> FoundPost | None:
        return find_unrecorded_post(
            client,
            channel,
            key,
            since=since,
            recorded=claims.recorded_messages(engine, ledger, channel),
            event_type=event_type,
            what=what,
        )

    def mark_posted(message_ts: str, payload: dict[str, str]) -> None:
        claims.mark_posted(engine, ledger, channel, key, claimed_by=me, message_ts=message_ts)

    keep = record or mark_posted

    if claim.taken_over_from is not None:
        # Whoever held this claim may have posted before it died: look before posting.
        try:
            found = look(claim.taken_over_from)
        except HistoryUnreadable as error:
            claims.hand_back(
                engine, ledger, channel, key, claimed_by=me, claimed_at=claim.taken_over_from
            )
            log.error("%s %s in %s not posted: %s", what, key, channel, error)
            return result.model_copy(update={"outcome": "history_unreadable", "detail": str(error)})
        if found is not None:
            keep(found.message_ts, found.payload)
            log.info("%s %s was already in %s; recorded", what, key, channel)
            return result.model_copy(
                update={
                    "outcome": "already_posted",
                    "message_ts": found.message_ts,
                    "payload": found.payload,
                }
            )
    try:
        message = compose()
    except BaseException:
        claims.release(engine, ledger, channel, key, claimed_by=me)
        raise
    if message is None:
        claims.release(engine, ledger, channel, key, claimed_by=me)
        return result.model_copy(update={"outcome": "nothing_to_post"})
    draft = message if isinstance(message, Draft) else Draft(text=message[0], blocks=message[1])
    payload = draft.payload
    try:
        response = without_resends(client).chat_postMessage(
            channel=channel,
            text=draft.text,
            blocks=draft.blocks,
            unfurl_links=False,
            metadata=marker(event_type, key, payload),
        )
        message_ts: str | None = str(response["ts"])
    except SlackApiError as error:
        # Slack answered "no": nothing was posted, so give the claim back for a retry.
        claims.release(engine, ledger, channel, key, claimed_by=me)
        reason = error.response.get("error", "unknown_error")
        log.warning("%s post to %s failed: %s", what, channel, reason)
        return result.model_copy(update={"outcome": "failed", "detail": str(reason)})
    except OSError as error:
        # No answer: Slack may have posted it. Look once now; otherwise the claim stays and
        # whoever takes it over once it is stale looks again before posting.
        try:
            found = look(now)
        except HistoryUnreadable:
            found = None
        if found is None:
            log.warning("%s post to %s got no answer (%s): outcome unknown", what, channel, error)
            return result.model_copy(
                update={
                    "outcome": "outcome_unknown",
                    "detail": type(error).__name__,
                    "payload": payload,
                }
            )
        message_ts, payload = found.message_ts, found.payload
    keep(message_ts, payload)
    log.info("%s %s posted to %s (ts %s)", what, key, channel, message_ts)
    return result.model_copy(update={"message_ts": message_ts, "payload": payload})
