"""Period expressions: half-open windows, DST-correct local boundaries, previous periods."""

from __future__ import annotations

import re
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


@pytest.mark.parametrize("text", ["2026-13", "last fortnight", "", "2026-Q5", "0d", "30x", "99999d"])
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


# --- periods people say --------------------------------------------------------------------


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def window(period: object) -> tuple[datetime, datetime]:
    return period.start.astimezone(UTC), period.end.astimezone(UTC)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "now", "label", "previous"),
    [
        ("last-month", utc(2026, 11, 15, 12), "2026-10", "2026-09"),
        ("last-month", utc(2026, 1, 5), "2025-12", "2025-11"),  # across the new year
        ("this-month", utc(2026, 11, 15, 12), "2026-11", "2026-10"),
        ("last-quarter", utc(2026, 2, 1), "2025-Q4", "2025-Q3"),
        ("this-quarter", utc(2026, 11, 15, 12), "2026-Q4", "2026-Q3"),
        ("last-year", utc(2026, 11, 15, 12), "2025", "2024"),
        ("last month", utc(2026, 11, 15, 12), "2026-10", "2026-09"),  # as typed in the CLI
    ],
)
def test_named_periods_are_the_calendar_period_they_mean_at_now(
    text: str, now: datetime, label: str, previous: str
) -> None:
    period = resolve_period(text, now=now)
    assert (period.current.label, period.previous.label) == (label, previous)
    assert window(period.current) == window(resolve_period(label, now=now).current)


def test_this_month_is_decided_in_the_configured_timezone() -> None:
    # 31 Oct 23:30 UTC is already 1 November 00:30 in Copenhagen (CET, UTC+1).
    now = utc(2026, 10, 31, 23, 30)
    assert resolve_period("this-month", now=now).current.label == "2026-10"
    local = resolve_period("this-month", timezone="Europe/Copenhagen", now=now).current
    assert local.label == "2026-11"
    assert window(local) == (utc(2026, 10, 31, 23), utc(2026, 11, 30, 23))


@pytest.mark.parametrize(
    ("now", "label"),
    [
        (utc(2026, 11, 15), "2026-Q3"),  # Q3 2026 ended on 1 October
        (utc(2026, 9, 30, 23), "2025-Q3"),  # Q3 2026 is still running
        (utc(2026, 10, 1), "2026-Q3"),  # ends exactly now: ended
    ],
)
def test_a_quarter_without_a_year_is_the_latest_one_that_has_ended(
    now: datetime, label: str
) -> None:
    assert resolve_period("Q3", now=now).current.label == label


def test_q3_without_a_year_ends_in_the_configured_timezone() -> None:
    # 30 Sep 22:30 UTC is 1 Oct 00:30 in Copenhagen: Q3 2026 has just ended there.
    now = utc(2026, 9, 30, 22, 30)
    assert resolve_period("q3", now=now).current.label == "2025-Q3"
    assert resolve_period("q3", timezone="Europe/Copenhagen", now=now).current.label == "2026-Q3"


def test_an_iso_week_runs_monday_to_monday_and_compares_with_the_week_before() -> None:
    # 2026-W48 is Monday 23 November to Sunday 29 November.
    period = resolve_period("2026-W48", now=NOW)
    assert window(period.current) == (utc(2026, 11, 23), utc(2026, 11, 30))
    assert period.current.label == "2026-W48" and period.previous.label == "2026-W47"
    assert window(period.previous) == (utc(2026, 11, 16), utc(2026, 11, 23))
    assert len(period.series) == 13 - 2  # the trend stops at now (W46 is running)


def test_iso_week_one_can_start_in_the_previous_calendar_year() -> None:
    # 1 January 2026 is a Thursday: W01 starts on Monday 29 December 2025; its previous
    # week is 2025-W52, and 2026 has 53 weeks (W53 ends on Sunday 3 January 2027).
    w01 = resolve_period("2026-w01", now=NOW)
    assert window(w01.current) == (utc(2025, 12, 29), utc(2026, 1, 5))
    assert w01.previous.label == "2025-W52"
    w53 = resolve_period("2026W53", now=utc(2027, 2, 1))
    assert window(w53.current) == (utc(2026, 12, 28), utc(2027, 1, 4))
    assert resolve_period("2027-W01", now=utc(2027, 2, 1)).previous.label == "2026-W53"


