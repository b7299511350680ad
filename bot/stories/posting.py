"""Posting a customer story to Slack: claim → (after a takeover: look in the channel) → pick →
re-check consent → render → chat.postMessage with a marker → record the message ts.

The claim makes a post exactly-once across replicas and restarts (see
metrics/stories/claims.py): the weekly post claims (channel, ISO week), `/story share` claims
(channel, `manual:sharing`), so concurrent shares in a channel post one story, not one each.
Consent (and approval) is enforced in the selection SQL and checked AGAIN right before the
post, so a consent withdrawn a second ago still stops the story.

Slack has no idempotency key. A post whose outcome we do not know (a timeout, or a crash after
Slack accepted it) leaves its claim; whoever takes that claim over first looks for the post in
the channel's history by its metadata marker (bot/stories/history.py) and records it instead
of posting again. If the history cannot be read, nothing is posted and the reason is given.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine

from bot.slack.post_once import without_resends, worker_id
from bot.stories.history import (
    FoundPost,
    HistoryUnreadable,
    find_unrecorded_post,
    story_metadata,
)
from bot.stories.workspace_people import known_people
from bot.stories.writer import write_story
from bot.views.story import story_message
from knowledge.chat_model import ChatModel
from knowledge.language import detect
from metrics.stories.cards import StoryCard
from metrics.stories.claims import (
    claim_week,
    hand_back,
    iso_week,
    record_post,
    recorded_messages,
    release_claim,
    week_status,
)
from metrics.stories.selection import is_consented, names_to_redact, next_story

log = logging.getLogger(__name__)

#: story_posts rows of `/story share` posts have `manual:<message ts>` where weeks have 2026-W48.
SHARE_PREFIX = "manual:"
#: The claim a `/story share` holds while it posts: one share per channel at a time.
SHARE_CLAIM = f"{SHARE_PREFIX}sharing"

Outcome = Literal[
    "posted",
    "already_posted",
    "in_progress_elsewhere",
    "nothing_to_post",
    "failed",
    "outcome_unknown",
    "history_unreadable",
]


class PostResult(BaseModel):
    """What happened to one channel's week or share (the CLI prints it, the scheduler logs it).

    `outcome_unknown`: Slack did not answer the post; the claim stays and the next run looks in
    the channel first. `history_unreadable`: a post may have gone out and the channel could not
    be checked, so nothing was posted; `detail` says what to fix."""

    outcome: Outcome
    channel: str
    iso_week: str
    message_ts: str | None = None
    story_key: str | None = None
    detail: str = ""


def current_week(timezone: str, now: datetime | None = None) -> str:
    return iso_week((now or datetime.now(UTC)).astimezone(ZoneInfo(timezone)))


def prepare_card(
    engine: Engine,
    *,
    allow_repeats: bool,
    llm_model: ChatModel | None,
    client: WebClient | None = None,
) -> StoryCard | None:
    """The next consented, redacted card, narrated by the LLM if one is configured. With a
    client, the workspace's people are redacted too (besides every customer)."""
    known = known_people(engine, client)
    card = next_story(engine, detect_language=detect, allow_repeats=allow_repeats, known=known)
    if card is None:
        return None
    return write_story(
        card,
        llm_model=llm_model,
        names=names_to_redact(engine, card.customer_id),
        known_names=known,
    )


def post_card(client: WebClient, channel: str, card: StoryCard, *, claim_key: str) -> str:
    """Posts the card once, marked with its claim, and returns the message ts."""
    text, blocks = story_message(card)
    response = without_resends(client).chat_postMessage(
        channel=channel,
        text=text,
        blocks=blocks,
        unfurl_links=False,
        metadata=story_metadata(claim_key, card.key),
    )
    return str(response["ts"])


def _look_for_post(
    engine: Engine, client: WebClient, channel: str, claim_key: str, since: datetime
) -> FoundPost | None:
    return find_unrecorded_post(
        client, channel, claim_key, since=since, recorded=recorded_messages(engine, channel)
    )


