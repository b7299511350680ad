"""Trend charts as PNG bytes, clean enough to paste into a slide.

matplotlib's object API (`Figure` + Agg canvas), never pyplot: pyplot keeps global state
and is not safe in the bot's listener threads.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from metrics.models import KpiResult

WIDTH_PX, HEIGHT_PX, DPI = 1000, 500, 100
LINE = "#1f4e79"
HIGHLIGHT = "#d9480f"
REFERENCE = "#868e96"


def _axis_label(result: KpiResult) -> str:
    return {"%": "percent", "points": "NPS points"}.get(result.unit, result.unit)


def render_trend(result: KpiResult) -> bytes:
    """A 1000×500 PNG: the trend points, the current period highlighted, the previous
    period as a dashed reference line; NPS on its full −100…100 scale."""
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    points = result.series
    labels = [p.label for p in points]
    positions = list(range(len(points)))
    values = [p.value for p in points]
    known = [(x, v) for x, v in zip(positions, values, strict=True) if v is not None]
    if known:
        xs, ys = zip(*known, strict=True)
        axes.plot(xs, ys, color=LINE, linewidth=2.2, marker="o", markersize=5, zorder=2)
        last_x, last_y = xs[-1], ys[-1]
        axes.scatter([last_x], [last_y], s=120, color=HIGHLIGHT, zorder=3)
        axes.annotate(
            f"{last_y:,.1f}",
            xy=(last_x, last_y),
            xytext=(8, 8),
            textcoords="offset points",
            color=HIGHLIGHT,
            fontsize=12,
            fontweight="bold",
        )
    if result.previous is not None:
        axes.axhline(result.previous, color=REFERENCE, linestyle="--", linewidth=1.2, zorder=1)
        axes.text(
            0.01,
            result.previous,
            f" previous period {result.previous:,.1f}",
            transform=axes.get_yaxis_transform(),
            color=REFERENCE,
            va="bottom",
            fontsize=9,
        )
    if result.unit == "points":
        axes.set_ylim(-100, 100)
        axes.axhline(0, color="#ced4da", linewidth=0.8, zorder=0)
    elif result.unit == "%":
        top = max([v for v in values if v is not None] + [result.value, result.previous or 0])
        axes.set_ylim(0, 100 if top > 60 else max(10.0, top * 1.3))
    else:
        axes.set_ylim(bottom=0)
    axes.set_xticks(
        positions,
        labels,
        rotation=0 if len(points) <= 8 else 45,
        ha="center" if len(points) <= 8 else "right",
    )
    axes.set_ylabel(_axis_label(result))
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
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
