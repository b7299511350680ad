"""Block Kit for KPIs: the figure, its change with a polarity-aware arrow, sample size, period.

Rounding happens here and only here: the metrics layer returns unrounded values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.views.limits import MAX_BLOCKS, cap_blocks, context, header, section
from bot.views.mrkdwn import escape

if TYPE_CHECKING:
    from metrics.models import KpiDefinition, KpiResult

PERCENT_UNITS = {"%", "percent"}


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "no data"
    if unit in PERCENT_UNITS:
        return f"{value:.1f}%"
    digits = 0 if abs(value) >= 1000 else (1 if abs(value) >= 10 else 2)
    number = f"{value:,.{digits}f}"
    return f"{number} {unit}".strip()


def format_delta(delta: float, unit: str) -> str:
    sign = "+" if delta > 0 else "−" if delta < 0 else "±"
    magnitude = abs(delta)
    if unit in PERCENT_UNITS:
        return f"{sign}{magnitude:.1f} pp"
    return f"{sign}{format_value(magnitude, unit)}"


def is_improvement(delta: float, polarity: str) -> bool:
    """Up is good for NPS, bad for churn: the colour follows the KPI's polarity."""
    return delta > 0 if polarity == "higher_is_better" else delta < 0


def change_line(result: KpiResult) -> str:
    """`▲ +4.2 pp vs previous period (2026-09): 37.8 — better`, coloured by polarity; the
    comparison named is the one computed (`ytd` compares with the same period last year)."""
    versus = result.period.comparison or "previous period"
    if result.delta is None or result.previous is None:
        return f"Nothing to compare with: no data for the {versus}."
    previous = format_value(result.previous, result.unit)
    if result.delta == 0:
        return f":left_right_arrow: unchanged vs {versus}: {previous}"
    arrow = ":arrow_up:" if result.delta > 0 else ":arrow_down:"
    good = is_improvement(result.delta, result.polarity)
    verdict = ":large_green_circle: better" if good else ":small_red_triangle: worse"
    return (
        f"{arrow} {format_delta(result.delta, result.unit)} vs {versus}: {previous} — {verdict}"
    )


def extra_line(name: str, value: float | None, unit: str) -> str:
    """`promoters_pct` → `promoters: 40.0%`; other extras share the KPI's unit (p90 hours)."""
    if name.endswith("_pct"):
        return f"{name.removesuffix('_pct').replace('_', ' ')}: {format_value(value, '%')}"
    return f"{name.replace('_', ' ')}: {format_value(value, unit)}"


def headline(result: KpiResult) -> str:
    return f"*{format_value(result.value, result.unit)}*  {change_line(result)}"


def kpi_blocks(result: KpiResult) -> list[dict]:
    """The full /kpi reply (the chart travels separately as an uploaded file)."""
    period = result.period
    # Segment values come from the command and from imported CSV data: escaped.
    segments = escape(", ".join(f"{k}={v}" for k, v in sorted(result.segments.items())))
    blocks: list[dict] = [
        header(f"{result.title} — {period.label}"),
        section(headline(result)),
        context(
            f"n = {result.n:,}",
            f"period {period.start:%Y-%m-%d} → {period.end:%Y-%m-%d} (end exclusive)",
            *([f"segment: {segments}"] if segments else []),
        ),
    ]
    if result.low_sample:
        blocks.append(
            section(
                f":warning: Only {result.n} observation{'' if result.n == 1 else 's'} "
                f"(fewer than {result.min_sample}): "
                "treat this figure as indicative, not conclusive."
            )
        )
    if result.extra:
        blocks.append(context(*(extra_line(k, v, result.unit) for k, v in result.extra.items())))
    if result.breakdown:
        lines = [
            f"• *{escape(row.key)}*: {format_value(row.value, result.unit)} "
            f"(n = {row.n:,}{', low sample' if row.low_sample else ''})"
            for row in result.breakdown
        ]
        blocks.append(section("\n".join(lines)))
    blocks.append(context(f"_{result.description}_"))
    return cap_blocks(blocks)[:MAX_BLOCKS]


def kpi_summary_text(result: KpiResult) -> str:
    """Plain fallback text, also the chart upload's comment."""
    return (
        f"{result.title} ({result.period.label}): {format_value(result.value, result.unit)}, "
        f"n = {result.n}"
    )


def help_blocks(kpis: Sequence[KpiDefinition]) -> list[dict]:
    lines = [f"• `{k.name}` — {k.description}" for k in kpis]
    usage = (
        "Usage: `/kpi NAME [PERIOD] [compare=yoy] [segment=…] [country=…] [by=segment] [why] "
        "[share]`\n"
        "Periods: `30d`, `12w`, `2026-10`, `2026-Q3`, `Q3`, `2026`, `2026-W48`, "
        "`2026-09-15..2026-10-15`, `last-month`, `this-quarter`, `mtd`, `qtd`, `ytd`. "
        "Add `share` to post it in the channel; otherwise only you see it."
    )
    blocks = [header("KPIs you can ask for"), section(usage)]
    chunk: list[str] = []
    for line in lines:
        if sum(len(x) + 1 for x in chunk) + len(line) > 2900:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(section("\n".join(chunk)))
    return cap_blocks(blocks)
