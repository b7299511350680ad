"""Trend charts as PNG, SVG or PDF bytes, clean enough to paste into a slide.

matplotlib's object API (`Figure` + Agg canvas), never pyplot: pyplot keeps global state
and is not safe in the bot's listener threads.

What to draw is decided by `plan_trend`, a pure function tests can assert on; the
rendering only follows the plan. A quarter or a year is drawn over its months: the months
that make it up are shaded and the period's own figure is drawn across them, labelled, so
the headline (a quarter's 3.9 %) is tied to the monthly points it summarises (1.2–1.7 %).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, timedelta

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from metrics.errors import MetricsError
from metrics.models import KpiResult, SeriesPoint

WIDTH_PX, HEIGHT_PX, DPI = 1000, 500, 100
LINE = "#1f4e79"
HIGHLIGHT = "#d9480f"
REFERENCE = "#868e96"
TARGET = "#2b8a3e"
#: Hard limits of the scale per unit (None: open on that side).
_SCALE = {"%": (0.0, 100.0), "points": (-100.0, 100.0)}
#: The smallest y range shown, so noise on a flat trend does not look like a swing.
_MIN_SPAN = {"%": 2.0, "points": 10.0}
_PAD = 0.15  # of the data range, above and below
PERIOD_SHADE = "#e7f0f8"
#: File formats a chart can be written in (matplotlib's savefig formats we promise).
FORMATS = ("png", "svg", "pdf")


class UnknownChartFormat(MetricsError):
    """A chart file name whose suffix is not one of FORMATS."""


def chart_format(filename: str) -> str:
    """`trend.svg` → `svg`; raises UnknownChartFormat (one sentence) for other suffixes."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in FORMATS:
        shown = f"'.{suffix}'" if suffix else "no suffix"
        raise UnknownChartFormat(
            f"A chart can be written as .png, .svg or .pdf, and {filename!r} has {shown}; "
            "name the file with one of those."
        )
    return suffix


@dataclass(frozen=True)
class TrendPlan:
    """What the chart shows: which point is highlighted (index into `result.series`, or
        None), the previous-period value drawn as a reference line (or None), the y-axis
        label and limits, and whether the highlighted value's label goes above the point (below
    when the reference line runs just above it, so the two do not overlap)."""

    highlight: int | None
    reference: float | None
    y_label: str
    y_limits: tuple[float, float]
    value_label_above: bool = True
    target: float | None = None  # the KPI's target (metrics/targets.yaml), drawn as a line
    #: The first and last trend point inside the period (a quarter's three months), when
    #: the period spans several points: shaded, with the period's figure across them.
    period_span: tuple[int, int] | None = None
    period_value: float | None = None


def _axis_label(unit: str) -> str:
    return {"%": "percent", "points": "NPS points"}.get(unit, unit)


def _span(point: SeriesPoint) -> timedelta:
    return point.end.astimezone(UTC) - point.start.astimezone(UTC)


def _bucket_word(series: list[SeriesPoint]) -> str:
    """'weekly' or 'monthly' from the longest bucket (the first and last may be clipped)."""
    longest = max(_span(p) for p in series)
    if longest <= timedelta(days=7, hours=1):
        return "weekly"
    if longest <= timedelta(days=31, hours=1):
        return "monthly"
    return "per-bucket"


def _noun(title: str) -> str:
    """'Customer satisfaction (CSAT)' → 'customer satisfaction', for 'monthly … (%)'."""
    words = re.sub(r"\s*\(.*?\)", "", title).split()
    return " ".join(w if sum(c.isupper() for c in w) > 1 else w.lower() for w in words)


def _is_current(point: SeriesPoint, result: KpiResult) -> bool:
    """The bucket is the asked-for period itself: same start, and the same end, or an
    earlier one only because a running period's trend stops at now."""
    return point.start == result.period.start and point.end <= result.period.end


