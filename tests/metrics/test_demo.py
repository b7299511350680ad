"""Demo data: deterministic, idempotent, and shaped so the KPIs tell a story."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from metrics.demo import DemoBlocked, seed_demo
from metrics.errors import MetricsError
from metrics.rollups import check
from metrics.schema import (
    checkout_sessions,
    customers,
    nps_responses,
    orders,
    stories,
    tickets,
)

NOW = datetime(2026, 11, 1, tzinfo=UTC)
pytestmark = pytest.mark.slow  # each seeding writes ~78k rows


@pytest.fixture
def seeded(engine):
    return engine, seed_demo(engine, seed=7, now=NOW)


def _dump(engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {
            table.name: [
                tuple(row) for row in conn.execute(select(table).order_by(*table.primary_key))
            ]
            for table in (customers, orders, nps_responses, tickets, stories)
        }


def _nps(engine, start: datetime, end: datetime) -> float:
    """NPS computed directly in SQL: % promoters (9–10) minus % detractors (0–6)."""
    query = select(
        func.sum(func.cast(nps_responses.c.score >= 9, type_=_int())),
        func.sum(func.cast(nps_responses.c.score <= 6, type_=_int())),
        func.count(),
    ).where(nps_responses.c.responded_at >= start, nps_responses.c.responded_at < end)
    with engine.connect() as conn:
        promoters, detractors, n = conn.execute(query).one()
    assert n > 300
    return 100.0 * (promoters - detractors) / n


def _int():
    from sqlalchemy import Integer

    return Integer()


def test_one_seed_gives_a_nordic_base_whose_kpis_tell_a_story(seeded):
    """One seeding, several facts (seeding takes seconds; every test here shares it)."""
    engine, report = seeded
    assert report.counts["customers"] == 3000
    assert report.counts["stories"] == 16
    assert report.start == NOW - timedelta(days=730)
    with engine.connect() as conn:
        segments = set(conn.execute(select(customers.c.segment).distinct()).scalars())
        countries = set(conn.execute(select(customers.c.country).distinct()).scalars())
        story_rows = conn.execute(select(stories.c.source, stories.c.consent)).all()
        completed, sessions = conn.execute(
            select(func.count(checkout_sessions.c.completed_at), func.count())
        ).one()
        churned = conn.execute(select(func.count(customers.c.churned_at))).scalar_one()
        comments = conn.execute(
            select(nps_responses.c.comment, nps_responses.c.consent_to_share).where(
                nps_responses.c.comment.is_not(None)
            )
        ).all()
    assert segments == {"enterprise", "mid-market", "smb", "consumer"}
    assert countries == {"DK", "NO", "SE", "FI"}
    assert {source for source, _ in story_rows} == {"interview", "support_case", "nps_comment"}
    assert {consent for _, consent in story_rows} == {True, False}
    # NPS rises from about 12 to about 42.
    assert 4 <= _nps(engine, report.start, report.start + timedelta(days=91)) <= 20
    assert 34 <= _nps(engine, report.end - timedelta(days=91), report.end) <= 50
    assert 0.60 <= completed / sessions <= 0.75
    assert 0.10 <= churned / 3000 <= 0.40  # a few % a quarter over two years
    # Some comments carry contact details, for the story redaction to remove.
    assert any("@example." in comment for comment, _ in comments)
    assert {consent for _, consent in comments} == {True, False}
    # The seeding kept the KPI rollups equal to the rows it wrote, in its transaction.
    with engine.connect() as conn:
        assert check(conn) == []


def test_seeding_again_with_the_same_seed_gives_identical_rows_and_keeps_real_ones(engine):
    with engine.begin() as conn:
        conn.execute(customers.insert().values(customer_id="real-1", signed_up_at=NOW))
        # Not a demo id: the prefix test is case-sensitive on SQLite too (LIKE is not).
        conn.execute(customers.insert().values(customer_id="Demo-1", signed_up_at=NOW))
    seed_demo(engine, seed=3, now=NOW)
    first = _dump(engine)
    seed_demo(engine, seed=3, now=NOW)
    assert _dump(engine) == first  # deterministic, and nothing duplicated
    assert {("real-1",), ("Demo-1",)} <= {row[:1] for row in first["customers"]}
    assert len(first["customers"]) == 3002


def test_seeding_again_refuses_when_imported_rows_reference_demo_customers(engine):
    seed_demo(engine, seed=3, now=NOW)
    with engine.begin() as conn:
        conn.execute(
            orders.insert().values(
                order_id="o-1", customer_id="demo-c00001", ordered_at=NOW, amount=10
            )
        )
        conn.execute(
            nps_responses.insert().values(
                response_id="n-1", customer_id="demo-c00002", score=9, responded_at=NOW
            )
        )
    before = _dump(engine)
    with pytest.raises(DemoBlocked) as error:
        seed_demo(engine, seed=4, now=NOW)
    assert isinstance(error.value, MetricsError)  # the CLI prints it as one sentence
    assert str(error.value) == (
        "1 imported row in orders and 1 in nps_responses reference demo customers (ids "
        "starting with demo-), so the demo data was left unchanged; delete those rows or run "
        "the demo with another JOURNEYBOT_HOME."
    )
    assert _dump(engine) == before
