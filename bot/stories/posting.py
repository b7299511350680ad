"""Posting a customer story to Slack: claim → (after a takeover: look in the channel) → pick →
re-check consent → render → chat.postMessage with a marker → record the message ts. The steps
around the story are bot/slack/post_once.py's, shared with the digest and alerts.

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
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.slack.post_once import Draft, Outcome, post_once, worker_id
from bot.stories.history import EVENT_TYPE
from bot.stories.workspace_people import known_people
from bot.stories.writer import write_story
from bot.views.story import story_message
from knowledge.chat_model import ChatModel
from knowledge.language import detect
from metrics.stories.cards import StoryCard
from metrics.stories.claims import STORIES, iso_week, record_post, week_status
from metrics.stories.selection import is_consented, names_to_redact, next_story

log = logging.getLogger(__name__)

#: story_posts rows of `/story share` posts have `manual:<message ts>` where weeks have 2026-W48.
SHARE_PREFIX = "manual:"
#: The claim a `/story share` holds while it posts: one share per channel at a time.
SHARE_CLAIM = f"{SHARE_PREFIX}sharing"


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
    """Claim `claim_key` in `channel`, then post one story at most once for it: the shared
    post-once flow, with the consent re-check between claim and post, the story key in the
    marker, and a share's row renamed to its own key once posted."""
    me = claimed_by or worker_id()

    def compose() -> Draft | None:
        card = prepare_card(engine, allow_repeats=allow_repeats, llm_model=llm_model, client=client)
        if card is None or not is_consented(engine, card.key):
            log.info("story %s skipped for %s: no new consented story", claim_key, channel)
            return None
        text, blocks = story_message(card)
        return Draft(text=text, blocks=blocks, payload={"story_key": card.key})

    def record(message_ts: str, payload: dict[str, str]) -> None:
        record_post(
            engine,
            channel,
            claim_key,
            claimed_by=me,
            story_key=payload.get("story_key", ""),
            message_ts=message_ts,
            record_as=share_key(message_ts) if shared else None,
        )

    posting = post_once(
        engine,
        client,
        channel,
        claim_key,
        compose,
        event_type=EVENT_TYPE,
        what="story",
        ledger=STORIES,
        claimed_by=me,
        now=now,
        record=record,
    )
    story_key = posting.payload.get("story_key")
    if posting.outcome == "already_posted" and story_key is None:
        status = week_status(engine, channel, claim_key)
        story_key = status.story_key if status else None
    return PostResult(
        outcome=posting.outcome,
        channel=channel,
        iso_week=claim_key,
        message_ts=posting.message_ts,
        story_key=story_key,
        detail=posting.detail,
    )


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
