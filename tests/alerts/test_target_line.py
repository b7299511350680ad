"""Targets on charts: a KPI with a target gets it drawn as a line, kept in view, and the
KPI service puts the rules file's target on every result it computes."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

from matplotlib.image import imread

from bot.config import Settings
from bot.services import Services
from metrics.chart import TARGET, plan_trend, render_trend
from metrics.db import connect
from metrics.kpi_query import KpiQuery
from metrics.models import KpiResult, Period, SeriesPoint
from tests.alerts.kpi_rows import add_nps


def monthly(values: list[float], target: float | None) -> KpiResult:
    series = [
        SeriesPoint(
            start=datetime(2026, m + 1, 1, tzinfo=UTC),
            end=datetime(2026, m + 2, 1, tzinfo=UTC),
            label=f"2026-{m + 1:02d}",
            value=v,
            n=40,
        )
        for m, v in enumerate(values)
    ]
    return KpiResult(
        kpi="nps",
        title="Net Promoter Score",
        description="…",
        value=values[-1],
        unit="points",
        n=40,
        period=Period(start=series[-1].start, end=series[-1].end, label="2026-05"),
        previous=values[-2],
        delta=values[-1] - values[-2],
        polarity="higher_is_better",
        series=series,
        low_sample=False,
        min_sample=30,
        target=target,
    )


def target_pixels(png: bytes) -> int:
    """Pixels in the target's green (anti-aliasing blends a line into the white around it,
    so: green clearly above red and blue)."""
    assert TARGET == "#2b8a3e"
    image = imread(io.BytesIO(png))[:, :, :3]
    red, green, blue = image[:, :, 0], image[:, :, 1], image[:, :, 2]
    return int(((green - red > 0.15) & (green - blue > 0.15)).sum())


def test_a_target_far_above_the_trend_is_kept_in_view() -> None:
    plan = plan_trend(monthly([21.0, 23.0, 22.0, 24.0, 25.0], target=40.0))
    assert plan.target == 40.0
    bottom, top = plan.y_limits
    assert bottom < 40.0 < top


def test_the_target_is_drawn_as_a_line_across_the_chart() -> None:
    with_target = render_trend(monthly([21.0, 23.0, 22.0, 24.0, 25.0], target=40.0))
    without = render_trend(monthly([21.0, 23.0, 22.0, 24.0, 25.0], target=None))
    assert target_pixels(without) == 0
    assert target_pixels(with_target) > 300, "a dotted line most of 1000 px wide"


def test_the_kpi_service_puts_the_rules_files_target_on_every_result(
    home: Path, tmp_path: Path, database_url: str
) -> None:
    engine = connect(database_url)
    add_nps(engine, [10, 9, 8, 0], at=datetime.now(UTC) - timedelta(days=2))
    engine.dispose()
    shipped = Services.from_settings(Settings(journeybot_home=home, database_url=database_url))
    assert shipped.kpis().compute(KpiQuery(name="nps")).target == 40.0
    rules = tmp_path / "rules.yaml"
    rules.write_text("targets:\n  nps: 55\n", encoding="utf-8")
    own = Services.from_settings(
        Settings(journeybot_home=home, database_url=database_url, alert_rules_file=rules)
    )
    assert own.kpis().compute(KpiQuery(name="NPS", period="30d")).target == 55.0
    shipped.close()
    own.close()
