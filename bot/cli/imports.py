"""`journeybot import TABLE FILE.csv`: a validated, all-or-nothing CSV import."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from bot.cli.common import fail, services
from metrics.errors import ImportRejected, MetricsError
from metrics.schema import IMPORTABLE_TABLES


def summary(table: str, rows: int, inserted: int, updated: int, seconds: float) -> str:
    return (
        f"Imported {rows} rows into {table} ({inserted} new, {updated} updated) in {seconds:.1f} s."
    )


def register(cli: click.Group) -> None:
    @cli.command("import")
    @click.argument("table", metavar="TABLE")
    @click.argument("file", metavar="FILE.csv", type=click.Path(path_type=Path))
    def import_command(table: str, file: Path) -> None:
        """Import FILE.csv into TABLE (one of: customers, orders, nps_responses,
        csat_responses, tickets, checkout_sessions, stories).

        The header names the columns; one bad row rejects the whole file and every problem
        is listed as `row N, column C: reason` (the header is row 1). Re-importing upserts by id.
        """
        from metrics.csv_import import import_csv

        if table not in IMPORTABLE_TABLES:
            fail(
                f"There is no table {table!r} to import into; use one of: {', '.join(IMPORTABLE_TABLES)}."
            )
        try:
            engine = services().engine()
            with _progress_bar(table) as progress:
                report = import_csv(engine, table, file, progress=progress)
        except ImportRejected as error:
            click.echo(f"Error: {error}", err=True)
            for line in error.errors:
                click.echo(f"  {line}", err=True)
            sys.exit(1)
        except MetricsError as error:
            fail(str(error))
        click.echo(
            summary(report.table, report.rows, report.inserted, report.updated, report.seconds)
        )


class _progress_bar:  # noqa: N801 - used like a function: `with _progress_bar(table) as p:`
    """A click progress bar on a terminal; nothing when output is piped or captured."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.bar = None

    def __enter__(self) -> Callable[[int, int], None] | None:
        if not sys.stderr.isatty():
            return None

        def update(done: int, total: int) -> None:
            if self.bar is None:
                self.bar = click.progressbar(
                    length=total, label=f"Importing {self.table}", file=sys.stderr
                )
                self.bar.__enter__()
            self.bar.length = max(total, done)
            self.bar.update(done - self.bar.pos)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
