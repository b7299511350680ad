"""What every CLI command shares: the services, one-sentence errors, JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn

import click
from pydantic import BaseModel

from bot.config import Settings

if TYPE_CHECKING:
    from bot.services import Services


def services() -> Services:
    """The run's composition root, kept as the root click context's object: built from the
    settings (checked: a bad one stops the command) when a command first needs it, and
    closed when the command ends. A test may pass its own with `CliRunner.invoke(obj=…)`."""
    root = click.get_current_context().find_root()
    if root.obj is None:
        from bot.config import load_settings
        from bot.services import Services

        root.obj = Services.from_settings(load_settings())
        root.call_on_close(root.obj.close)
    return root.obj


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one sentence a user can act on, and exit non-zero (never a traceback)."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def looked_in(message: str, place: str, setting: str) -> str:
    """`message` plus where it looked, for "nothing there" errors: run from cron or another
    folder, the user must see which database or index was empty, and how to point at theirs."""
    stem = message.rstrip().rstrip(".")
    return f"{stem}; it looked in {place} (set {setting} if yours is elsewhere)."


def database_place(config: Settings) -> str:
    from metrics.db import safe_url

    return safe_url(config.metrics_database_url)


def print_json(value: BaseModel | list | dict) -> None:
    if isinstance(value, BaseModel):
        click.echo(value.model_dump_json(indent=2))
    else:
        click.echo(json.dumps(value, indent=2, default=str, ensure_ascii=False))


#: Outcomes of a post-once command that exit 1: the post did not go out, or may have.
UNFINISHED = ("failed", "outcome_unknown", "history_unreadable")


@contextmanager
def posting(what: str) -> Iterator[None]:
    """A post-once command's errors as one sentence; `what` is the post it looks for first
    ("the digest"). Rerunning is safe because the claim looks in the channel before posting."""
    from sqlalchemy.exc import SQLAlchemyError

    from metrics.errors import MetricsError

    try:
        yield
    except MetricsError as error:
        fail(str(error))
    except (OSError, SQLAlchemyError) as error:
        fail(
            f"The post did not complete ({type(error).__name__}); running the same command "
            f"again after 10 minutes is safe: it looks in the channel for {what} before it "
            "posts one."
        )


def report_posting(
    outcome: str, detail: str, channel: str, what: str, done: dict[str, str]
) -> None:
    """Prints what happened to a post-once command's post and exits 1 when it did not (or may
    not) have gone out; `done` has the sentences of the other outcomes, which name the post."""
    messages = {
        **done,
        "failed": f"Slack refused the post ({detail}); the week is free to retry.",
        "outcome_unknown": (
            f"Slack did not confirm the post ({detail}), so it may be in {channel}; "
            "running the same command again after 10 minutes is safe: it looks in the "
            f"channel first and posts only if {what} is not there."
        ),
        "history_unreadable": detail,
    }
    click.echo(messages[outcome])
    if outcome in UNFINISHED:
        raise SystemExit(1)