def test_an_iso_week_containing_the_dst_switch_is_167_local_hours() -> None:
    # 2026-W13: Monday 23 March to Monday 30 March; clocks go forward on Sunday 29 March.
    period = resolve_period("2026-W13", timezone="Europe/Copenhagen", now=NOW).current
    assert window(period) == (utc(2026, 3, 22, 23), utc(2026, 3, 29, 22))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-W54", "2026-W54 does not exist: 2026 has 53 ISO weeks (W01–W53)."),
        ("2025-W53", "2025-W53 does not exist: 2025 has 52 ISO weeks (W01–W52)."),
        ("2026-W00", "2026-W00 does not exist: 2026 has 53 ISO weeks (W01–W53)."),
    ],
)
def test_a_week_that_does_not_exist_is_one_sentence(text: str, message: str) -> None:
    with pytest.raises(BadPeriod) as error:
        resolve_period(text, now=NOW)
    assert str(error.value) == message


def test_month_to_date_compares_with_the_previous_month_up_to_the_same_moment() -> None:
    period = resolve_period("mtd", now=NOW)
    assert window(period.current) == (utc(2026, 11, 1), NOW)
    assert window(period.previous) == (utc(2026, 10, 1), utc(2026, 10, 15, 12))
    assert period.current.label == "month to 15 Nov 2026"
    assert period.current.comparison == "previous period (month to 15 Oct 2026)"


def test_month_to_date_on_the_31st_compares_with_the_last_day_of_a_shorter_month() -> None:
    # 31 March 2024 (a leap year): February to its 29th; in 2026 to its 28th.
    leap = resolve_period("mtd", now=utc(2024, 3, 31, 9))
    assert window(leap.previous) == (utc(2024, 2, 1), utc(2024, 2, 29, 9))
    common = resolve_period("mtd", now=utc(2026, 3, 31, 9))
    assert window(common.previous) == (utc(2026, 2, 1), utc(2026, 2, 28, 9))


def test_quarter_to_date_compares_with_the_previous_quarter_to_the_same_day() -> None:
    period = resolve_period("qtd", now=utc(2026, 5, 31, 8))
    assert window(period.current) == (utc(2026, 4, 1), utc(2026, 5, 31, 8))
    assert window(period.previous) == (utc(2026, 1, 1), utc(2026, 2, 28, 8))
    assert [p.label for p in period.series][-2:] == ["2026-04", "2026-05"]


def test_quarter_to_date_in_january_compares_with_last_years_fourth_quarter() -> None:
    period = resolve_period("qtd", now=utc(2026, 1, 10))
    assert window(period.previous) == (utc(2025, 10, 1), utc(2025, 10, 10))


def test_year_to_date_says_it_compares_with_the_same_period_last_year() -> None:
    # The previous period of a year to date IS last year to the same day: the label says so.
    period = resolve_period("ytd", now=NOW)
    assert window(period.previous) == (utc(2025, 1, 1), utc(2025, 11, 15, 12))
    assert period.current.label == "year to 15 Nov 2026"
    assert period.current.comparison == "same period last year (year to 15 Nov 2025)"
    assert resolve_period("ytd compare=yoy", now=NOW).previous == period.previous


def test_year_to_date_on_29_february_compares_with_28_february() -> None:
    period = resolve_period("ytd", now=utc(2024, 2, 29, 18))
    assert window(period.previous) == (utc(2023, 1, 1), utc(2023, 2, 28, 18))


def test_a_day_range_includes_its_last_day_and_says_so() -> None:
    period = resolve_period("2026-09-15..2026-10-15", timezone="Europe/Copenhagen", now=NOW)
    # 31 days, local midnights in CEST (UTC+2); the window ends at the midnight after 15 Oct.
    assert window(period.current) == (utc(2026, 9, 14, 22), utc(2026, 10, 15, 22))
    assert period.current.label == "2026-09-15 to 2026-10-15 inclusive"
    # The previous period: the 31 days just before, 15 Aug to 14 Sep.
    assert window(period.previous) == (utc(2026, 8, 14, 22), utc(2026, 9, 14, 22))


