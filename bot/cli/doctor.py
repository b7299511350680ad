"""`journeybot doctor [--json]`: one line per part of the installation, ok or what to fix.

Exit 0 when nothing is failing (a part that is not configured, like Slack for a CLI-only
setup, is "skipped", not failing), 1 otherwise.
"""

from __future__ import annotations

import sys

import click

from bot.cli.common import print_json


def register(cli: click.Group) -> None:
    """Adds this module's commands to the CLI."""

    @cli.command()
    @click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
    def doctor(as_json: bool) -> None:
        """Check settings, database, index, Slack token and LLM; say what to fix."""
        from bot.doctor import diagnose

        report = diagnose()
        if as_json:
            print_json(report)
        else:
            width = max(len(check.name) for check in report.checks)
            for check in report.checks:
                click.echo(f"{check.status:<7}  {check.name:<{width}}  {check.detail}")
        sys.exit(0 if report.ok else 1)
