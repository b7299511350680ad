"""Block Kit for KPIs: the figure, its change with a polarity-aware arrow, sample size, period.

Numbers, deltas and verdicts come from bot/formatting.py, as in the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot import formatting
from bot.views.limits import MAX_BLOCKS, cap_blocks, context, header, section
from bot.views.mrkdwn import escape

if TYPE_CHECKING:
    from metrics.models import KpiDefinition, KpiResult

ARROWS = {"up": ":arrow_up:", "down": ":arrow_down:", "unchanged": ":left_right_arrow:"}
VERDICTS = {"better": ":large_green_circle: better", "worse": ":small_red_triangle: worse"}


def change_line(result: KpiResult) -> str:
    """`:arrow_up: +4.2 pp vs previous period (2026-09): 37.8% — :large_green_circle: better`;
    the comparison named is the one computed (`ytd` compares with the same period last year)."""
    moved = formatting.change(result)
    if moved is None:
        return f"Nothing to compare with: no data for the {formatting.versus(result)}."
    if moved.verdict == "unchanged":
        return f"{ARROWS['unchanged']} unchanged vs {moved.versus}: {moved.previous}"
    return (
        f"{ARROWS[moved.direction]} {moved.delta} vs {moved.versus}: {moved.previous} — "
        f"{VERDICTS[moved.verdict]}"
    )


def extra_line(name: str, value: float | None, unit: str) -> str:
    """`promoters_pct` → `promoters: 40.0%`."""
    label, shown = formatting.extra(name, value, unit)
    return f"{label}: {shown}"


def headline(result: KpiResult) -> str:
    return f"*{formatting.value(result.value, result.unit)}*  {change_line(result)}"


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
                f":warning: Only {formatting.observations(result.n)} "
                f"(fewer than {result.min_sample}): "
                "treat this figure as indicative, not conclusive."
            )
        )
    if result.extra:
        blocks.append(context(*(extra_line(k, v, result.unit) for k, v in result.extra.items())))
    if result.breakdown:
        lines = [
            f"• *{escape(row.key)}*: {formatting.value(row.value, result.unit)} "
            f"(n = {row.n:,}{', low sample' if row.low_sample else ''})"
            for row in result.breakdown
        ]
        blocks.append(section("\n".join(lines)))
    blocks.append(context(f"_{result.description}_"))
    return cap_blocks(blocks)[:MAX_BLOCKS]


def kpi_summary_text(result: KpiResult) -> str:
    """Plain fallback text, also the chart upload's comment."""
    return (
        f"{result.title} ({result.period.label}): {formatting.value(result.value, result.unit)}, "
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
