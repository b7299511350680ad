"""`journeybot feedback export`: the 👍/👎 ratings with question, answer and sources, as CSV."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.cli.common import fail, services


def register(cli: click.Group) -> None:
    """Adds this module's commands to the CLI."""

    @cli.group()
    def feedback() -> None:
        """Ratings people gave the bot's answers in Slack."""

    @feedback.command("export")
    @click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path))
    def export(output: Path | None) -> None:
        """Write every rating as CSV (to stdout unless --output is given)."""
        from metrics.errors import MetricsError
        from metrics.feedback import export_csv

        try:
            engine = services().engine()
            if output is None:
                export_csv(engine, sys.stdout)
                return
            tmp = output.with_name(output.name + ".tmp")
            with tmp.open("w", newline="", encoding="utf-8") as out:
                count = export_csv(engine, out)
            tmp.replace(output)
        except MetricsError as error:
            fail(str(error))
        except OSError as error:
            fail(f"Cannot write {output}: {error.strerror}; choose a writable path.")
        click.echo(f"Wrote {count} rating(s) to {output}", err=True)
