"""Half-open periods at their exact edges, on SQLite and PostgreSQL: an event at the start
belongs to the period, one at the end to the next; a customer signed up exactly at the
start is not yet "active at the start"; one churned exactly at the start was, and churned
during the period. Expected values are worked out by hand in each test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert
from sqlalchemy.engine import Engine

from metrics.errors import NoData
from metrics.schema import customers, nps_responses, orders, tickets
from tests.metrics.kpi_check import compute_kpi

OCT = datetime(2026, 10, 1, tzinfo=UTC)
NOV = datetime(2026, 11, 1, tzinfo=UTC)
NOW = datetime(2026, 12, 15, 12, tzinfo=UTC)
TICK = timedelta(microseconds=1)


@pytest.fixture
def edges(engine: Engine) -> Engine:
    """a churned exactly at 1 Oct; b signed up exactly at 1 Oct; c churned exactly at
    1 Nov; d an ordinary customer since September."""
    before = OCT - timedelta(days=10)
    with engine.begin() as conn:
        conn.execute(
            insert(customers),
            [
                {"customer_id": "a", "signed_up_at": before, "churned_at": OCT},
                {"customer_id": "b", "signed_up_at": OCT, "churned_at": None},
                {"customer_id": "c", "signed_up_at": before, "churned_at": NOV},
                {"customer_id": "d", "signed_up_at": before, "churned_at": None},
            ],
        )
    return engine


def test_an_event_exactly_at_the_start_counts_and_one_exactly_at_the_end_does_not(
    edges: Engine,
) -> None:
    # 10 at 1 Oct 00:00 and 0 one microsecond before 1 Nov are October's; 0 at 1 Nov is
    # November's. October: one promoter, one detractor of 2 → 0.
    with edges.begin() as conn:
        conn.execute(
            insert(nps_responses),
            [
                {"response_id": "start", "customer_id": "d", "score": 10, "responded_at": OCT},
                {"response_id": "last", "customer_id": "d", "score": 0, "responded_at": NOV - TICK},
                {"response_id": "end", "customer_id": "d", "score": 0, "responded_at": NOV},
            ],
        )
    october = compute_kpi(edges, "nps", "2026-10", now=NOW)
    assert (october.value, october.n) == (pytest.approx(0.0), 2)
    assert october.previous is None  # nothing in September: 1 Oct is not September's
    november = compute_kpi(edges, "nps", "2026-11", now=NOW)
    assert (november.value, november.n) == (pytest.approx(-100.0), 1)


def test_local_midnights_decide_the_month_in_copenhagen(edges: Engine) -> None:
    # 1 Oct 00:00 UTC is 02:00 CEST (October); 1 Nov 00:00 UTC − 1 µs is 00:59 CET on
    # 1 Nov (November). So October in Copenhagen holds only the 10 → NPS 100, n = 1.
    with edges.begin() as conn:
        conn.execute(
            insert(nps_responses),
            [
                {"response_id": "start", "customer_id": "d", "score": 10, "responded_at": OCT},
                {"response_id": "last", "customer_id": "d", "score": 0, "responded_at": NOV - TICK},
            ],
        )
    october = compute_kpi(edges, "nps", "2026-10", timezone="Europe/Copenhagen", now=NOW)
    assert (october.value, october.n) == (pytest.approx(100.0), 1)


def test_churn_cohort_edges(edges: Engine) -> None:
    # Active at 1 Oct: a (churned at that very moment), c, d; not b (signed up at 1 Oct).
    # Churned in [1 Oct, 1 Nov): a only (c churned at 1 Nov) → 1 of 3 = 33.3 %.
    october = compute_kpi(edges, "churn", "2026-10", now=NOW)
    assert (october.value, october.n) == (pytest.approx(100 / 3), 3)
    # Active at 1 Nov: b, c (churned at that moment), d → c churned → 1 of 3 = 33.3 %.
    november = compute_kpi(edges, "churn", "2026-11", now=NOW)
    assert (november.value, november.n) == (pytest.approx(100 / 3), 3)


def test_revenue_from_a_customer_signed_up_exactly_at_the_start_is_new_revenue(
    edges: Engine,
) -> None:
    # October orders: b (signed up 1 Oct 00:00, so not before the period) 100, d 300
    # → existing 300 of 400 = 75 %.
    with edges.begin() as conn:
        conn.execute(
            insert(orders),
            [
                {"order_id": "o1", "customer_id": "b", "ordered_at": OCT, "amount": 100},
                {"order_id": "o2", "customer_id": "d", "ordered_at": OCT, "amount": 300},
            ],
        )
    share = compute_kpi(edges, "revenue_share_existing", "2026-10", now=NOW)
    assert (share.value, share.n) == (pytest.approx(75.0), 2)


@pytest.mark.parametrize(("min_sample", "low"), [(1, False), (2, False), (3, True)])
def test_a_sample_is_small_only_below_the_minimum(
    edges: Engine, min_sample: int, low: bool
) -> None:
    with edges.begin() as conn:
        conn.execute(
            insert(nps_responses),
            [
                {"response_id": f"r{i}", "customer_id": "d", "score": 9, "responded_at": OCT}
                for i in range(2)
            ],
        )
    result = compute_kpi(edges, "nps", "2026-10", by="country", min_sample=min_sample, now=NOW)
    assert result.n == 2
    assert result.low_sample is low
    assert [row.low_sample for row in result.breakdown] == [low]


def test_resolution_hours_are_the_same_number_on_both_backends(edges: Engine) -> None:
    # Opened 1 Oct 00:00, resolved after exactly 5 h; a second ticket resolved exactly at
    # 1 Nov belongs to November. SQLite's julianday gives 5.00000000372529 unrounded.
    with edges.begin() as conn:
        conn.execute(
            insert(tickets),
            [
                {"ticket_id": "t1", "customer_id": "d", "opened_at": OCT, "resolved_at": OCT + timedelta(hours=5)},
                {"ticket_id": "t2", "customer_id": "d", "opened_at": OCT, "resolved_at": NOV},
            ],
        )  # fmt: skip
    october = compute_kpi(edges, "ttr", "2026-10", now=NOW)
    assert (october.value, october.extra["p90"], october.n) == (5.0, 5.0, 1)


def test_no_churn_base_is_one_natural_sentence(edges: Engine) -> None:
    with pytest.raises(NoData) as error:
        compute_kpi(edges, "churn", "2026-10", segments={"segment": "smb"}, now=NOW)
    assert str(error.value) == (
        "No customers (segment=smb) were active on 2026-10-01, the start of the period, so "
        "there is no churn rate to measure. Import data with `journeybot import` or pick "
        "another period."
    )


def test_no_data_in_a_trailing_window_shows_when_it_starts_and_ends(edges: Engine) -> None:
    with pytest.raises(NoData) as error:
        compute_kpi(edges, "nps", "30d", now=NOW)
    assert str(error.value).startswith(
        "No NPS responses between 2026-11-15 12:00 and 2026-12-15 12:00. "
    )
    with pytest.raises(NoData) as error:
        compute_kpi(edges, "nps", "2026-10", now=NOW)
    assert str(error.value).startswith("No NPS responses between 2026-10-01 and 2026-11-01. ")
