"""`journeybot kpi NAME …` and `journeybot kpi list`: a thin shell over metrics.kpis."""

from __future__ import annotations

from pathlib import Path

import click

from bot import runtime
from bot.cli.common import database_place, fail, looked_in, print_json
from bot.config import Settings
from metrics.errors import MetricsError, NoData, WhyUnavailable
from metrics.models import KpiResult
from metrics.periods import period_expression

PERCENT = "%"


def register(cli: click.Group) -> None:
    """Adds this module's commands to the CLI."""
    cli.add_command(kpi)


@click.command()
@click.argument("name")
@click.option(
    "--period",
    "-p",
    help="2026-10, 2026-Q3, Q3, 2026, 2026-W48, 2026-09-15..2026-10-15, last-month, "
    "this-quarter, mtd, qtd, ytd, 30d, 12w …",
)
@click.option(
    "--compare",
    type=click.Choice(["previous", "yoy"], case_sensitive=False),
    help="Compare with the previous period (default) or the same period last year.",
)
@click.option(
    "--segment", "-s", "segments", multiple=True, help="KEY=VALUE, e.g. segment=enterprise."
)
@click.option("--by", type=click.Choice(["segment", "country"]), help="Break the KPI down.")
@click.option(
    "--why", is_flag=True, help="Split the change by segment and country into mix and rate."
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--chart", type=click.Path(dir_okay=False, path_type=Path), help="Write a PNG.")
@click.option("--raw", is_flag=True, help="Compute from the raw rows, not the rollups.")
def kpi(
    name: str,
    period: str | None,
    compare: str | None,
    segments: tuple[str, ...],
    by: str | None,
    why: bool,
    as_json: bool,
    chart: Path | None,
    raw: bool,
) -> None:
    """Compute a KPI (or `list` them) from the metrics database."""
    from metrics.registry import list_kpis

    config = runtime.settings()
    if name.lower() == "list":
        definitions = list_kpis(config.kpi_currency)
        if as_json:
            print_json([d.model_dump() for d in definitions])
        else:
            width = max(len(d.name) for d in definitions)
            for d in definitions:
                click.echo(f"{d.name:<{width}}  {d.title} ({d.unit}): {d.formula}")
        return

    from metrics.kpis import compute_kpi
    from metrics.segments import parse_segments

    try:
        filters = parse_segments(segments)
        result = compute_kpi(
            runtime.metrics_engine(config),
            name,
            period_expression(period or config.kpi_default_period, compare),
            segments=filters,
            by=by,
            timezone=config.kpi_timezone,
            min_sample=config.kpi_min_sample,
            currency=config.kpi_currency,
            gross_margin=config.kpi_gross_margin,
            discount_rate=config.kpi_discount_rate,
            raw=raw,
        )
    except NoData as error:
        fail(looked_in(str(error), database_place(config), "DATABASE_URL or JOURNEYBOT_HOME"))
    except MetricsError as error:
        fail(str(error))
    if chart is not None:
        from metrics.chart import render_trend

        try:
            chart.write_bytes(render_trend(result))
        except OSError as error:
            fail(f"Could not write the chart to {chart} ({error.strerror}); pick a writable path.")
    if as_json and not why:
        print_json(result)
    elif not as_json:
        click.echo(render(result))
        if chart is not None:
            click.echo(f"chart written to {chart}")
    if why:
        explain(
            config,
            name,
            period_expression(period or config.kpi_default_period, compare),
            filters,
            as_json,
        )


def explain(
    config: Settings, name: str, period: str, filters: dict[str, str], as_json: bool
) -> None:
    """`--why`: the change split into mix and rate (JSON: the WhyResult alone); a KPI that
    does not split says so in one sentence."""
    from bot.views.why import why_text
    from metrics.why import explain_change

    try:
        why = explain_change(
            runtime.metrics_engine(config),
            name,
            period,
            segments=filters,
            timezone=config.kpi_timezone,
            min_sample=config.kpi_min_sample,
            currency=config.kpi_currency,
            gross_margin=config.kpi_gross_margin,
            discount_rate=config.kpi_discount_rate,
        )
    except WhyUnavailable as error:
        if as_json:
            fail(str(error))
        click.echo(f"\n{error}")
        return
    except MetricsError as error:
        fail(str(error))
    if as_json:
        print_json(why)
    else:
        click.echo("\n" + why_text(why))


def _number(value: float, unit: str) -> str:
    if unit == PERCENT:
        return f"{value:.1f}%"
    return f"{value:,.2f} {unit}" if abs(value) < 100 else f"{value:,.0f} {unit}"


def render(result: KpiResult) -> str:
    """A few aligned lines a manager can read at a glance."""
    rows: list[tuple[str, str]] = [("value", _number(result.value, result.unit))]
    if result.delta is None or result.previous is None:
        rows.append(("change", "no previous period to compare with"))
    else:
        arrow = "▲" if result.delta > 0 else "▼" if result.delta < 0 else "="
        step = (
            f"{abs(result.delta):.1f} pp"
            if result.unit == PERCENT
            else _number(abs(result.delta), result.unit)
        )
        better = result.delta > 0 if result.polarity == "higher_is_better" else result.delta < 0
        verdict = "unchanged" if result.delta == 0 else ("better" if better else "worse")
        previous = _number(result.previous, result.unit)
        versus = result.period.comparison or "previous period"
        rows.append(("change", f"{arrow} {step} vs {versus}: {previous} — {verdict}"))
    rows += [(key, f"{value:,.2f}") for key, value in sorted(result.extra.items())]
    rows.append(("n", f"{result.n:,}"))
    start, end = result.period.start, result.period.end
    rows.append(("period", f"{start:%Y-%m-%d %H:%M} → {end:%Y-%m-%d %H:%M} (end exclusive)"))
    if result.segments:
        rows.append(("segment", ", ".join(f"{k}={v}" for k, v in result.segments.items())))
    if result.low_sample:
        observations = "observation" if result.n == 1 else "observations"
        rows.append(
            (
                "warning",
                f"only {result.n} {observations} (< {result.min_sample}): "
                "indicative, not conclusive",
            )
        )
    width = max(len(label) for label, _ in rows)
    lines = [f"{result.title} — {result.period.label}"]
    lines += [f"{label:<{width}}  {text}" for label, text in rows]
    for row in result.breakdown:
        shown = "no data" if row.value is None else _number(row.value, result.unit)
        flag = " (low sample)" if row.low_sample else ""
        lines.append(f"  {row.key:<14} {shown:>14}  n = {row.n:,}{flag}")
    return "\n".join(lines)
