"""`journeybot`: a thin shell over the knowledge, metrics and bot libraries.

Each command lives in its own module with a `register(cli)`; nothing here but wiring, and
the one place a bad setting becomes sentences instead of a traceback, for every command.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from bot.cli import ask, db, demo, doctor, feedback, imports, ingest, kpi, serve, story
from bot.config import SettingsError


class _Cli(click.Group):
    def invoke(self, ctx: click.Context) -> Any:  # noqa: ANN401 - whatever the command returns
        """Settings are read (and checked) by each command when it starts; a bad one stops
        it with one `Error:` line per setting naming the variable and what it expects."""
        try:
            return super().invoke(ctx)
        except SettingsError as error:
            for problem in error.problems:
                click.echo(f"Error: {problem}", err=True)
            sys.exit(1)


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="journeybot")
def main() -> None:
    """journeybot: sourced answers, live KPIs and customer stories, in Slack or here."""


for _module in (ingest, ask, kpi, imports, db, demo, story, serve, feedback, doctor):
    _module.register(main)
