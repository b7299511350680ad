"""`journeybot db upgrade|current|rebuild-rollups|check`: migrate the metrics database, say
where it is, rebuild its rollups from the raw tables, or compare the two."""

from __future__ import annotations

import click

from bot.cli.common import fail, services
from metrics.errors import MetricsError


def register(cli: click.Group) -> None:
    @cli.group("db")
    def db_group() -> None:
        """The metrics database (DATABASE_URL, else a SQLite file under JOURNEYBOT_HOME)."""

    @db_group.command("upgrade")
    def upgrade() -> None:
        """Migrate the database to the newest schema (safe to run any time)."""
        from metrics.db import upgrade as upgrade_database

        try:
            revision = upgrade_database(services().settings.metrics_database_url)
        except MetricsError as error:
            fail(str(error))
        click.echo(f"The metrics database is at revision {revision} (newest).")

    @db_group.command("current")
    def current() -> None:
        """Print the database's revision without changing anything."""
        from metrics.db import head_revision, revision_at

        try:
            revision = revision_at(services().settings.metrics_database_url)
        except MetricsError as error:
            fail(str(error))
        head = head_revision()
        if revision is None:
            click.echo(
                f"The metrics database is empty; run `journeybot db upgrade` (newest is {head})."
            )
        elif revision == head:
            click.echo(f"The metrics database is at revision {revision} (newest).")
        else:
            click.echo(
                f"The metrics database is at revision {revision}; newest is {head}: run `journeybot db upgrade`."
            )

    @db_group.command("rebuild-rollups")
    def rebuild_rollups() -> None:
        """Recompute every KPI rollup from the raw tables (one transaction)."""
        from metrics.rollups import rebuild

        try:
            engine = services().engine()
            with engine.begin() as conn:
                rebuild(conn)
        except MetricsError as error:
            fail(str(error))
        click.echo("The KPI rollups were rebuilt from the raw tables.")

    @db_group.command("check")
    def check() -> None:
        """Compare the KPI rollups with the raw tables; exit 1 naming each difference."""
        from metrics.rollups import check as compare

        try:
            engine = services().engine()
            with engine.connect() as conn:
                problems = compare(conn)
        except MetricsError as error:
            fail(str(error))
        if problems:
            for problem in problems:
                click.echo(problem, err=True)
            raise SystemExit(1)
        click.echo("The KPI rollups match the raw tables.")
