"""`journeybot`: a thin shell over the knowledge, metrics and bot libraries.

Each command lives in its own module with a `register(cli)`; nothing here but wiring. The
modules are imported only when their command runs: `journeybot --help` would otherwise load
the index, SQLAlchemy and pydantic-settings (1.7 s) to print a screen of text.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

#: command → (module that registers it, its one-line help as `--help` lists it). A test
#: checks each line against the command's own docstring, so the two cannot drift apart.
COMMANDS: dict[str, tuple[str, str]] = {
    "alerts": (
        "bot.cli.alerts",
        "Check the alert rules (ALERT_RULES_FILE) and announce breaches and recoveries.",
    ),
    "ask": (
        "bot.cli.ask",
        "Answer QUESTION from the knowledge base, with numbered sources ('-' = stdin lines).",
    ),
    "db": ("bot.cli.db", "The metrics database (DATABASE_URL, else a SQLite file under…"),
    "demo": (
        "bot.cli.demo",
        "Seed demo data and the starter knowledge base, then show what to try.",
    ),
    "digest": (
        "bot.cli.digest",
        "The weekly KPI digest: preview it, or post it to a channel once per week.",
    ),
    "doctor": (
        "bot.cli.doctor",
        "Check settings, database, index, Slack token and LLM; say what to fix.",
    ),
    "feedback": ("bot.cli.feedback", "Ratings people gave the bot's answers in Slack."),
    "import": ("bot.cli.imports", "Import FILE.csv into TABLE (one of: customers, orders,…"),
    "ingest": ("bot.cli.ingest", "Index files and folders (md, markdown, txt, html, htm, pdf)."),
    "kpi": ("bot.cli.kpi", "Compute a KPI (or `list` them) from the metrics database."),
    "serve": (
        "bot.cli.serve",
        "Run the Slack bot: Socket Mode if SLACK_APP_TOKEN is set, else use --http.",
    ),
    "story": (
        "bot.cli.story",
        "Customer stories: preview the next one, post the weekly one, list candidates.",
    ),
}


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module = importlib.import_module(COMMANDS[cmd_name][0])
        holder = click.Group()
        module.register(holder)
        return holder.commands.get(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:  # noqa: ANN401 (whatever the command returns)
        """Settings are read (and checked) by each command when it starts; a bad one stops it
        with one `Error:` line per setting naming the variable and what it expects."""
        try:
            return super().invoke(ctx)
        except Exception as error:
            from bot.config import SettingsError  # here: --help must not load pydantic-settings

            if not isinstance(error, SettingsError):
                raise
            for problem in error.problems:
                click.echo(f"Error: {problem}", err=True)
            sys.exit(1)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="journeybot")
def main() -> None:
    """journeybot: sourced answers, live KPIs and customer stories, in Slack or here."""