def _post_once(
    engine: Engine,
    client: WebClient,
    channel: str,
    claim_key: str,
    *,
    allow_repeats: bool,
    llm_model: ChatModel | None,
    now: datetime,
    claimed_by: str | None,
    shared: bool,
) -> PostResult:
    """Claim `claim_key` in `channel`, then post one story at most once for it."""
    me = claimed_by or worker_id()
    result = PostResult(outcome="posted", channel=channel, iso_week=claim_key)

    def record(found: FoundPost) -> None:
        record_post(
            engine,
            channel,
            claim_key,
            claimed_by=me,
            story_key=found.story_key,
            message_ts=found.message_ts,
            record_as=share_key(found.message_ts) if shared else None,
        )

    claim = claim_week(engine, channel, claim_key, claimed_by=me, now=now)
    if claim.state != "won":
        status = week_status(engine, channel, claim_key)
        if claim.state == "posted" and status is not None:
            return result.model_copy(
                update={
                    "outcome": "already_posted",
                    "message_ts": status.message_ts,
                    "story_key": status.story_key,
                }
            )
        return result.model_copy(update={"outcome": "in_progress_elsewhere"})
    if claim.taken_over_from is not None:
        # Whoever held this claim may have posted before it died: look before posting.
        try:
            found = _look_for_post(engine, client, channel, claim_key, claim.taken_over_from)
        except HistoryUnreadable as error:
            hand_back(engine, channel, claim_key, claimed_by=me, claimed_at=claim.taken_over_from)
            log.error("story %s in %s not posted: %s", claim_key, channel, error)
            return result.model_copy(update={"outcome": "history_unreadable", "detail": str(error)})
        if found is not None:
            record(found)
            log.info(
                "story %s for %s was already in %s; recorded", found.story_key, claim_key, channel
            )
            return result.model_copy(
                update={
                    "outcome": "already_posted",
                    "message_ts": found.message_ts,
                    "story_key": found.story_key,
                }
            )
    card = prepare_card(engine, allow_repeats=allow_repeats, llm_model=llm_model, client=client)
    if card is None or not is_consented(engine, card.key):
        release_claim(engine, channel, claim_key, claimed_by=me)
        log.info("story %s skipped for %s: no new consented story", claim_key, channel)
        return result.model_copy(update={"outcome": "nothing_to_post"})
    try:
        found = FoundPost(
            message_ts=post_card(client, channel, card, claim_key=claim_key), story_key=card.key
        )
    except SlackApiError as error:
        # Slack answered "no": nothing was posted, so give the claim back for a retry.
        release_claim(engine, channel, claim_key, claimed_by=me)
        reason = error.response.get("error", "unknown_error")
        log.warning("story post to %s failed: %s", channel, reason)
        return result.model_copy(update={"outcome": "failed", "detail": str(reason)})
    except OSError as error:
        # No answer: Slack may have posted it. Look once now; otherwise the claim stays and
        # whoever takes it over once it is stale looks again before posting.
        try:
            found = _look_for_post(engine, client, channel, claim_key, now)
        except HistoryUnreadable:
            found = None
        if found is None:
            log.warning("story post to %s got no answer (%s): outcome unknown", channel, error)
            return result.model_copy(
                update={
                    "outcome": "outcome_unknown",
                    "story_key": card.key,
                    "detail": type(error).__name__,
                }
            )
    record(found)
    log.info("story %s posted to %s for %s (ts %s)", card.key, channel, claim_key, found.message_ts)
    return result.model_copy(update={"message_ts": found.message_ts, "story_key": found.story_key})


def post_weekly_story(
    engine: Engine,
    client: WebClient,
    channel: str,
    *,
    week: str | None = None,
    timezone: str = "UTC",
    allow_repeats: bool = False,
    llm_model: ChatModel | None = None,
    now: datetime | None = None,
    claimed_by: str | None = None,
) -> PostResult:
    """At most one story per channel and ISO week, however many processes call this."""
    now = now or datetime.now(UTC)
    return _post_once(
        engine,
        client,
        channel,
        week or current_week(timezone, now),
        allow_repeats=allow_repeats,
        llm_model=llm_model,
        now=now,
        claimed_by=claimed_by,
        shared=False,
    )


def share_key(message_ts: str) -> str:
    """The story_posts key of a recorded `/story share`: one row per post, never an ISO week."""
    return f"{SHARE_PREFIX}{message_ts}"


def share_story(
    engine: Engine,
    client: WebClient,
    channel: str,
    *,
    allow_repeats: bool,
    llm_model: ChatModel | None = None,
    claimed_by: str | None = None,
    now: datetime | None = None,
) -> PostResult:
    """`/story share`: posts the next story now, outside the weekly claim (consent still
    holds), one share per channel at a time, and records it so neither the weekly job nor a
    later share posts it again."""
    return _post_once(
        engine,
        client,
        channel,
        SHARE_CLAIM,
        allow_repeats=allow_repeats,
        llm_model=llm_model,
        now=now or datetime.now(UTC),
        claimed_by=claimed_by,
        shared=True,
    )
