"""Exactly one story per channel and ISO week, across restarts and replicas.

APScheduler job stores must not be shared between schedulers (FINDINGS: 13 runs for 6
periods with 3 processes), so the guarantee comes from the database: the first process to
INSERT (channel, iso_week) under the unique constraint owns the week. A claim left by a crash
(posted_at still null after `STALE_AFTER`) is taken over with one conditional UPDATE, so
exactly one process wins the takeover too. The crash may have come after Slack accepted the
post, so a takeover says when the stale claim was made: the caller must look for that post
before posting again (bot/stories/history.py).

`/story share` uses the same rows with a per-channel key (`manual:sharing`) while it posts, so
shares in one channel happen one at a time; once posted, the row is renamed to the message's
own key (`manual:<ts>`) and the next share can claim again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from metrics.schema import story_posts

STALE_AFTER = timedelta(minutes=10)

ClaimState = Literal["won", "posted", "held"]


class Claim(BaseModel):
    """The answer to a claim: `state`, and when a stale claim was taken over, its time."""

    state: ClaimState
    #: When the claim we took over was made (None: a fresh claim). Its post may have gone out.
    taken_over_from: datetime | None = None


class WeekStatus(BaseModel):
    """What the database says about one channel's week."""

    channel: str
    iso_week: str
    claimed_by: str
    claimed_at: datetime
    posted_at: datetime | None
    story_key: str | None
    message_ts: str | None


def iso_week(moment: datetime) -> str:
    """`2026-W48`: the ISO year and week of `moment` (in its own time zone)."""
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def week_status(engine: Engine, channel: str, week: str) -> WeekStatus | None:
    with engine.connect() as conn:
        row = conn.execute(
            select(story_posts).where(
                story_posts.c.channel == channel, story_posts.c.iso_week == week
            )
        ).first()
    return WeekStatus.model_validate(dict(row._mapping)) if row else None


def claim_week(
    engine: Engine,
    channel: str,
    week: str,
    *,
    claimed_by: str,
    now: datetime | None = None,
    stale_after: timedelta = STALE_AFTER,
) -> Claim:
    """ "won" if this caller may post now (`taken_over_from` set if it took over a stale
    claim); "posted" if the week is done; "held" if another process holds a fresh claim."""
    now = now or datetime.now(UTC)
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(story_posts).values(
                    channel=channel, iso_week=week, claimed_by=claimed_by, claimed_at=now
                )
            )
        return Claim(state="won")
    except IntegrityError:
        pass
    status = week_status(engine, channel, week)
    if status is not None and status.posted_at is None and status.claimed_at < now - stale_after:
        with engine.begin() as conn:
            taken = conn.execute(
                update(story_posts)
                .where(
                    story_posts.c.channel == channel,
                    story_posts.c.iso_week == week,
                    story_posts.c.posted_at.is_(None),
                    story_posts.c.claimed_at == status.claimed_at,
                )
                .values(claimed_by=claimed_by, claimed_at=now)
            )
        if taken.rowcount == 1:
            return Claim(state="won", taken_over_from=status.claimed_at)
        status = week_status(engine, channel, week)
    posted = status is not None and status.posted_at is not None
    return Claim(state="posted" if posted else "held")


def hand_back(
    engine: Engine, channel: str, week: str, *, claimed_by: str, claimed_at: datetime
) -> None:
    """Puts a taken-over claim back as it was (stale), because we could not find out whether
    its post went out: the next run takes it over and looks again instead of waiting."""
    with engine.begin() as conn:
        conn.execute(
            update(story_posts)
            .where(
                story_posts.c.channel == channel,
                story_posts.c.iso_week == week,
                story_posts.c.claimed_by == claimed_by,
                story_posts.c.posted_at.is_(None),
            )
            .values(claimed_at=claimed_at)
        )


def recorded_messages(engine: Engine, channel: str) -> set[str]:
    """The ts of every story message recorded in `channel`."""
    with engine.connect() as conn:
        return set(
            conn.execute(
                select(story_posts.c.message_ts).where(
                    story_posts.c.channel == channel, story_posts.c.message_ts.is_not(None)
                )
            ).scalars()
        )


def record_post(
    engine: Engine,
    channel: str,
    week: str,
    *,
    claimed_by: str,
    story_key: str,
    message_ts: str,
    now: datetime | None = None,
    record_as: str | None = None,
) -> bool:
    """Marks the week posted; False if our claim was taken over meanwhile (still recorded).

    With `record_as`, the claim row is renamed to that key (a share frees `manual:sharing`
    for the next share); if the claim is no longer ours, the post gets a row of its own."""
    now = now or datetime.now(UTC)
    posted = {"story_key": story_key, "message_ts": message_ts, "posted_at": now}
    with engine.begin() as conn:
        if record_as is None:
            result = conn.execute(
                update(story_posts)
                .where(story_posts.c.channel == channel, story_posts.c.iso_week == week)
                .values(**posted, claimed_by=claimed_by)
            )
            return result.rowcount == 1
        result = conn.execute(
            update(story_posts)
            .where(
                story_posts.c.channel == channel,
                story_posts.c.iso_week == week,
                story_posts.c.claimed_by == claimed_by,
                story_posts.c.posted_at.is_(None),
            )
            .values(**posted, iso_week=record_as)
        )
        if result.rowcount == 1:
            return True
        conn.execute(
            insert(story_posts).values(
                **posted, channel=channel, iso_week=record_as, claimed_by=claimed_by, claimed_at=now
            )
        )
        return False


def release_claim(engine: Engine, channel: str, week: str, *, claimed_by: str) -> None:
    """Gives the week back (nothing to post, or Slack said no): a later run may try again."""
    with engine.begin() as conn:
        conn.execute(
            delete(story_posts).where(
                and_(
                    story_posts.c.channel == channel,
                    story_posts.c.iso_week == week,
                    story_posts.c.claimed_by == claimed_by,
                    story_posts.c.posted_at.is_(None),
                )
            )
        )
