"""Trend charts: valid PNGs of the promised size for every kind of result, and a plan
(`plan_trend`) that never compares a trend point with a figure of another period length."""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta

import pytest

from metrics.chart import UnknownChartFormat, chart_format, plan_trend, render_trend
from metrics.models import KpiResult, Period, SeriesPoint


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def result(
    unit: str = "points",
    values: list[float | None] | None = None,
    previous: float | None = 12.0,
    period: Period | None = None,
) -> KpiResult:
    """Monthly trend points from January 2026; by default the period is the last month."""
    values = values if values is not None else [10.0, None, 25.5, -4.0, 30.0]
    series = [
        SeriesPoint(
            start=datetime(2026, m + 1, 1, tzinfo=UTC),
            end=datetime(2026, m + 2, 1, tzinfo=UTC),
            label=f"2026-{m + 1:02d}",
            value=v,
            n=0 if v is None else 40,
        )
        for m, v in enumerate(values)
    ]
    value = next((v for v in reversed(values) if v is not None), 30.0)
    return KpiResult(
        kpi="nps",
        title="Net Promoter Score",
        description="…",
        value=value,
        unit=unit,
        n=40,
        period=period or Period(start=series[-1].start, end=series[-1].end, label="2026-05"),
        previous=previous,
        delta=None if previous is None else value - previous,
        polarity="higher_is_better",
        series=series,
        low_sample=False,
        min_sample=30,
        segments={"segment": "enterprise"},
    )


@pytest.mark.parametrize("unit", ["points", "%", "hours", "DKK"])
def test_the_chart_is_a_1000_by_500_png(unit: str) -> None:
    assert png_size(render_trend(result(unit))) == (1000, 500)


def test_a_series_without_any_data_and_no_previous_period_still_renders() -> None:
    assert png_size(render_trend(result(values=[None, None], previous=None))) == (1000, 500)


def test_a_month_highlights_its_own_point_and_draws_the_previous_month() -> None:
    plan = plan_trend(result())
    assert plan.highlight == 4  # the last point: the month in the subtitle
    assert plan.reference == 12.0
    assert plan.y_label == "NPS points"


def test_a_quarter_highlights_no_monthly_point_and_draws_no_quarter_line() -> None:
    # Q2 = April–June; its last monthly point (June) is not the quarter, so neither the
    # highlight nor the quarter's previous figure across monthly points would be honest.
    quarter = Period(
        start=datetime(2026, 4, 1, tzinfo=UTC), end=datetime(2026, 7, 1, tzinfo=UTC), label="Q2"
    )
    plan = plan_trend(result(unit="%", values=[1.2, 1.5, 1.1, 1.4, 1.6, 1.3], period=quarter))
    assert plan.highlight is None
    assert plan.reference is None
    assert plan.y_label == "monthly net promoter score (%)"


def test_a_quarter_shades_its_months_and_labels_its_own_figure_across_them() -> None:
    # A quarter's churn (3.9 %) is not the mean of its months (1.2–1.7 %): the chart ties
    # the headline to the months it covers instead of leaving it beside them unexplained.
    quarter = Period(
        start=datetime(2026, 4, 1, tzinfo=UTC),
        end=datetime(2026, 7, 1, tzinfo=UTC),
        label="2026-Q2",
    )
    months = result(unit="%", values=[1.1, 1.3, 1.2, 1.5, 1.7, 1.2], period=quarter)
    plan = plan_trend(months.model_copy(update={"value": 3.9}))
    assert plan.period_span == (3, 5)  # April, May, June
    assert plan.period_value == 3.9
    assert plan.y_limits[1] > 3.9  # the quarter's figure is in view


def test_a_year_shades_all_its_months() -> None:
    year = Period(
        start=datetime(2026, 1, 1, tzinfo=UTC), end=datetime(2027, 1, 1, tzinfo=UTC), label="2026"
    )
    plan = plan_trend(result(values=[10.0, 12.0, 14.0, 15.0, 13.0], period=year))
    assert plan.period_span == (0, 4) and plan.period_value == 13.0


