"""Trend charts: valid PNGs of the promised size for every kind of result."""

from __future__ import annotations

import struct
from datetime import UTC, datetime

import pytest

from metrics.chart import render_trend
from metrics.models import KpiResult, Period, SeriesPoint


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def result(
    unit: str = "points", values: list[float | None] | None = None, previous: float | None = 12.0
) -> KpiResult:
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
    return KpiResult(
        kpi="nps",
        title="Net Promoter Score",
        description="…",
        value=30.0,
        unit=unit,
        n=40,
        period=Period(start=series[-1].start, end=series[-1].end, label="2026-05"),
        previous=previous,
        delta=None if previous is None else 30.0 - previous,
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
