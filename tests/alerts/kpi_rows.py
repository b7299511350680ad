"""Fact rows for alert and digest tests, written as the tables hold them (rollups refreshed
by hand, as rows written past the import must be)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from metrics.rollups import rebuild
from metrics.schema import customers, nps_responses

#: "Now" in the alert sequences: a Tuesday, so `30d` and `last-month` are unambiguous.
NOW = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)
_ids = itertools.count(1)


def add_customers(
    engine: Engine,
    count: int,
    *,
    segment: str = "smb",
    country: str = "DK",
    churned: Iterable[datetime | None] = (),
    prefix: str = "c",
) -> list[str]:
    """`count` customers who signed up long ago; `churned` gives churn times, in order."""
    ends = list(churned)
    ids = [f"{prefix}{next(_ids)}" for _ in range(count)]
    rows = [
        {
            "customer_id": customer,
            "segment": segment,
            "country": country,
            "signed_up_at": datetime(2024, 1, 1, tzinfo=UTC),
            "churned_at": ends[i] if i < len(ends) else None,
        }
        for i, customer in enumerate(ids)
    ]
    with engine.begin() as conn:
        conn.execute(insert(customers), rows)
        rebuild(conn)
    return ids


def add_nps(engine: Engine, scores: list[int], *, at: datetime, segment: str = "smb") -> None:
    """One customer per response (in `segment`), each answering at `at`."""
    customer_ids = add_customers(engine, len(scores), segment=segment)
    with engine.begin() as conn:
        conn.execute(
            insert(nps_responses),
            [
                {
                    "response_id": f"r{next(_ids)}",
                    "customer_id": customer,
                    "score": score,
                    "responded_at": at,
                }
                for customer, score in zip(customer_ids, scores, strict=True)
            ],
        )
        rebuild(conn)


def days_before(now: datetime, days: float) -> datetime:
    return now - timedelta(days=days)
