"""Claims on Slack deliveries (table `processed_events`): whoever inserts a key first owns it.

The key is opaque here (bot/slack/dedupe.py says what makes two deliveries the same). A claim
only guards against retries and replays, which come within minutes, so claims older than
CLAIM_TTL are pruned and the table does not grow forever.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from metrics.schema import processed_events

CLAIM_TTL = timedelta(hours=1)
#: The longest key the table holds; longer keys must be hashed by the caller.
KEY_CHARS = processed_events.c.event_id.type.length or 100


def claim(engine: Engine, key: str, *, now: datetime | None = None) -> bool:
    """True if this process is the first to claim `key` (the insert won)."""
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(processed_events).values(event_id=key, received_at=now or datetime.now(UTC))
            )
    except IntegrityError:
        return False
    return True


def prune(engine: Engine, *, now: datetime | None = None) -> int:
    """Deletes claims older than CLAIM_TTL; returns how many."""
    cutoff = (now or datetime.now(UTC)) - CLAIM_TTL
    with engine.begin() as conn:
        result = conn.execute(
            delete(processed_events).where(processed_events.c.received_at < cutoff)
        )
    return result.rowcount or 0
