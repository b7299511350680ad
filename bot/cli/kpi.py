"""`journeybot kpi NAME …` and `journeybot kpi list`: a thin shell over metrics.kpis."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import database_place, fail, looked_in, print_json, services
from bot.cli.render import render_kpi
from metrics.errors import MetricsError, NoData, WhyUnavailable
from metrics.kpi_query import KpiQuery


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
@click.option(
    "--chart",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the trend chart; .png, .svg or .pdf, as the file name says.",
)
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
    svc = services()
    if name.lower() == "list":
        definitions = svc.kpis().definitions()
        if as_json:
            print_json([d.model_dump() for d in definitions])
        else:
            width = max(len(d.name) for d in definitions)
            for d in definitions:
                click.echo(f"{d.name:<{width}}  {d.title} ({d.unit}): {d.formula}")
        return

    file_format = "png"
    if chart is not None:
        from metrics.chart import chart_format

        try:
            file_format = chart_format(chart.name)
        except MetricsError as error:
            fail(str(error))
    try:
        query = KpiQuery.parse(
            name, period=period, filters=segments, by=by, compare=compare, raw=raw
        )
        result = svc.kpis().compute(query)
    except NoData as error:
        where = database_place(svc.settings)
        fail(looked_in(str(error), where, "DATABASE_URL or JOURNEYBOT_HOME"))
    except MetricsError as error:
        fail(str(error))
    if chart is not None:
        from metrics.chart import render_trend

        try:
            chart.write_bytes(render_trend(result, file_format))
        except OSError as error:
            fail(f"Could not write the chart to {chart} ({error.strerror}); pick a writable path.")
    if as_json and not why:
        print_json(result)
    elif not as_json:
        click.echo(render_kpi(result))
        if chart is not None:
            click.echo(f"chart written to {chart}")
    if why:
        explain(query, as_json)


def explain(query: KpiQuery, as_json: bool) -> None:
    """`--why`: the change split into mix and rate, and for NPS and CSAT the themes of the
    comments (JSON: the WhyResult with `themes`, null for other KPIs); a KPI that does not
    split says so in one sentence."""
    from bot.answering.comment_themes import themes_for
    from bot.views.comment_themes import themes_text
    from bot.views.why import why_text

    svc = services()
    try:
        why = svc.kpis().explain(query)
        client = svc.slack_client() if svc.settings.slack_bot_token else None
        themes = themes_for(svc, query, why, client)
    except WhyUnavailable as error:
        if as_json:
            fail(str(error))
        click.echo(f"\n{error}")
        return
    except MetricsError as error:
        fail(str(error))
    if as_json:
        print_json(
            {**why.model_dump(mode="json"), "themes": themes and themes.model_dump(mode="json")}
        )
        return
    click.echo("\n" + why_text(why))
    if themes is not None:
        comparison = why.period.comparison or why.previous_period.label
        click.echo("\n" + themes_text(themes, comparison))
