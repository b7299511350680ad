"""`journeybot import TABLE FILE.csv`: a validated, all-or-nothing CSV import."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from bot.cli.common import fail, print_json, services
from metrics.errors import ImportRejected, MetricsError
from metrics.schema import IMPORTABLE_TABLES


def summary(table: str, rows: int, inserted: int, updated: int, seconds: float) -> str:
    return (
        f"Imported {rows} rows into {table} ({inserted} new, {updated} updated) in {seconds:.1f} s."
    )


def how_read(delimiter: str, decimal_comma: bool, dayfirst: bool | None, encoding: str) -> str:
    """'Read as semicolon-separated, decimal comma, day-first dates, cp1252.'"""
    from metrics.csv_dialect import DELIMITERS

    parts = [f"{DELIMITERS.get(delimiter, repr(delimiter))}-separated"]
    if decimal_comma:
        parts.append("decimal comma")
    if dayfirst is not None:
        parts.append("day-first dates" if dayfirst else "month-first dates")
    if encoding != "utf-8":
        parts.append(encoding)
    return f"Read as {', '.join(parts)}."


def register(cli: click.Group) -> None:
    @cli.command("import")
    @click.argument("table", metavar="TABLE")
    @click.argument("file", metavar="FILE.csv", type=click.Path(path_type=Path))
    @click.option(
        "--delimiter",
        type=click.Choice([",", ";", "\t", "tab"]),
        default=None,
        help="Value separator (default: detected from the header).",
    )
    @click.option(
        "--decimal-comma/--decimal-point",
        default=None,
        help="Amounts like 1.234,50 (default: detected).",
    )
    @click.option(
        "--dayfirst/--monthfirst",
        default=None,
        help="Dates like 31.10.2026 or 10/31/2026 (default: detected).",
    )
    @click.option("--encoding", default=None, help="The file's encoding (default: utf-8).")
    @click.option("--json", "as_json", is_flag=True, help="Print a JSON summary on stdout.")
    def import_command(  # noqa: PLR0913
        table: str,
        file: Path,
        delimiter: str | None,
        decimal_comma: bool | None,
        dayfirst: bool | None,
        encoding: str | None,
        as_json: bool,
    ) -> None:
        """Import FILE.csv into TABLE (one of: customers, orders, nps_responses,
        csat_responses, tickets, checkout_sessions, stories).

        The header names the columns; one bad row rejects the whole file and every problem
        is listed as `row N, column C: reason` (the header is row 1). Re-importing upserts by id.
        Excel's Nordic CSV (`;`, 1.234,50, 31.10.2026) is detected; the options override.
        """
        from metrics.csv_import import import_csv

        if table not in IMPORTABLE_TABLES:
            fail(
                f"There is no table {table!r} to import into; use one of: {', '.join(IMPORTABLE_TABLES)}."
            )
        if delimiter in ("\\t", "tab"):
            delimiter = "\t"
        try:
            engine = services().engine()
            with _progress_bar(table) as progress:
                report = import_csv(
                    engine,
                    table,
                    file,
                    progress=progress,
                    encoding=encoding,
                    delimiter=delimiter,
                    decimal_comma=decimal_comma,
                    dayfirst=dayfirst,
                )
        except ImportRejected as error:
            if as_json:
                print_json(
                    {
                        "imported": False,
                        "table": table,
                        **error.summary,
                        "problems": error.total,
                        "message": str(error),
                        "listed": error.errors,
                    }
                )
            click.echo(f"Error: {error}", err=True)
            for line in error.errors:
                click.echo(f"  {line}", err=True)
            sys.exit(1)
        except MetricsError as error:
            fail(str(error))
        if as_json:
            print_json({"imported": True, **report.model_dump(), "problems": 0})
            return
        click.echo(
            summary(report.table, report.rows, report.inserted, report.updated, report.seconds)
            + " "
            + how_read(report.delimiter, report.decimal_comma, report.dayfirst, report.encoding)
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
