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

from datetime import UTC, datetime

from sqlalchemy import insert, update
from sqlalchemy.engine import Engine

from metrics import claims
from metrics.claims import Claim, ClaimStatus, Ledger
from metrics.schema import story_posts

#: The weekly story's and `/story share`'s claims.
STORIES = Ledger(story_posts, "iso_week")


class WeekStatus(ClaimStatus):
    """A claim of the story ledger: its key is the ISO week (or a share's key), and a posted
    row names the story."""

    story_key: str | None

    @property
    def iso_week(self) -> str:
        return self.key


def iso_week(moment: datetime) -> str:
    """`2026-W48`: the ISO year and week of `moment` (in its own time zone)."""
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def week_status(engine: Engine, channel: str, week: str) -> WeekStatus | None:
    row = claims.row(engine, STORIES, channel, week)
    return WeekStatus.model_validate({**row._mapping, "key": row.iso_week}) if row else None


def claim_week(
    engine: Engine, channel: str, week: str, *, claimed_by: str, now: datetime | None = None
) -> Claim:
    """metrics.claims.claim on the story ledger."""
    return claims.claim(engine, STORIES, channel, week, claimed_by=claimed_by, now=now)


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
