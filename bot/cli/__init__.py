"""`journeybot`: a thin shell over the knowledge, metrics and bot libraries.

Each command lives in its own module with a `register(cli)`; nothing here but wiring.
"""

from __future__ import annotations

import click

from bot.cli import ask, db, demo, feedback, imports, ingest, kpi, serve, story


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="journeybot")
def main() -> None:
    """journeybot: sourced answers, live KPIs and customer stories, in Slack or here."""


for _module in (ingest, ask, kpi, imports, db, demo, story, serve, feedback):
    _module.register(main)
