"""Exactly one story per channel and ISO week, across restarts and replicas.

APScheduler job stores must not be shared between schedulers (FINDINGS: 13 runs for 6
periods with 3 processes), so the guarantee comes from the database: the first process to
INSERT (channel, iso_week) under the unique constraint owns the week. A claim left by a crash
before posting (posted_at still null after `STALE_AFTER`) is taken over with one conditional
UPDATE, so exactly one process wins the takeover too.
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
) -> ClaimState:
    """ "won" if this caller may post now; "posted" if the week is done; "held" if another
    process holds a fresh claim."""
    now = now or datetime.now(UTC)
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(story_posts).values(
                    channel=channel, iso_week=week, claimed_by=claimed_by, claimed_at=now
                )
            )
        return "won"
    except IntegrityError:
        pass
    with engine.begin() as conn:
        taken = conn.execute(
            update(story_posts)
            .where(
                story_posts.c.channel == channel,
                story_posts.c.iso_week == week,
                story_posts.c.posted_at.is_(None),
                story_posts.c.claimed_at < now - stale_after,
            )
            .values(claimed_by=claimed_by, claimed_at=now)
        )
        if taken.rowcount == 1:
            return "won"
    status = week_status(engine, channel, week)
    return "posted" if status is not None and status.posted_at is not None else "held"


def record_post(
    engine: Engine,
    channel: str,
    week: str,
    *,
    claimed_by: str,
    story_key: str,
    message_ts: str,
    now: datetime | None = None,
) -> bool:
    """Marks the week posted; False if our claim was taken over meanwhile (still recorded)."""
    with engine.begin() as conn:
        result = conn.execute(
            update(story_posts)
            .where(story_posts.c.channel == channel, story_posts.c.iso_week == week)
            .values(
                story_key=story_key,
                message_ts=message_ts,
                posted_at=now or datetime.now(UTC),
                claimed_by=claimed_by,
            )
        )
        return result.rowcount == 1


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
