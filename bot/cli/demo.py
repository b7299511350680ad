"""`journeybot demo [--seed N] [--serve]`: a working journeybot in one command.

Migrates and seeds the default metrics database with two years of demo data, indexes the
starter knowledge base, prints a short tour, and with --serve starts the Slack bot when
tokens are configured.
"""

from __future__ import annotations

from pathlib import Path

import click

import knowledge.errors
from bot.cli.common import database_place, fail, services
from bot.config import Settings
from bot.services import Services
from knowledge.errors import KnowledgeError
from knowledge.knowledge_base import KnowledgeBase
from metrics.errors import MetricsError

#: The starter knowledge base, shipped inside the knowledge package (package data).
CORPUS = Path(knowledge.errors.__file__).resolve().parent / "corpus"


SAMPLE_QUESTIONS = ("Hvordan beregner man NPS?", "How do we reduce churn?")


def print_tour(counts: dict[str, int], indexed: str | None, database: str) -> None:
    """What was set up, in a few lines a new user can check against the README."""
    click.echo("journeybot demo is ready.")
    click.echo(f"  Metrics database: {database}")
    seeded = ", ".join(f"{n:,} {table.replace('_', ' ')}" for table, n in counts.items())
    click.echo(f"  Seeded: {seeded}.")
    if indexed:
        click.echo(f"  Knowledge base: {indexed}")


def print_samples(svc: Services, base: KnowledgeBase | None) -> None:
    """Live output of the three jobs, through the same code as `ask`, `kpi` and `story next`.

    Why: the README's first command should show the product working, not only say it is
    ready. A failing sample prints its one-sentence error and the tour goes on.
    """
    from bot.cli.render import render_answer, render_card, render_kpi
    from metrics.kpi_query import KpiQuery

    if base is not None:
        for question in SAMPLE_QUESTIONS:
            _heading(f'journeybot ask "{question}"')
            try:
                click.echo(render_answer(base.ask(question)))
            except KnowledgeError as error:
                click.echo(f"Error: {error}")
    _heading("journeybot kpi nps --period 90d")
    try:
        result = svc.kpis().compute(KpiQuery(name="nps", period="90d"))
        click.echo(render_kpi(result))
        _heading("journeybot story next")
        card = svc.stories().next_card()
        click.echo(render_card(card) if card else "No consented story is available.")
    except MetricsError as error:
        click.echo(f"Error: {error}")
    _heading("Try your own")
    click.echo(
        '  .venv/bin/journeybot ask "Hvad er forskellen på kundecentreret og kundefokuseret?"'
    )
    click.echo("  .venv/bin/journeybot kpi churn --period 2026-Q3 --by segment")
    click.echo("  .venv/bin/journeybot kpi nps --why")
    click.echo("  .venv/bin/journeybot kpi list")
    click.echo("  .venv/bin/journeybot ingest path/to/your/documents")


def _heading(text: str) -> None:
    click.echo(f"\n$ {text}")


def register(cli: click.Group) -> None:
    @cli.command("demo")
    @click.option("--seed", type=int, default=7, show_default=True, help="Random seed.")
    @click.option("--serve", is_flag=True, help="Start the Slack bot afterwards if configured.")
    @click.pass_context
    def demo(ctx: click.Context, seed: int, serve: bool) -> None:
        """Seed demo data and the starter knowledge base, then show what to try."""
        from metrics.demo import seed_demo

        svc = services()
        config = svc.settings
        try:
            report = seed_demo(svc.engine(), seed=seed)
        except MetricsError as error:
            fail(str(error))
        indexed = None
        base: KnowledgeBase | None = None
        try:
            base = svc.knowledge_base()
            ingest = base.ingest([CORPUS])
            files = ingest.added + ingest.updated + ingest.unchanged
            indexed = f"{base.count():,} passages from {files} articles in {CORPUS}."
        except KnowledgeError as error:
            base = None
            click.echo(f"Warning: the starter knowledge base was not indexed: {error}", err=True)
        print_tour(report.counts, indexed, database_place(config))
        print_samples(svc, base)
        if serve:
            _serve(ctx, config)


def _serve(ctx: click.Context, config: Settings) -> None:
    from bot.cli.serve import missing_tokens

    http = not config.slack_app_token
    problem = missing_tokens(config, http=http)
    if problem:
        click.echo(
            "To connect Slack: create the app from manifest.yml, put SLACK_BOT_TOKEN and "
            "SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP) in .env, then run "
            f"`journeybot serve`. ({problem})"
        )
        return
    serve_command = ctx.find_root().command.get_command(ctx, "serve")  # type: ignore[attr-defined]
    ctx.invoke(serve_command, http=http)