def _limits(unit: str, values: list[float]) -> tuple[float, float]:
    """Zoomed to the data with padding; 0 is kept in view only when it is near (no
    further from the data than the data's own range), so a rise from 26 to 40 is visible."""
    floor, ceiling = _SCALE.get(unit, (0.0 if min(values, default=0.0) >= 0 else None, None))
    if not values:
        return (floor if floor is not None else 0.0, ceiling if ceiling is not None else 1.0)
    low, high = min(values), max(values)
    minimum = _MIN_SPAN.get(unit, max(abs(low), abs(high)) * 0.1 or 1.0)
    if high - low < minimum:
        middle = (high + low) / 2
        low, high = middle - minimum / 2, middle + minimum / 2
    span = high - low
    if 0 < low <= span:
        low = 0.0
    elif -span <= high < 0:
        high = 0.0
    bottom = low - (_PAD * span if low != 0 else 0.0)
    top = high + (_PAD * span if high != 0 else 0.0)
    if floor is not None:
        bottom = max(bottom, floor)
    if ceiling is not None:
        top = min(top, ceiling)
    return bottom, top


def _inside(point: SeriesPoint, result: KpiResult) -> bool:
    return point.start >= result.period.start and point.end <= result.period.end


def _period_points(result: KpiResult) -> tuple[int, int] | None:
    """The run of two or more points that make up the period (a quarter's months), or None."""
    inside = [i for i, p in enumerate(result.series) if _inside(p, result)]
    if len(inside) < 2 or inside != list(range(inside[0], inside[-1] + 1)):
        return None
    return inside[0], inside[-1]


def plan_trend(result: KpiResult) -> TrendPlan:
    """Highlight the last point and draw the previous period only when that point IS the
    period in the subtitle; otherwise (a quarter's monthly points, a 30-day window's
    weekly points) comparing a point with the period's figures would mislead, so the axis
    names the bucket size instead ('monthly churn rate (%)'), and a period made of several
    points (a quarter's months) is shaded with its own figure drawn across them."""
    series = result.series
    current = bool(series) and _is_current(series[-1], result) and series[-1].value is not None
    if current:
        highlight: int | None = len(series) - 1
        reference = result.previous
        label = _axis_label(result.unit)
    else:
        highlight, reference = None, None
        bucket = _bucket_word(series) if series else "trend"
        label = f"{bucket} {_noun(result.title)} ({result.unit})"
    shown = [p.value for p in series if p.value is not None]
    span = None if current else _period_points(result)
    if current or span is not None:
        shown.append(result.value)
    if reference is not None:
        shown.append(reference)
    if result.target is not None:
        shown.append(result.target)  # in view, so the gap to the target is visible
    limits = _limits(result.unit, shown)
    above = True
    if highlight is not None and reference is not None:
        gap = reference - series[highlight].value
        above = not 0 <= gap < 0.12 * (limits[1] - limits[0])
    return TrendPlan(
        highlight,
        reference,
        label,
        limits,
        above,
        result.target,
        period_span=span,
        period_value=result.value if span is not None else None,
    )


def draw_target(axes: Axes, target: float) -> None:
    """The target as a dash-dotted green line across the chart, named in the legend."""
    axes.axhline(
        target, color=TARGET, linestyle="-.", linewidth=2, zorder=1, label=f"target {target:,.1f}"
    )


