"""`journeybot story next|post|list`: the weekly story without Slack's UI, same code paths."""

from __future__ import annotations

import re
from datetime import date

import click
from sqlalchemy.engine import Engine

from bot.cli.common import (
    database_place,
    fail,
    looked_in,
    posting,
    print_json,
    report_posting,
    services,
)
from bot.cli.render import render_card
from knowledge.language import detect
from metrics.errors import MetricsError
from metrics.stories.selection import candidates

_WEEK = re.compile(r"^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$")


def _engine() -> Engine:
    try:
        return services().engine()
    except MetricsError as error:
        fail(str(error))


def _check_week(week: str) -> None:
    """A week that exists: 2025-W53 matches the pattern, but 2025 has 52 ISO weeks, and a
    claim on it would stand for no real week."""
    match = _WEEK.match(week)
    if not match:
        fail(f"{week!r} is not an ISO week; write it like 2026-W48.")
    year, number = int(match[1]), int(match[2])
    if year < 1:
        fail(f"{week} does not exist: there is no year 0000.")
    weeks = date(year, 12, 28).isocalendar().week  # 28 December is always in the last week
    if number > weeks:
        fail(f"{week} does not exist: {year} has {weeks} ISO weeks (W01–W{weeks}).")


def register(cli: click.Group) -> None:
    """Adds `journeybot story …`."""

    @cli.group()
    def story() -> None:
        """Customer stories: preview the next one, post the weekly one, list candidates."""

    @story.command("next")
    @click.option("--json", "as_json", is_flag=True, help="Print the card as JSON.")
    def next_command(as_json: bool) -> None:
        """Preview the story that would be posted next (redacted; claims nothing)."""
        svc = services()
        config = svc.settings
        client = svc.slack_client() if config.slack_bot_token else None
        _engine()  # an unreachable database is one sentence, before any story work
        card = svc.stories().next_card(client)
        if card is None:
            if as_json:
                print_json({"story": None})
            else:
                where = database_place(config)
                click.echo(
                    looked_in(
                        "No consented story is available: add one or import stories",
                        where,
                        "DATABASE_URL or JOURNEYBOT_HOME",
                    )
                )
            return
        if as_json:
            print_json({"story": card.model_dump(mode="json")})
        else:
            click.echo(render_card(card))

    @story.command("post")
    @click.option("--channel", help="Slack channel id (default: STORY_CHANNEL).")
    @click.option("--week", help="ISO week like 2026-W48 (default: the current week in STORY_TZ).")
    @click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
    def post_command(channel: str | None, week: str | None, as_json: bool) -> None:
        """Post this week's story once; running it again for the same week posts nothing."""
        svc = services()
        config = svc.settings
        channel = channel or config.story_channel
        if not channel:
            fail("No channel given; pass --channel C123 or set STORY_CHANNEL.")
        if week is not None:
            _check_week(week)
        if not config.slack_bot_token:
            fail("SLACK_BOT_TOKEN is not set; set it to post to Slack.")
        client = svc.slack_client()
        _engine()
        with posting("a story that went out"):
            result = svc.stories().post_weekly(client, channel, week=week)
        if as_json:
            print_json(result)
            return
        report_posting(
            result.outcome,
            result.detail,
            channel,
            "the story",
            {
                "posted": f"Posted {result.story_key} to {channel} for {result.iso_week} (ts {result.message_ts}).",
                "already_posted": f"Already posted for {result.iso_week} in {channel} (ts {result.message_ts}); nothing done.",
                "in_progress_elsewhere": f"Another process is posting {result.iso_week} in {channel} right now; nothing done.",
                "nothing_to_post": f"Nothing to post for {result.iso_week}: no new consented story.",
            },
        )

    @story.command("list")
    @click.option("--json", "as_json", is_flag=True, help="Print the cards as JSON.")
    @click.option("--all", "include_posted", is_flag=True, help="Include stories already posted.")
    def list_command(as_json: bool, include_posted: bool) -> None:
        """Every consented story not posted yet (redacted), newest first."""
        cards = candidates(_engine(), detect_language=detect, allow_repeats=include_posted)
        if as_json:
            print_json([card.model_dump(mode="json") for card in cards])
            return
        if not cards:
            click.echo("No consented stories waiting.")
        for card in cards:
            click.echo(f"{card.key:<24} {card.source_label:<16} {card.title}")
