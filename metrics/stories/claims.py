"""Exactly one story per channel and ISO week, across restarts and replicas.

The claim mechanism is metrics/claims.py's; the story's ledger is `story_posts`, keyed by ISO
week (`iso_week`). The crash may have come after Slack accepted the post, so a takeover says
when the stale claim was made: the caller must look for that post before posting again
(bot/stories/history.py).

`/story share` uses the same rows with a per-channel key (`manual:sharing`) while it posts, so
shares in one channel happen one at a time; once posted, the row is renamed to the message's
own key (`manual:<ts>`) and the next share can claim again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import insert, update
from sqlalchemy.engine import Engine

from metrics import claims
from metrics.claims import STALE_AFTER, Claim, Ledger
from metrics.schema import story_posts

#: The weekly story's and `/story share`'s claims.
STORIES = Ledger(story_posts, "iso_week")


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
    row = claims.row(engine, STORIES, channel, week)
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
    return claims.claim(
        engine, STORIES, channel, week, claimed_by=claimed_by, now=now, stale_after=stale_after
    )


def hand_back(
    engine: Engine, channel: str, week: str, *, claimed_by: str, claimed_at: datetime
) -> None:
    """Puts a taken-over claim back as it was (stale): see metrics.claims.hand_back."""
    claims.hand_back(engine, STORIES, channel, week, claimed_by=claimed_by, claimed_at=claimed_at)


def recorded_messages(engine: Engine, channel: str) -> set[str]:
    """The ts of every story message recorded in `channel`."""
    return claims.recorded_messages(engine, STORIES, channel)


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
    if record_as is None:
        return claims.mark_posted(
            engine,
            STORIES,
            channel,
            week,
            claimed_by=claimed_by,
            message_ts=message_ts,
            now=now,
            story_key=story_key,
        )
    now = now or datetime.now(UTC)
    posted = {"story_key": story_key, "message_ts": message_ts, "posted_at": now}
    with engine.begin() as conn:
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
    claims.release(engine, STORIES, channel, week, claimed_by=claimed_by)