def test_a_day_range_over_the_dst_switch_keeps_local_midnights() -> None:
    # 24–26 October 2026: clocks go back on the 25th, so the three days last 73 hours.
    period = resolve_period("2026-10-24..2026-10-26", timezone="Europe/Copenhagen", now=NOW)
    start, end = window(period.current)
    assert (start, end) == (utc(2026, 10, 23, 22), utc(2026, 10, 26, 23))
    assert end - start == timedelta(hours=73)


def test_a_one_day_range_and_a_leap_day_range() -> None:
    one = resolve_period("2024-02-29..2024-02-29", now=NOW)
    assert window(one.current) == (utc(2024, 2, 29), utc(2024, 3, 1))
    assert one.previous.label.startswith("2024-02-28 to 2024-02-28")
    # Last year has no 29 February: the same period last year is 28 February 2023.
    yoy = resolve_period("2024-02-29..2024-03-01", now=NOW, compare="yoy")
    assert window(yoy.previous) == (utc(2023, 2, 28), utc(2023, 3, 2))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-10-15..2026-09-15", "ends before it starts; write the earlier day first."),
        ("2026-02-30..2026-03-01", "2026-02-30 in '2026-02-30..2026-03-01' is not a date"),
    ],
)
def test_a_bad_day_range_is_one_sentence(text: str, message: str) -> None:
    with pytest.raises(BadPeriod, match=re.escape(message)):
        resolve_period(text, now=NOW)


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        ("2026-10", "2025-10"),
        ("2026-Q3", "2025-Q3"),
        ("2026-W48", "2025-W48"),
        ("2021-W01", "2020-W01"),
        ("2026-W53", "2025-W52"),  # 2025 has no W53
        ("2026-09-15..2026-10-15", "2025-09-15 to 2025-10-15 inclusive"),
    ],
)
def test_year_over_year_compares_with_the_same_period_last_year(text: str, previous: str) -> None:
    period = resolve_period(text, now=utc(2028, 1, 1), compare="yoy")
    assert period.previous.label == previous
    assert period.current.comparison == f"same period last year ({previous})"


def test_year_over_year_of_a_trailing_window_ends_at_the_same_moment_last_year() -> None:
    period = resolve_period("30d compare=yoy", now=NOW)
    assert window(period.previous) == (utc(2025, 10, 16, 12), utc(2025, 11, 15, 12))
    assert period.current.comparison == "same period last year (the 30 days to 15 Nov 2025)"
    assert period.compare == "yoy"


def test_the_default_comparison_is_the_previous_period_and_says_so() -> None:
    period = resolve_period("2026-10", now=NOW)
    assert period.current.comparison == "previous period (2026-09)"
    days = resolve_period("30d", now=NOW)
    assert days.current.comparison == "previous period (the 30 days before)"


def test_the_comparison_window_is_what_its_query_resolves_to() -> None:
    # compute_kpi(…, query.text, now=query.now) must compute exactly the previous window.
    for text in ("30d", "2026-10", "mtd", "ytd compare=yoy", "2026-W01", "2026-01-01..2026-01-31"):
        period = resolve_period(text, timezone="Europe/Copenhagen", now=NOW)
        query = period.previous_query
        assert query is not None
        again = resolve_period(query.text, timezone="Europe/Copenhagen", now=query.now)
        assert window(again.current) == window(period.previous), text


@pytest.mark.parametrize("compare", ["lastyear", "mom"])
def test_an_unknown_comparison_names_the_two_that_exist(compare: str) -> None:
    with pytest.raises(BadPeriod, match="Compare with `previous` .* or `yoy`"):
        resolve_period(f"2026-10 compare={compare}", now=NOW)
    with pytest.raises(BadPeriod, match="Compare with `previous`"):
        resolve_period("2026-10", now=NOW, compare=compare)
