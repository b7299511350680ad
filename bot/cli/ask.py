"""`journeybot ask` (being built)."""

import click


def register(cli: click.Group) -> None:
    """Adds this module's commands to the CLI."""