def render_trend(result: KpiResult, file_format: str = "png") -> bytes:
    """The trend as a 1000×500 PNG (or the same figure as SVG or PDF), drawn as `plan_trend`
    decides."""
    if file_format not in FORMATS:
        raise UnknownChartFormat(
            f"Charts are written as {', '.join(FORMATS)}, not {file_format!r}."
        )
    plan = plan_trend(result)
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    points = result.series
    labels = [p.label for p in points]
    positions = list(range(len(points)))
    known = [(x, p.value) for x, p in zip(positions, points, strict=True) if p.value is not None]
    if known:
        xs, ys = zip(*known, strict=True)
        axes.plot(xs, ys, color=LINE, linewidth=2.2, marker="o", markersize=5, zorder=2)
    if plan.highlight is not None:
        value = points[plan.highlight].value
        axes.scatter([plan.highlight], [value], s=120, color=HIGHLIGHT, zorder=3)
        axes.annotate(
            f"{value:,.1f}",
            xy=(plan.highlight, value),
            xytext=(0, 10 if plan.value_label_above else -10),
            textcoords="offset points",
            ha="center",
            va="bottom" if plan.value_label_above else "top",
            color=HIGHLIGHT,
            fontsize=12,
            fontweight="bold",
        )
    if plan.period_span is not None and plan.period_value is not None:
        first, last = plan.period_span
        axes.axvspan(first - 0.5, last + 0.5, color=PERIOD_SHADE, zorder=0, linewidth=0)
        axes.hlines(
            plan.period_value, first - 0.4, last + 0.4, color=HIGHLIGHT, linewidth=2.5, zorder=3
        )
        suffix = "%" if result.unit == "%" else ""
        axes.annotate(
            f"{result.period.label}: {plan.period_value:,.1f}{suffix}",
            xy=((first + last) / 2, plan.period_value),
            xytext=(0, 8),
            textcoords="offset points",
            ha="center",
            va="bottom",
            color=HIGHLIGHT,
            fontsize=12,
            fontweight="bold",
            zorder=4,
        )
    if plan.reference is not None:
        axes.axhline(
            plan.reference,
            color=REFERENCE,
            linestyle="--",
            linewidth=1.2,
            zorder=1,
            label=f"previous period {plan.reference:,.1f}",
        )
    if plan.target is not None:
        draw_target(axes, plan.target)
    if plan.reference is not None or plan.target is not None:
        # A legend placed where it covers no line or label, instead of text on the line.
        axes.legend(loc="best", frameon=False, fontsize=9, labelcolor="linecolor")
    bottom, top = plan.y_limits
    if bottom < 0 < top:
        axes.axhline(0, color="#ced4da", linewidth=0.8, zorder=0)
    axes.set_ylim(bottom, top)
    axes.set_xticks(
        positions,
        labels,
        rotation=0 if len(points) <= 8 else 45,
        ha="center" if len(points) <= 8 else "right",
    )
    axes.set_ylabel(plan.y_label)
    segments = ", ".join(f"{k}={v}" for k, v in sorted(result.segments.items()))
    subtitle = (
        f"{result.period.label}: {result.value:,.1f} {result.unit}"
        + (f" · {segments}" if segments else "")
        + f" · n = {result.n:,}"
    )
    if result.low_sample:
        subtitle += " (small sample)"
    axes.set_title(f"{result.title}\n", fontsize=15, fontweight="bold", loc="left")
    axes.text(0, 1.02, subtitle, transform=axes.transAxes, fontsize=10, color="#495057")
    axes.grid(axis="y", color="#e9ecef")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format=file_format, dpi=DPI)
    return buffer.getvalue()


def render_panels(results: list[KpiResult], title: str) -> bytes:
    """Several KPIs in one PNG, one small trend per KPI (each with its own scale, its period
    highlighted and its target line), two to a row: the weekly digest's one chart."""
    columns = 1 if len(results) == 1 else 2
    rows = max(1, -(-len(results) // columns))
    figure = Figure(figsize=(WIDTH_PX / DPI, (80 + 260 * rows) / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.suptitle(title, fontsize=15, fontweight="bold", x=0.01, ha="left")
    for index in range(rows * columns):
        axes = figure.add_subplot(rows, columns, index + 1)
        if index >= len(results):
            axes.set_visible(False)
            continue
        result = results[index]
        plan = plan_trend(result)
        points = result.series
        known = [(x, p.value) for x, p in enumerate(points) if p.value is not None]
        if known:
            xs, ys = zip(*known, strict=True)
            axes.plot(xs, ys, color=LINE, linewidth=1.8, marker="o", markersize=3, zorder=2)
        if plan.highlight is not None:
            axes.scatter([plan.highlight], [points[plan.highlight].value], s=50, color=HIGHLIGHT)
        if plan.target is not None:
            draw_target(axes, plan.target)
            axes.legend(loc="best", frameon=False, fontsize=8, labelcolor="linecolor")
        axes.set_ylim(*plan.y_limits)
        step = max(1, len(points) // 6)
        ticks = list(range(0, len(points), step))
        axes.set_xticks(ticks, [points[i].label for i in ticks], fontsize=8)
        axes.tick_params(axis="y", labelsize=8)
        axes.set_title(
            f"{result.title}: {result.value:,.1f} {result.unit}", fontsize=10, loc="left"
        )
        axes.grid(axis="y", color="#e9ecef")
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
