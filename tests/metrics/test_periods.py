"""Period expressions: half-open windows, DST-correct local boundaries, previous periods."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from metrics.errors import BadPeriod
from metrics.periods import resolve_period

CPH = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 11, 15, 12, tzinfo=UTC)


def test_a_calendar_month_is_half_open_and_compares_with_the_month_before() -> None:
    period = resolve_period("2026-10", now=NOW)
    assert period.current.start == datetime(2026, 10, 1, tzinfo=UTC)
    assert period.current.end == datetime(2026, 11, 1, tzinfo=UTC)
    assert period.previous.start == datetime(2026, 9, 1, tzinfo=UTC)
    assert period.previous.end == period.current.start
    assert [p.label for p in period.series][:2] == ["2025-10", "2025-11"]
    assert period.series[-1].label == "2026-10" and len(period.series) == 13


def test_month_boundaries_follow_daylight_saving_time_in_copenhagen() -> None:
    # October 2026 starts in CEST (UTC+2) and ends in CET (UTC+1): 31 days and 1 hour.
    period = resolve_period("2026-10", timezone="Europe/Copenhagen", now=NOW).current
    assert period.start.astimezone(UTC) == datetime(2026, 9, 30, 22, tzinfo=UTC)
    assert period.end.astimezone(UTC) == datetime(2026, 10, 31, 23, tzinfo=UTC)
    assert period.end.astimezone(UTC) - period.start.astimezone(UTC) == timedelta(days=31, hours=1)
    assert period.start.tzinfo == CPH


def test_january_compares_with_december_of_the_year_before() -> None:
    period = resolve_period("2026-01", now=NOW)
    assert period.previous.label == "2025-12"
    assert period.previous.start == datetime(2025, 12, 1, tzinfo=UTC)


def test_quarters_and_years_compare_with_their_predecessors() -> None:
    q1 = resolve_period("2026-Q1", now=NOW)
    assert q1.current.start == datetime(2026, 1, 1, tzinfo=UTC)
    assert q1.current.end == datetime(2026, 4, 1, tzinfo=UTC)
    assert q1.previous.label == "2025-Q4"
    assert q1.previous.start == datetime(2025, 10, 1, tzinfo=UTC)
    year = resolve_period("2025", now=NOW)
    assert (year.current.start, year.current.end) == (
        datetime(2025, 1, 1, tzinfo=UTC),
        datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert year.previous.label == "2024" and len(year.series) == 12


def test_trailing_windows_end_now_and_compare_with_an_equal_window_before() -> None:
    days = resolve_period("30d", now=NOW)
    assert days.current.end == NOW and days.current.start == NOW - timedelta(days=30)
    assert days.previous.end == days.current.start
    assert days.previous.start == NOW - timedelta(days=60)
    weeks = resolve_period("12w", now=NOW)
    assert weeks.current.end - weeks.current.start == timedelta(weeks=12)
    assert len(weeks.series) == 12  # weekly points up to 90 days
    assert all(p.end - p.start == timedelta(days=7) for p in weeks.series)
    long = resolve_period("365d", now=NOW)
    assert len(long.series) == 13  # monthly beyond 90 days
    assert long.series[0].start == long.current.start and long.series[-1].end == NOW


def test_trailing_windows_measure_elapsed_time_across_a_dst_switch() -> None:
    # 25 Oct 2026 03:00 CEST → 02:00 CET; 30 days before 15 Nov 12:00 CET is 16 Oct 13:00 CEST.
    period = resolve_period("30d", timezone="Europe/Copenhagen", now=NOW).current
    assert period.end.astimezone(UTC) - period.start.astimezone(UTC) == timedelta(days=30)
    assert period.start.utcoffset() == timedelta(hours=2)


def test_year_to_date_compares_with_the_same_span_last_year() -> None:
    period = resolve_period("ytd", now=NOW)
    assert period.current.start == datetime(2026, 1, 1, tzinfo=UTC)
    assert period.current.end == NOW
    assert period.previous.start == datetime(2025, 1, 1, tzinfo=UTC)
    assert period.previous.end == datetime(2025, 11, 15, 12, tzinfo=UTC)
    assert period.series[-1].end == NOW  # the running month stops at now


def test_a_period_that_ends_in_the_future_is_accepted_and_its_trend_stops_at_now() -> None:
    period = resolve_period("2026", now=NOW)
    assert period.current.end == datetime(2027, 1, 1, tzinfo=UTC)
    assert period.series[-1].label == "2026-11" and period.series[-1].end == NOW


@pytest.mark.parametrize("text", ["2026-13", "last month", "", "2026-Q5", "0d", "30x", "99999d"])
def test_bad_periods_list_the_accepted_forms(text: str) -> None:
    with pytest.raises(BadPeriod) as error:
        resolve_period(text, now=NOW)
    assert "2026-Q3" in str(error.value) and "ytd" in str(error.value)


def test_an_unknown_timezone_is_one_clear_sentence() -> None:
    with pytest.raises(BadPeriod, match="KPI_TIMEZONE"):
        resolve_period("30d", timezone="Mars/Olympus")


@pytest.mark.parametrize("text", ["9999-12", "9999-Q4", "9999", "0000", "0001-01", "0000-Q1"])
def test_years_outside_the_calendar_are_bad_periods_not_crashes(text: str) -> None:
    # 9999-12 would end in year 10000; 0000 and 0001-01 compare with year 0.
    with pytest.raises(BadPeriod) as error:
        resolve_period(text, now=NOW)
    assert f"I don't understand the period {text!r}" in str(error.value)
    assert "2026-Q3" in str(error.value)


@pytest.mark.parametrize("text", ["0002-01", "0002"])
def test_a_boundary_that_falls_in_year_0_in_utc_is_a_bad_period(text: str) -> None:
    # Every local boundary exists, but the earliest, 0001-01-01 00:00 in Copenhagen (east
    # of UTC), is in year 0 in UTC, where the engine compares.
    with pytest.raises(BadPeriod):
        resolve_period(text, timezone="Europe/Copenhagen", now=NOW)


def test_ninety_days_get_weekly_points_and_ninety_one_monthly() -> None:
    # 90 days = 12 full weeks + 6 days: 13 buckets, the oldest 6 days long.
    ninety = resolve_period("90d", now=NOW).series
    assert len(ninety) == 13
    assert ninety[0].end - ninety[0].start == timedelta(days=6)
    assert all(p.end - p.start == timedelta(days=7) for p in ninety[1:])
    longer = resolve_period("91d", now=NOW).series
    assert [p.label for p in longer][-2:] == ["2026-10", "2026-11"]
