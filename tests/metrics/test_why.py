"""Why did a KPI move: the shift-share decomposition on hand-computed cases, and the same
over a real database (SQLite and PostgreSQL) through the KPI service's breakdowns."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import insert
from sqlalchemy.engine import Engine

from bot.cli import main
from metrics.errors import WhyUnavailable
from metrics.kpi_query import KpiQuery
from metrics.kpi_service import KpiService
from metrics.rollups import rebuild
from metrics.schema import customers, nps_responses
from metrics.why import GroupValue, shift_share

NOW = datetime(2026, 11, 15, 12, tzinfo=UTC)


def group(key: str, n: int, value: float) -> GroupValue:
    return GroupValue(key=key, weight=n, value=value, n=n)


def by_key(decomposition: object) -> dict:
    return {c.key: c for c in decomposition.contributions}  # type: ignore[attr-defined]


def test_a_pure_mix_change_is_all_mix_and_sums_to_the_total() -> None:
    # A scores 50, B 10, both unchanged; A's share grows from 50 % to 75 %: 30 → 40.
    # Centre 35. A: +0.25 × (50 − 35) = +3.75; B: −0.25 × (10 − 35) = +6.25.
    result = shift_share(
        [group("A", 50, 50), group("B", 50, 10)],
        [group("A", 75, 50), group("B", 25, 10)],
        overall_before=30,
        overall_after=40,
    )
    a, b = by_key(result)["A"], by_key(result)["B"]
    assert (a.mix, a.rate, b.mix, b.rate) == (3.75, 0.0, 6.25, 0.0)
    assert (result.mix, result.rate, result.unexplained) == (10.0, 0.0, 0.0)
    assert [c.key for c in result.contributions] == ["B", "A"]  # largest first


def test_a_pure_rate_change_is_all_rate() -> None:
    # Shares stay 50/50; A goes 50 → 60: +0.5 × 10 = +5 rate, no mix.
    result = shift_share(
        [group("A", 50, 50), group("B", 50, 10)],
        [group("A", 40, 60), group("B", 40, 10)],
        overall_before=30,
        overall_after=35,
    )
    a = by_key(result)["A"]
    assert (a.mix, a.rate, a.total) == (0.0, 5.0, 5.0)
    assert (result.mix, result.rate, result.change) == (0.0, 5.0, 5.0)


def test_a_group_that_appears_takes_the_previous_overall_value_for_its_missing_side() -> None:
    # Before: A only (100 × 20). After: A 50 × 20, new C 50 × 40. 20 → 30, centre 25.
    # A: −0.5 × (20 − 25) = +2.5 mix. C: v0 := 20 (overall before), v̄ = 30:
    #    mix +0.5 × (30 − 25) = +2.5, rate 0.25 × (40 − 20) = +5.
    result = shift_share(
        [group("A", 100, 20)],
        [group("A", 50, 20), group("C", 50, 40)],
        overall_before=20,
        overall_after=30,
    )
    a, c = by_key(result)["A"], by_key(result)["C"]
    assert (a.mix, a.rate) == (2.5, 0.0)
    assert (c.mix, c.rate, c.presence, c.value_before, c.n_before) == (2.5, 5.0, "new", None, 0)
    assert a.presence == "both" and result.unexplained == 0.0


def test_a_group_that_disappears_is_still_counted_and_the_lines_add_up() -> None:
    # Before: A 50 × 20, B 50 × 40 (30). After: A only, 100 × 26 (26). Change −4.
    result = shift_share(
        [group("A", 50, 20), group("B", 50, 40)],
        [group("A", 100, 26)],
        overall_before=30,
        overall_after=26,
    )
    b = by_key(result)["B"]
    assert b.presence == "gone" and b.value_after is None and b.share_after == 0.0
    # B: v1 := 26; mix −0.5 × ((40 + 26)/2 − 28) = −2.5; rate 0.25 × (26 − 40) = −3.5.
    assert (b.mix, b.rate) == (-2.5, -3.5)
    assert math.isclose(sum(c.total for c in result.contributions), -4.0, abs_tol=1e-12)


def test_a_low_sample_group_is_flagged_not_dropped() -> None:
    result = shift_share(
        [group("big", 200, 30), group("tiny", 4, 90)],
        [group("big", 210, 35), group("tiny", 3, 0)],
        overall_before=31.18,
        overall_after=34.5,
        min_sample=30,
    )
    assert by_key(result)["tiny"].low_sample and not by_key(result)["big"].low_sample


def test_rows_outside_every_group_are_reported_as_unexplained() -> None:
    # The groups reconstruct 30 → 40, but the KPI moved 30 → 41: 1 point is in no group.
    result = shift_share(
        [group("A", 50, 50), group("B", 50, 10)],
        [group("A", 75, 50), group("B", 25, 10)],
        overall_before=30,
        overall_after=41,
    )
    assert result.change == 11 and math.isclose(result.unexplained, 1.0)


values = st.floats(min_value=-100, max_value=100, allow_nan=False)
groups = st.dictionaries(
    st.sampled_from("ABCDEFG"), st.tuples(st.integers(1, 500), values), max_size=7
)


@given(groups, groups)
def test_the_contributions_sum_exactly_to_the_total_change(before: dict, after: dict) -> None:
    old = [group(k, n, v) for k, (n, v) in before.items()]
    new = [group(k, n, v) for k, (n, v) in after.items()]
    v0 = sum(n * v for n, v in before.values()) / (sum(n for n, _ in before.values()) or 1)
    v1 = sum(n * v for n, v in after.values()) / (sum(n for n, _ in after.values()) or 1)
    result = shift_share(old, new, overall_before=v0, overall_after=v1)
    total = sum(c.total for c in result.contributions)
    assert math.isclose(total + result.unexplained, v1 - v0, abs_tol=1e-9)
    if before and after:
        assert math.isclose(total, v1 - v0, abs_tol=1e-9)
        assert math.isclose(result.mix + result.rate, v1 - v0, abs_tol=1e-9)
    assert all(math.isclose(c.mix + c.rate, c.total) for c in result.contributions)


# --- over the database ------------------------------------------------------------------------


def seed(engine: Engine) -> None:
    """September: enterprise 10, 10 (NPS 100); smb 0, 10 (0) → overall 75 − 25 = 50.
    October: enterprise 10 (100); smb 10, 10, 7 (66.7) → overall 75 − 0 = 75. Change +25."""
    with engine.begin() as conn:
        conn.execute(
            insert(customers),
            [
                {
                    "customer_id": c,
                    "segment": s,
                    "country": k,
                    "signed_up_at": datetime(2025, 1, 1, tzinfo=UTC),
                }
                for c, s, k in [
                    ("e1", "enterprise", "DK"),
                    ("e2", "enterprise", "SE"),
                    ("s1", "smb", "DK"),
                    ("s2", "smb", "SE"),
                ]
            ],
        )
        rows = [
            ("e1", 10, 9),
            ("e2", 10, 9),
            ("s1", 0, 9),
            ("s2", 10, 9),
            ("e1", 10, 10),
            ("s1", 10, 10),
            ("s2", 10, 10),
            ("s2", 7, 10),
        ]
        conn.execute(
            insert(nps_responses),
            [
                {
                    "response_id": f"r{i}",
                    "customer_id": c,
                    "score": score,
                    "responded_at": datetime(2026, month, 5 + i, tzinfo=UTC),
                }
                for i, (c, score, month) in enumerate(rows)
            ],
        )
        rebuild(conn)  # written past the import: the rollups are refreshed by hand


def test_why_splits_nps_by_segment_and_country_on_both_databases(engine: Engine) -> None:
    seed(engine)
    why = KpiService(lambda: engine, min_sample=2).explain(
        KpiQuery(name="nps", period="2026-10"), now=NOW
    )
    assert (why.previous, why.value, why.change) == (50.0, 75.0, 25.0)
    assert why.previous_period.label == "2026-09"
    segment, country = why.decompositions
    assert (segment.by, country.by) == ("segment", "country")
    # Shares: enterprise 1/2 → 1/4, smb 1/2 → 3/4; centre 62.5.
    # enterprise: −0.25 × (100 − 62.5) = −9.375 mix, no rate;
    # smb: +0.25 × (33.33 − 62.5) = −7.29 mix, 0.625 × 66.67 = +41.67 rate.
    smb, enterprise = segment.contributions
    assert enterprise.key == "enterprise" and enterprise.rate == 0.0
    assert enterprise.mix == pytest.approx(-9.375)
    assert smb.mix == pytest.approx(-7.291667, abs=1e-6)
    assert smb.rate == pytest.approx(41.666667, abs=1e-6)
    assert enterprise.low_sample  # one October response, fewer than 2
    for split in (segment, country):
        assert sum(c.total for c in split.contributions) == pytest.approx(25.0, abs=1e-9)
        assert split.unexplained == pytest.approx(0.0, abs=1e-9)


def test_why_compares_with_last_year_when_asked(engine: Engine) -> None:
    seed(engine)
    with pytest.raises(WhyUnavailable) as error:
        KpiService(lambda: engine).explain(
            KpiQuery(name="nps", period="2026-10", compare="yoy"), now=NOW
        )
    assert str(error.value) == (
        "Nothing to explain: there is no data for the same period last year (2025-10)."
    )


@pytest.mark.parametrize(
    ("kpi", "title"), [("clv", "Customer lifetime value"), ("ttr", "Time to resolution")]
)
def test_why_is_one_sentence_for_kpis_that_are_not_a_weighted_mean(
    engine: Engine, kpi: str, title: str
) -> None:
    with pytest.raises(WhyUnavailable) as error:
        KpiService(lambda: engine).explain(KpiQuery(name=kpi, period="2026-10"), now=NOW)
    assert str(error.value).startswith(f"Why is not available for {title}: ")
    assert str(error.value).count(".") == 1


@pytest.fixture
def cli(home: Path, database_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    monkeypatch.setenv("DATABASE_URL", database_url)
    seed(engine)
    return CliRunner()


def test_the_cli_prints_the_top_contributors_adding_up_to_the_change(cli: CliRunner) -> None:
    result = cli.invoke(main, ["kpi", "nps", "--period", "2026-10", "--why"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "Why Net Promoter Score moved +25.0 points vs previous period (2026-09)" in lines
    # smb +34.4 (mix −7.3, rate +41.7), enterprise −9.4 (all mix): +25.0.
    assert "by segment:" in lines
    assert any(
        line.split()[:7] == ["smb", "+34.4", "points", "(mix", "−7.3,", "rate", "+41.7)"]
        for line in lines
    ), result.output
    assert any(line.split()[:2] == ["enterprise", "−9.4"] for line in lines), result.output
    assert any(line.split() == ["total", "+25.0", "points"] for line in lines)
    assert "(low sample: n = 2 → 1, fewer than 30)" in result.output  # said, not hidden


def test_the_cli_says_why_is_not_available_in_one_sentence(cli: CliRunner) -> None:
    result = cli.invoke(main, ["kpi", "clv", "--period", "2026-10", "--why", "--json"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: Why is not available for Customer lifetime value: ")
