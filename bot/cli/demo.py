"""`journeybot demo [--seed N] [--serve]`: a working journeybot in one command.

Migrates and seeds the default metrics database with two years of demo data, indexes the
starter knowledge base, prints a short tour, and with --serve starts the Slack bot when
tokens are configured.
"""

from __future__ import annotations

from pathlib import Path

import click

import knowledge.errors
from bot.cli.common import fail, settings
from bot.config import Settings
from knowledge.errors import KnowledgeError
from metrics.errors import MetricsError

#: The starter knowledge base, shipped inside the knowledge package (package data).
CORPUS = Path(knowledge.errors.__file__).resolve().parent / "corpus"


def print_tour(counts: dict[str, int], indexed: str | None, database: str) -> None:
    """What was set up and what to try next (the lead extends this with live samples)."""
    click.echo("journeybot demo is ready.")
    click.echo(f"  Metrics database: {database}")
    seeded = ", ".join(f"{n:,} {table.replace('_', ' ')}" for table, n in counts.items())
    click.echo(f"  Seeded: {seeded}.")
    if indexed:
        click.echo(f"  Knowledge base: {indexed}")
    click.echo("Try:")
    click.echo('  journeybot ask "Hvordan beregner man NPS?"')
    click.echo("  journeybot kpi nps --period 90d")
    click.echo("  journeybot kpi list")
    click.echo("  journeybot story next")


def register(cli: click.Group) -> None:
    @cli.command("demo")
    @click.option("--seed", type=int, default=7, show_default=True, help="Random seed.")
    @click.option("--serve", is_flag=True, help="Start the Slack bot afterwards if configured.")
    @click.pass_context
    def demo(ctx: click.Context, seed: int, serve: bool) -> None:
        """Seed demo data and the starter knowledge base, then show what to try."""
        from bot.runtime import metrics_engine
        from knowledge.knowledge_base import KnowledgeBase
        from metrics.demo import seed_demo

        config = settings()
        try:
            report = seed_demo(metrics_engine(config), seed=seed)
        except MetricsError as error:
            fail(str(error))
        indexed = None
        try:
            base = KnowledgeBase(
                config.index_path,
                chroma_host=config.chroma_host,
                chroma_port=config.chroma_port,
                embedding_model=config.embedding_model,
            )
            ingest = base.ingest([CORPUS])
            indexed = f"{ingest.chunks} passages from {CORPUS} indexed."
        except KnowledgeError as error:
            click.echo(f"Warning: the starter knowledge base was not indexed: {error}", err=True)
        print_tour(report.counts, indexed, _safe_url(config.metrics_database_url))
        if serve:
            _serve(ctx, config)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return parsed.render_as_string(hide_password=True)


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
