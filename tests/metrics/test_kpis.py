"""Each KPI against small hand-computed cases, on SQLite and PostgreSQL (`engine` fixture)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert
from sqlalchemy.engine import Engine

from metrics.errors import NoData, UnknownKpi
from metrics.schema import (
    checkout_sessions,
    csat_responses,
    customers,
    nps_responses,
    orders,
    tickets,
)
from tests.metrics.kpi_check import compute_kpi

NOW = datetime(2026, 11, 15, 12, tzinfo=UTC)
OCT = datetime(2026, 10, 1, tzinfo=UTC)
SEP = datetime(2026, 9, 1, tzinfo=UTC)


def at(day: int, month: int = 10, hour: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def add_customers(engine: Engine, *rows: tuple[str, str, str, datetime, datetime | None]) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(customers),
            [
                {"customer_id": c, "segment": s, "country": k, "signed_up_at": up, "churned_at": ch}
                for c, s, k, up, ch in rows
            ],
        )


@pytest.fixture
def people(engine: Engine) -> Engine:
    """Six customers. Active at 1 Oct: a, b, c, d, e (f signs up in October).

    a enterprise/DK, churns 10 Oct; b enterprise/DK; c smb/SE, churns 20 Oct;
    d smb/DK; e smb/SE churned 15 Sep (before October: not active at start);
    f enterprise/DK, signed up 5 Oct, churns 25 Oct (acquired during October: excluded).
    """
    add_customers(
        engine,
        ("a", "enterprise", "DK", datetime(2025, 1, 1, tzinfo=UTC), at(10)),
        ("b", "enterprise", "DK", datetime(2025, 1, 1, tzinfo=UTC), None),
        ("c", "smb", "SE", datetime(2025, 6, 1, tzinfo=UTC), at(20)),
        ("d", "smb", "DK", datetime(2026, 8, 1, tzinfo=UTC), None),
        ("e", "smb", "SE", datetime(2025, 6, 1, tzinfo=UTC), at(15, 9)),
        ("f", "enterprise", "DK", at(5), at(25)),
    )
    return engine


def nps_rows(engine: Engine, scores: list[tuple[str, int, datetime]]) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(nps_responses),
            [
                {"response_id": f"r{i}", "customer_id": c, "score": s, "responded_at": t}
                for i, (c, s, t) in enumerate(scores)
            ],
        )


def test_nps_is_promoters_minus_detractors_in_percent(people: Engine) -> None:
    # October: scores 10, 9, 8, 6, 0 → 2 promoters, 1 passive, 2 detractors of 5: 40 − 40 = 0.
    # September: 10, 10, 3 → 66.67 − 33.33 = 33.33; delta = −33.33.
    nps_rows(
        people,
        [
            ("a", 10, at(2)),
            ("b", 9, at(3)),
            ("c", 8, at(4)),
            ("d", 6, at(5)),
            ("b", 0, at(31, hour=23)),
            ("a", 10, at(2, 9)),
            ("b", 10, at(3, 9)),
            ("c", 3, at(4, 9)),
            ("a", 10, at(1, 11)),  # November: outside October
        ],
    )
    result = compute_kpi(people, "nps", "2026-10", now=NOW, min_sample=3)
    assert result.value == pytest.approx(0.0)
    assert result.n == 5
    assert result.extra == pytest.approx({"promoters_pct": 40.0, "detractors_pct": 40.0})
    assert result.previous == pytest.approx(100 / 3)
    assert result.delta == pytest.approx(-100 / 3)
    assert result.low_sample is False
    assert result.unit == "points"
    assert result.period.start == OCT
    assert result.period.end == datetime(2026, 11, 1, tzinfo=UTC)
    # 13 monthly trend points ending with October; October's point equals the value.
    assert [p.label for p in result.series][-1] == "2026-10"
    assert len(result.series) == 13
    assert result.series[-1].value == pytest.approx(0.0)
    assert result.series[-2].value == pytest.approx(100 / 3)
    assert result.series[0].value is None and result.series[0].n == 0


def test_a_small_sample_is_flagged_but_still_shown(people: Engine) -> None:
    nps_rows(people, [("a", 10, at(2)), ("b", 10, at(3))])
    result = compute_kpi(people, "nps", "2026-10", now=NOW, min_sample=30)
    assert result.value == pytest.approx(100.0)
    assert result.low_sample is True
    assert result.previous is None and result.delta is None


def test_no_rows_in_the_period_raises_no_data_naming_period_and_segment(people: Engine) -> None:
    nps_rows(people, [("c", 10, at(2))])  # an smb customer
    with pytest.raises(NoData) as error:
        compute_kpi(people, "nps", "2026-10", segments={"segment": "enterprise"}, now=NOW)
    message = str(error.value)
    assert "No NPS responses between 2026-10-01 and 2026-11-01 (segment=enterprise)" in message
    assert "journeybot import" in message


def test_churn_counts_only_customers_active_at_the_start(people: Engine) -> None:
    # Active at 1 Oct: a, b, c, d (e churned before, f acquired during) → S = 4.
    # Churned during October among them: a, c → 2/4 = 50 %. Retention = 50 %.
    churn = compute_kpi(people, "churn", "2026-10", now=NOW, min_sample=1)
    assert churn.kpi == "churn_rate"
    assert churn.value == pytest.approx(50.0)
    assert churn.n == 4
    retention = compute_kpi(people, "retention", "2026-10", now=NOW, min_sample=1)
    assert retention.value == pytest.approx(100.0 - churn.value)
    # September: active at 1 Sep a, b, c, d, e → e churned → 1/5 = 20 %.
    assert churn.previous == pytest.approx(20.0)
    assert churn.polarity == "lower_is_better"


def test_a_segment_filter_restricts_numerator_and_denominator(people: Engine) -> None:
    # Enterprise active at 1 Oct: a, b (f acquired during) → a churned → 1/2 = 50 %.
    # smb active at 1 Oct: c, d → c churned → 50 %. country=se: c only → 100 %.
    enterprise = compute_kpi(
        people, "churn_rate", "2026-10", segments={"segment": "enterprise"}, now=NOW
    )
    assert (enterprise.value, enterprise.n) == (pytest.approx(50.0), 2)
    sweden = compute_kpi(people, "churn_rate", "2026-10", segments={"country": "se"}, now=NOW)
    assert (sweden.value, sweden.n) == (pytest.approx(100.0), 1)
    assert sweden.segments == {"country": "se"}


def test_breakdown_by_country_is_one_row_per_value(people: Engine) -> None:
    # DK active at start: a, b, d → a churned → 33.3 %; SE: c → 100 %.
    result = compute_kpi(people, "churn_rate", "2026-10", by="country", now=NOW)
    rows = {row.key: (row.value, row.n) for row in result.breakdown}
    assert rows == {"DK": (pytest.approx(100 / 3), 3), "SE": (pytest.approx(100.0), 1)}


@pytest.mark.parametrize(
    "attack",
    ["x' OR '1'='1", "x; DROP TABLE customers", "enterprise' --", 'x") OR 1=1 --'],
)
def test_segment_values_cannot_inject_sql(people: Engine, attack: str) -> None:
    with pytest.raises(NoData):
        compute_kpi(people, "churn_rate", "2026-10", segments={"segment": attack}, now=NOW)
    # The table is still there and intact.
    assert compute_kpi(people, "churn_rate", "2026-10", now=NOW).n == 4


def test_csat_is_the_share_of_fours_and_fives(people: Engine) -> None:
    # Scores 5, 4, 3, 1 → 2/4 = 50 %.
    with people.begin() as conn:
        conn.execute(
            insert(csat_responses),
            [
                {"response_id": f"c{i}", "customer_id": "a", "score": s, "responded_at": at(i + 1)}
                for i, s in enumerate([5, 4, 3, 1])
            ],
        )
    assert compute_kpi(people, "csat", "2026-10", now=NOW).value == pytest.approx(50.0)


def test_checkout_completion_is_completed_over_started(people: Engine) -> None:
    # 3 sessions started in October, 2 completed → 66.67 %.
    with people.begin() as conn:
        conn.execute(
            insert(checkout_sessions),
            [
                {
                    "session_id": "s1",
                    "customer_id": "a",
                    "started_at": at(2),
                    "completed_at": at(2, hour=13),
                },
                {"session_id": "s2", "customer_id": "b", "started_at": at(3), "completed_at": None},
                {
                    "session_id": "s3",
                    "customer_id": "b",
                    "started_at": at(4),
                    "completed_at": at(4, hour=14),
                },
            ],
        )
    assert compute_kpi(people, "checkout_completion", "2026-10", now=NOW).value == pytest.approx(
        200 / 3
    )


def test_time_to_resolution_is_the_median_with_p90(people: Engine) -> None:
    # Resolved in October after 1, 2, 4, 10 hours → median 3; p90 (linear, like
    # percentile_cont) at position 1 + 0.9·3 = 3.7 → 4 + 0.7·(10 − 4) = 8.2.
    # One ticket unresolved, one resolved in November: both ignored.
    durations = [1, 2, 4, 10]
    rows = [
        {
            "ticket_id": f"t{i}",
            "customer_id": "a",
            "opened_at": at(i + 2),
            "resolved_at": at(i + 2) + timedelta(hours=h),
        }
        for i, h in enumerate(durations)
    ]
    rows.append({"ticket_id": "open", "customer_id": "a", "opened_at": at(9), "resolved_at": None})
    rows.append(
        {"ticket_id": "nov", "customer_id": "a", "opened_at": at(31), "resolved_at": at(2, 11)}
    )
    with people.begin() as conn:
        conn.execute(insert(tickets), rows)
    result = compute_kpi(people, "ttr", "2026-10", now=NOW)
    assert result.kpi == "time_to_resolution"
    assert result.value == pytest.approx(3.0)
    assert result.extra["p90"] == pytest.approx(8.2)
    assert result.n == 4


def add_orders(engine: Engine) -> None:
    """October orders: a 100, a 300, b 200, f 400 (f signed up 5 Oct: new) → revenue 1000.
    September: b 50."""
    with engine.begin() as conn:
        conn.execute(
            insert(orders),
            [
                {"order_id": "o1", "customer_id": "a", "ordered_at": at(2), "amount": 100},
                {"order_id": "o2", "customer_id": "a", "ordered_at": at(3), "amount": 300},
                {"order_id": "o3", "customer_id": "b", "ordered_at": at(4), "amount": 200},
                {"order_id": "o4", "customer_id": "f", "ordered_at": at(6), "amount": 400},
                {"order_id": "o5", "customer_id": "b", "ordered_at": at(4, 9), "amount": 50},
            ],
        )


def test_order_kpis_by_hand(people: Engine) -> None:
    add_orders(people)
    # revenue from customers signed up before 1 Oct: 100 + 300 + 200 = 600 of 1000 → 60 %.
    share = compute_kpi(people, "revenue_share_existing", "2026-10", now=NOW)
    assert share.value == pytest.approx(60.0)
    assert share.n == 4
    # AOV: 1000 / 4 = 250; September 50 → delta 200.
    aov = compute_kpi(people, "aov", "2026-10", now=NOW, currency="EUR")
    assert (aov.value, aov.previous, aov.unit) == (pytest.approx(250.0), pytest.approx(50.0), "EUR")
    # Purchase frequency: 4 orders / 3 distinct customers (a, b, f).
    frequency = compute_kpi(people, "purchase_frequency", "2026-10", now=NOW)
    assert (frequency.value, frequency.n) == (pytest.approx(4 / 3), 3)


def test_clv_follows_fader_hardie(people: Engine) -> None:
    add_orders(people)
    # October (31 days). Active during October: a, b, c, d, f = 5 (e churned in September).
    # m = 1000 / 5 × 365/31 × 0.30 = 60 × 365/31 = 706.45…
    # churn 50 % → r = 0.5 ** (365/31); clv = m·r / (1 + 0.10 − r).
    result = compute_kpi(people, "clv", "2026-10", now=NOW, gross_margin=0.30, discount_rate=0.10)
    m = 1000 / 5 * 365 / 31 * 0.30
    r = 0.5 ** (365 / 31)
    assert result.value == pytest.approx(m * r / (1 + 0.10 - r))
    assert result.n == 5
    assert result.extra["annual_margin_per_customer"] == pytest.approx(m)


def test_trailing_periods_compare_with_the_window_just_before(people: Engine) -> None:
    # 30d ending 15 Nov 12:00 → from 16 Oct 12:00; previous 16 Sep 12:00 → 16 Oct 12:00.
    nps_rows(people, [("a", 10, at(20)), ("b", 0, at(10))])
    result = compute_kpi(people, "nps", "30d", now=NOW)
    assert (result.value, result.previous, result.delta) == (100.0, -100.0, 200.0)
    assert result.period.start == NOW - timedelta(days=30)
    assert 1 <= len(result.series) <= 13
    assert result.series[-1].end == NOW


def test_unknown_kpi_names_it_and_lists_the_kpis(people: Engine) -> None:
    with pytest.raises(UnknownKpi) as error:
        compute_kpi(people, "happiness", "2026-10", now=NOW)
    assert "happiness" in str(error.value) and "nps" in str(error.value)


def test_an_unmigrated_database_is_reported_as_unavailable(tmp_path) -> None:  # noqa: ANN001
    from sqlalchemy import create_engine

    from metrics.errors import DatabaseUnavailable

    bare = create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(DatabaseUnavailable, match="journeybot db upgrade"):
        compute_kpi(bare, "nps", "2026-10", now=NOW)
    bare.dispose()