def test_a_month_and_a_trailing_window_shade_nothing() -> None:
    assert plan_trend(result()).period_span is None
    end = datetime(2026, 6, 1, tzinfo=UTC)
    window = Period(start=end - timedelta(days=30), end=end, label="last 30 days")
    assert plan_trend(result(period=window)).period_span is None


@pytest.mark.parametrize(("file_format", "magic"), [("svg", b"<?xml"), ("pdf", b"%PDF-")])
def test_a_quarter_chart_renders_as_svg_and_pdf(file_format: str, magic: bytes) -> None:
    quarter = Period(
        start=datetime(2026, 4, 1, tzinfo=UTC),
        end=datetime(2026, 7, 1, tzinfo=UTC),
        label="2026-Q2",
    )
    data = render_trend(
        result(unit="%", values=[1.1, 1.3, 1.2, 1.5, 1.7, 1.2], period=quarter), file_format
    )
    assert data.startswith(magic)
    if file_format == "svg":
        assert b"2026-Q2: 1.2%" in data  # the period's own figure, labelled


def test_an_unknown_chart_format_is_refused_in_one_sentence() -> None:
    with pytest.raises(UnknownChartFormat, match=r"\.png, \.svg or \.pdf"):
        chart_format("trend.jpg")
    assert [chart_format(n) for n in ("a.png", "b.SVG", "c.pdf")] == ["png", "svg", "pdf"]


def test_a_trailing_window_labels_its_weekly_points() -> None:
    end = datetime(2026, 11, 15, 12, tzinfo=UTC)
    weeks = [
        SeriesPoint(start=end - timedelta(days=7 * (4 - i)), end=end - timedelta(days=7 * (3 - i)),
                    label=f"w{i}", value=30.0 + i, n=50)
        for i in range(4)
    ]  # fmt: skip
    window = Period(start=end - timedelta(days=30), end=end, label="last 30 days")
    plan = plan_trend(result().model_copy(update={"series": weeks, "period": window}))
    assert (plan.highlight, plan.reference) == (None, None)
    assert plan.y_label.startswith("weekly ")


def test_a_running_month_whose_last_point_stops_at_now_is_still_highlighted() -> None:
    running = result()
    last = running.series[-1]
    clipped = last.model_copy(update={"end": last.start + timedelta(days=10)})
    plan = plan_trend(running.model_copy(update={"series": [*running.series[:-1], clipped]}))
    assert plan.highlight == 4 and plan.reference == 12.0


def test_nps_zooms_to_the_data_so_a_rise_from_26_to_40_is_visible() -> None:
    plan = plan_trend(result(values=[26.0, 29.0, 33.0, 37.0, 40.0], previous=37.0))
    bottom, top = plan.y_limits
    assert 20 <= bottom < 26 and 40 < top <= 45  # not −100…100
    assert top - bottom < 30


def test_zero_stays_in_view_only_when_it_is_near_the_data() -> None:
    near = plan_trend(result(unit="%", values=[1.0, 2.5, 3.0, 2.0, 1.5], previous=2.0))
    assert near.y_limits[0] == 0.0
    far = plan_trend(result(unit="%", values=[62.0, 66.0, 70.0, 71.0, 72.0], previous=70.0))
    assert 55 < far.y_limits[0] < 62 and far.y_limits[1] <= 100


def test_the_value_label_moves_below_the_point_when_the_previous_line_runs_just_above() -> None:
    assert (
        plan_trend(result(values=[26.0, 40.0, 41.4, 40.8], previous=41.4)).value_label_above
        is False
    )
    assert (
        plan_trend(result(values=[26.0, 30.0, 35.0, 40.8], previous=30.0)).value_label_above is True
    )
