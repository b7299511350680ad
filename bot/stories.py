"""Posting a customer story to Slack: claim the week → pick → re-check consent → render →
chat.postMessage → record the message ts.

The claim makes the weekly post exactly-once across replicas and restarts (see
metrics/story_claims.py). Consent is enforced in the selection SQL and checked AGAIN right
before the post, so a consent withdrawn a second ago still stops the story.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine

from bot.story_writer import write_story
from bot.views.story import story_message
from metrics.stories import StoryCard, is_consented, names_to_redact, next_story
from metrics.story_claims import claim_week, iso_week, record_post, release_claim, week_status

log = logging.getLogger(__name__)

#: story_posts rows of `/story share` posts have `manual:<message ts>` where weeks have 2026-W48.
SHARE_PREFIX = "manual:"

Outcome = Literal["posted", "already_posted", "in_progress_elsewhere", "nothing_to_post", "failed"]


class PostResult(BaseModel):
    """What happened to one channel's week (the CLI prints it, the scheduler logs it)."""

    outcome: Outcome
    channel: str
    iso_week: str
    message_ts: str | None = None
    story_key: str | None = None
    detail: str = ""


def worker_id() -> str:
    """Who holds a claim: host and pid, so a stale claim in the table can be traced."""
    return f"{socket.gethostname()}:{os.getpid()}"


def current_week(timezone: str, now: datetime | None = None) -> str:
    return iso_week((now or datetime.now(UTC)).astimezone(ZoneInfo(timezone)))


def prepare_card(engine: Engine, *, allow_repeats: bool, llm_model: str | None) -> StoryCard | None:
    """The next consented, redacted card, narrated by the LLM if one is configured."""
    card = next_story(engine, allow_repeats=allow_repeats)
    if card is None:
        return None
    return write_story(card, llm_model=llm_model, names=names_to_redact(engine, card.customer_id))


def post_card(client: WebClient, channel: str, card: StoryCard) -> str:
    """Posts the card and returns the message ts."""
    text, blocks = story_message(card)
    response = client.chat_postMessage(
        channel=channel, text=text, blocks=blocks, unfurl_links=False
    )
    return str(response["ts"])


def post_weekly_story(
    engine: Engine,
    client: WebClient,
    channel: str,
    *,
    week: str | None = None,
    timezone: str = "UTC",
    allow_repeats: bool = False,
    llm_model: str | None = None,
    now: datetime | None = None,
    claimed_by: str | None = None,
) -> PostResult:
    """At most one story per channel and ISO week, however many processes call this."""
    now = now or datetime.now(UTC)
    week = week or current_week(timezone, now)
    me = claimed_by or worker_id()
    state = claim_week(engine, channel, week, claimed_by=me, now=now)
    if state != "won":
        status = week_status(engine, channel, week)
        if state == "posted" and status is not None:
            return PostResult(
                outcome="already_posted",
                channel=channel,
                iso_week=week,
                message_ts=status.message_ts,
                story_key=status.story_key,
            )
        return PostResult(outcome="in_progress_elsewhere", channel=channel, iso_week=week)
    card = prepare_card(engine, allow_repeats=allow_repeats, llm_model=llm_model)
    if card is None or not is_consented(engine, card.key):
        release_claim(engine, channel, week, claimed_by=me)
        log.info("story week %s skipped for %s: no new consented story", week, channel)
        return PostResult(outcome="nothing_to_post", channel=channel, iso_week=week)
    try:
        ts = post_card(client, channel, card)
    except SlackApiError as error:
        # Slack answered "no": nothing was posted, so give the week back for a retry.
        release_claim(engine, channel, week, claimed_by=me)
        reason = error.response.get("error", "unknown_error")
        log.warning("story post to %s failed: %s", channel, reason)
        return PostResult(outcome="failed", channel=channel, iso_week=week, detail=str(reason))
    # Any other error (network) leaves the claim: it may have posted; a stale claim is
    # retried after metrics.story_claims.STALE_AFTER.
    record_post(engine, channel, week, claimed_by=me, story_key=card.key, message_ts=ts)
    log.info("story %s posted to %s for %s (ts %s)", card.key, channel, week, ts)
    return PostResult(
        outcome="posted", channel=channel, iso_week=week, message_ts=ts, story_key=card.key
    )


def share_key(message_ts: str) -> str:
    """The story_posts week key of a `/story share`: one row per post, never an ISO week."""
    return f"{SHARE_PREFIX}{message_ts}"


def share_story(
    engine: Engine,
    client: WebClient,
    channel: str,
    *,
    allow_repeats: bool,
    llm_model: str | None = None,
    claimed_by: str | None = None,
) -> StoryCard | None:
    """`/story share`: posts the next story now, outside the weekly claim (consent still
    holds), and records it so neither the weekly job nor a later share posts it again."""
    card = prepare_card(engine, allow_repeats=allow_repeats, llm_model=llm_model)
    if card is None or not is_consented(engine, card.key):
        return None
    ts = post_card(client, channel, card)
    me = claimed_by or worker_id()
    key = share_key(ts)
    # The key is unique per message, so the claim is always ours; it only makes the row.
    claim_week(engine, channel, key, claimed_by=me)
    record_post(engine, channel, key, claimed_by=me, story_key=card.key, message_ts=ts)
    log.info("story %s shared in %s (ts %s)", card.key, channel, ts)
    return card
