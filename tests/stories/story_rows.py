"""Rows for story tests: customers, NPS answers, tickets and CSAT, written as the tables hold them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from metrics.schema import csat_responses, customers, nps_responses, tickets

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def add_customer(
    engine: Engine, customer_id: str, name: str, segment: str = "smb", country: str = "DK"
) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(customers).values(
                customer_id=customer_id,
                name=name,
                segment=segment,
                country=country,
                signed_up_at=T0 - timedelta(days=400),
            )
        )


def add_nps(
    engine: Engine,
    response_id: str,
    customer_id: str,
    score: int,
    comment: str | None,
    consent: bool,
    at: datetime = T0,
) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(nps_responses).values(
                response_id=response_id,
                customer_id=customer_id,
                score=score,
                comment=comment,
                consent_to_share=consent,
                responded_at=at,
            )
        )


def add_resolved_ticket(
    engine: Engine,
    ticket_id: str,
    customer_id: str,
    opened: datetime,
    hours: float,
    csat: int | None,
    csat_after: timedelta = timedelta(days=1),
) -> None:
    resolved = opened + timedelta(hours=hours)
    with engine.begin() as conn:
        conn.execute(
            insert(tickets).values(
                ticket_id=ticket_id,
                customer_id=customer_id,
                opened_at=opened,
                resolved_at=resolved,
                channel="email",
            )
        )
        if csat is not None:
            conn.execute(
                insert(csat_responses).values(
                    response_id=f"csat-{ticket_id}",
                    customer_id=customer_id,
                    score=csat,
                    responded_at=resolved + csat_after,
                )
            )
