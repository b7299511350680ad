"""Answer each Slack event once, even when Slack retries it or several replicas receive it.

Slack re-sends an event (same `event_id`, `X-Slack-Retry-Num` header) when it thinks the
first delivery was not acknowledged in time; Bolt does not de-duplicate. The claim is a row
in `processed_events`: whoever inserts the event_id first handles it, everyone else acks
and does nothing. Being a database row, it holds across processes and restarts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from slack_bolt import BoltResponse
from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from metrics.schema import processed_events

log = logging.getLogger(__name__)


def claim_event(engine: Engine, event_id: str) -> bool:
    """True if this process is the first to see `event_id` (the insert won)."""
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(processed_events).values(event_id=event_id, received_at=datetime.now(UTC))
            )
    except IntegrityError:
        return False
    return True


def deduplicate_events(engine_factory: Callable[[], Engine]) -> Callable[..., BoltResponse | None]:
    """A Bolt global middleware: duplicates of an event are acked (200) and not processed.

    If the database cannot be reached the event is processed anyway: answering twice in a
    rare outage is better than never answering.
    """

    def middleware(body: dict, next: Callable[[], None]) -> BoltResponse | None:  # noqa: A002
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if not event_id:
            next()
            return None
        try:
            first = claim_event(engine_factory(), str(event_id))
        except (SQLAlchemyError, Exception) as error:  # noqa: BLE001 (fail open, logged)
            log.warning("could not record event %s, processing it anyway: %s", event_id, error)
            first = True
        if not first:
            log.info("event %s already handled; acknowledging the retry only", event_id)
            return BoltResponse(status=200, body="")
        next()
        return None

    return middleware
