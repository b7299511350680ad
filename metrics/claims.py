"""Exactly-once posts across restarts and replicas: claim (channel, key) in the database first.

APScheduler job stores must not be shared between schedulers (FINDINGS: 13 runs for 6
periods with 3 processes), so the guarantee comes from the database: the first process to
INSERT (channel, key) under the table's unique constraint owns the post. A claim left by a
crash (posted_at still null after `STALE_AFTER`) is taken over with one conditional UPDATE, so
exactly one process wins the takeover too. The crash may have come after Slack accepted the
post, so a takeover says when the stale claim was made: the caller must look for that post
before posting again.

One mechanism, several ledgers: the weekly story keys `story_posts` by ISO week
(metrics/stories/claims.py); the KPI digest (`digest:2026-W48`) and alerts
(`alert:<rule>:<episode>:breached`) key `post_claims`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import Column, Row, Table, delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from metrics.schema import post_claims

STALE_AFTER = timedelta(minutes=10)

ClaimState = Literal["won", "posted", "held"]


@dataclass(frozen=True)
class Ledger:
    """A table of claims: `channel`, a key column, `claimed_by`, `claimed_at`, `posted_at`
    and `message_ts`, unique on (channel, key)."""

    table: Table
    key_column: str = "claim_key"

    @property
    def key(self) -> Column:
        return self.table.c[self.key_column]

    def where(self, channel: str, key: str) -> list:
        return [self.table.c.channel == channel, self.key == key]


#: Digest and alert posts.
POSTS = Ledger(post_claims)


class Claim(BaseModel):
    """The answer to a claim: `state`, and when a stale claim was taken over, its time."""

    state: ClaimState
    #: When the claim we took over was made (None: a fresh claim). Its post may have gone out.
    taken_over_from: datetime | None = None


class ClaimStatus(BaseModel):
    """What the database says about one claim."""

    channel: str
    key: str
    claimed_by: str
    claimed_at: datetime
    posted_at: datetime | None
    message_ts: str | None


def row(engine: Engine, ledger: Ledger, channel: str, key: str) -> Row | None:
    """The claim's whole row (a ledger may have columns of its own), or None."""
    with engine.connect() as conn:
        return conn.execute(select(ledger.table).where(*ledger.where(channel, key))).first()


def status(engine: Engine, ledger: Ledger, channel: str, key: str) -> ClaimStatus | None:
    found = row(engine, ledger, channel, key)
    if found is None:
        return None
    values = dict(found._mapping)
    return ClaimStatus.model_validate({**values, "key": values[ledger.key_column]})


def claim(
    engine: Engine,
    ledger: Ledger,
    channel: str,
    key: str,
    *,
    claimed_by: str,
    now: datetime | None = None,
    stale_after: timedelta = STALE_AFTER,
) -> Claim:
    """ "won" if this caller may post now (`taken_over_from` set if it took over a stale
    claim); "posted" if the post is done; "held" if another process holds a fresh claim."""
    now = now or datetime.now(UTC)
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(ledger.table).values(
                    channel=channel,
                    **{ledger.key_column: key},
                    claimed_by=claimed_by,
                    claimed_at=now,
                )
            )
        return Claim(state="won")
    except IntegrityError:
        pass
    found = status(engine, ledger, channel, key)
    if found is not None and found.posted_at is None and found.claimed_at < now - stale_after:
        with engine.begin() as conn:
            taken = conn.execute(
                update(ledger.table)
                .where(
                    *ledger.where(channel, key),
                    ledger.table.c.posted_at.is_(None),
                    ledger.table.c.claimed_at == found.claimed_at,
                )
                .values(claimed_by=claimed_by, claimed_at=now)
            )
        if taken.rowcount == 1:
            return Claim(state="won", taken_over_from=found.claimed_at)
        found = status(engine, ledger, channel, key)
    posted = found is not None and found.posted_at is not None
    return Claim(state="posted" if posted else "held")


def hand_back(
    engine: Engine,
    ledger: Ledger,
    channel: str,
    key: str,
    *,
    claimed_by: str,
    claimed_at: datetime,
) -> None:
    """Puts a taken-over claim back as it was (stale), because we could not find out whether
    its post went out: the next run takes it over and looks again instead of waiting."""
    with engine.begin() as conn:
        conn.execute(
            update(ledger.table)
            .where(
                *ledger.where(channel, key),
                ledger.table.c.claimed_by == claimed_by,
                ledger.table.c.posted_at.is_(None),
            )
            .values(claimed_at=claimed_at)
        )


def recorded_messages(engine: Engine, ledger: Ledger, channel: str) -> set[str]:
    """The ts of every message recorded in `channel`."""
    with engine.connect() as conn:
        return set(
            conn.execute(
                select(ledger.table.c.message_ts).where(
                    ledger.table.c.channel == channel, ledger.table.c.message_ts.is_not(None)
                )
            ).scalars()
        )


def mark_posted(
    engine: Engine,
    ledger: Ledger,
    channel: str,
    key: str,
    *,
    claimed_by: str,
    message_ts: str,
    now: datetime | None = None,
    **values: Any,  # noqa: ANN401 (the ledger's own columns, e.g. story_key)
) -> bool:
    """Marks the claim posted; False if it was taken over meanwhile (still recorded)."""
    with engine.begin() as conn:
        result = conn.execute(
            update(ledger.table)
            .where(*ledger.where(channel, key))
            .values(
                **values,
                message_ts=message_ts,
                posted_at=now or datetime.now(UTC),
                claimed_by=claimed_by,
            )
        )
    return result.rowcount == 1


def release(engine: Engine, ledger: Ledger, channel: str, key: str, *, claimed_by: str) -> None:
    """Gives the claim back (nothing to post, or Slack said no): a later run may try again."""
    with engine.begin() as conn:
        conn.execute(
            delete(ledger.table).where(
                *ledger.where(channel, key),
                ledger.table.c.claimed_by == claimed_by,
                ledger.table.c.posted_at.is_(None),
            )
        )
