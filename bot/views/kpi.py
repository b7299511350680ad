"""Block Kit for KPIs: the figure, its change with a polarity-aware arrow, sample size, period.

Numbers, deltas and verdicts come from bot/formatting.py, as in the terminal; every word comes
from the catalogue (bot/i18n/catalogue/kpi.yaml) in the reader's `language` (English unless
told), and numbers and dates are laid out as that language writes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot import formatting
from bot.i18n import say, say_or
from bot.views.limits import MAX_BLOCKS, cap_blocks, context, header, image, section
from bot.views.mrkdwn import escape

if TYPE_CHECKING:
    from metrics.models import KpiDefinition, KpiResult

ARROWS = {"up": ":arrow_up:", "down": ":arrow_down:", "unchanged": ":left_right_arrow:"}


def kpi_title(kpi: KpiResult | KpiDefinition, language: str = "en") -> str:
    """The KPI's title in `language` (catalogue `kpi.<name>.title`), else its English one."""
    name = getattr(kpi, "kpi", None) or getattr(kpi, "name", "")
    return say_or(kpi.title, f"kpi.{name}.title", language)


def kpi_description(kpi: KpiResult | KpiDefinition, language: str = "en") -> str:
    name = getattr(kpi, "kpi", None) or getattr(kpi, "name", "")
    return say_or(kpi.description, f"kpi.{name}.description", language)


def change_line(result: KpiResult, language: str = "en") -> str:
    """`:arrow_up: +4.2 pp vs previous period (2026-09): 37.8% — :large_green_circle: better`;
    the comparison named is the one computed (`ytd` compares with the same period last year)."""
    moved = formatting.change(result, locale=language)
    if moved is None:
        return say(
            "kpi.nothing_to_compare",
            language,
            versus=escape(formatting.versus(result, locale=language)),
        )
    versus = escape(moved.versus)
    if moved.verdict == "unchanged":
        return say(
            "kpi.unchanged",
            language,
            arrow=ARROWS["unchanged"],
            versus=versus,
            previous=moved.previous,
        )
    return say(
        "kpi.moved",
        language,
        arrow=ARROWS[moved.direction],
        delta=moved.delta,
        versus=versus,
        previous=moved.previous,
        verdict=say(f"kpi.{moved.verdict}", language),
    )


def extra_line(name: str, value: float | None, unit: str, language: str = "en") -> str:
    """`promoters_pct` → `promoters: 40.0%`."""
    label, shown = formatting.extra(name, value, unit, locale=language)
    return f"{label}: {shown}"


def headline(result: KpiResult, language: str = "en") -> str:
    shown = formatting.value(result.value, result.unit, locale=language)
    return f"*{shown}*  {change_line(result, language)}"


def kpi_blocks(
    result: KpiResult, language: str = "en", *, chart_file_id: str | None = None
) -> list[dict]:
    """The full /kpi reply; with `chart_file_id` (an uploaded PNG) the trend chart is shown
    inside the message, under the figure."""
    period = result.period
    n = formatting.count(result.n, locale=language)
    # Segment values come from the command and from imported CSV data: escaped.
    segments = escape(", ".join(f"{k}={v}" for k, v in sorted(result.segments.items())))
    blocks: list[dict] = [
        header(
            f"{kpi_title(result, language)} — {formatting.period_label(period, locale=language)}"
        ),
        section(headline(result, language)),
        context(
            say("kpi.n", language, n=n),
            say(
                "kpi.period",
                language,
                start=formatting.day(period.start, locale=language),
                end=formatting.day(period.end, locale=language),
            ),
            *([say("kpi.segment", language, segments=segments)] if segments else []),
        ),
    ]
    if chart_file_id is not None:
        blocks.append(image(chart_file_id, chart_alt_text(result, language)))
    if result.low_sample:
        blocks.append(
            section(
                say(
                    "kpi.low_sample",
                    language,
                    observations=formatting.observations(result.n, locale=language),
                    minimum=formatting.count(result.min_sample, locale=language),
                )
            )
        )
    if result.extra:
        blocks.append(
            context(*(extra_line(k, v, result.unit, language) for k, v in result.extra.items()))
        )
    if result.breakdown:
        lines = [
            say(
                "kpi.breakdown_row_low" if row.low_sample else "kpi.breakdown_row",
                language,
                key=escape(row.key),
                value=formatting.value(row.value, result.unit, locale=language),
                n=formatting.count(row.n, locale=language),
            )
            for row in result.breakdown
        ]
        blocks.append(section("\n".join(lines)))
    blocks.append(context(f"_{kpi_description(result, language)}_"))
    return cap_blocks(blocks)[:MAX_BLOCKS]


def chart_alt_text(result: KpiResult, language: str = "en") -> str:
    """What a screen reader says for the chart."""
    return say(
        "kpi.chart_alt",
        language,
        title=kpi_title(result, language),
        period=formatting.period_label(result.period, locale=language),
    )


def kpi_summary_text(result: KpiResult, language: str = "en") -> str:
    """Plain fallback text, also the chart upload's comment."""
    return say(
        "kpi.summary",
        language,
        title=kpi_title(result, language),
        period=formatting.period_label(result.period, locale=language),
        value=formatting.value(result.value, result.unit, locale=language),
        n=formatting.count(result.n, locale=language),
    )


def help_blocks(kpis: Sequence[KpiDefinition], language: str = "en") -> list[dict]:
    lines = [f"• `{k.name}` — {kpi_description(k, language)}" for k in kpis]
    blocks = [header(say("kpi.help_title", language)), section(say("kpi.help_usage", language))]
    chunk: list[str] = []
    for line in lines:
        if sum(len(x) + 1 for x in chunk) + len(line) > 2900:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(section("\n".join(chunk)))
    return cap_blocks(blocks)
