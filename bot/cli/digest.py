"""`journeybot digest preview|post`: the weekly KPI digest without waiting for Monday, the same
code paths as `serve` (bot/scheduling/digest.py)."""

from __future__ import annotations

import re
from pathlib import Path

import click

from bot import formatting
from bot.cli.common import UNFINISHED, fail, posting, print_json, report_posting, services
from bot.cli.render import ARROWS
from bot.scheduling.digest import post_with_services
from bot.views.why import split_lines
from metrics.digest import Digest, build_digest, last_complete_week
from metrics.errors import MetricsError

_WEEK = re.compile(r"^\d{4}-W\d{2}$")


def _check_week(week: str | None) -> None:
    """The form only; a week that does not exist (2025-W53) is BadPeriod's sentence."""
    if week is not None and not _WEEK.match(week):
        fail(f"{week!r} is not an ISO week; write it like 2026-W48.")


def render(digest: Digest) -> str:
    """The digest as plain text: one line per KPI, then why the biggest mover moved."""
    lines = [f"Weekly KPIs — {digest.week} (compared with {digest.previous_week})"]
    width = max(len(line.kpi) for line in digest.lines) if digest.lines else 0
    for line in digest.lines:
        result = line.result
        if result is None:
            lines.append(f"  {line.kpi:<{width}}  no data")
            continue
        moved = formatting.change(result)
        change = (
            "nothing to compare with"
            if moved is None
            else f"{ARROWS[moved.direction]} {moved.delta} — {moved.verdict}"
        )
        notes = []
        if result.target is not None:
            notes.append(f"target {formatting.value(result.target, result.unit)}")
        if result.low_sample:
            notes.append(f"only {formatting.observations(result.n)}")
        extra = f"  ({', '.join(notes)})" if notes else ""
        shown = formatting.value(result.value, result.unit)
        lines.append(f"  {result.kpi:<{width}}  {shown:>14}  {change}{extra}")
    if digest.why is not None:
        why = digest.why
        lines.append(f"Biggest move: {why.title} {formatting.delta(why.change, why.unit)}")
        for split in why.decompositions:
            rows = split_lines(split, why.unit, why.min_sample)
            top = [f"{label} {text}" for label, text in rows if label not in ("other", "total")]
            lines.append(f"  by {split.by}: " + "; ".join(top[:2]))
    elif digest.why_detail:
        lines.append(digest.why_detail)
    return "\n".join(lines)


def register(cli: click.Group) -> None:
    """Adds `journeybot digest …`."""

    @cli.group()
    def digest() -> None:
        """The weekly KPI digest: preview it, or post it to a channel once per week."""

    @digest.command("preview")
    @click.option("--week", help="ISO week like 2026-W48 (default: the last complete week).")
    @click.option("--chart", type=click.Path(dir_okay=False, path_type=Path), help="Write its PNG.")
    @click.option("--json", "as_json", is_flag=True, help="Print the digest as JSON.")
    def preview_command(week: str | None, chart: Path | None, as_json: bool) -> None:
        """Show the digest that would be posted (posts and claims nothing)."""
        _check_week(week)
        svc = services()
        config = svc.settings
        try:
            svc.engine()
            built = build_digest(
                svc.kpis(), config.digest_kpis, week or last_complete_week(config.story_tz)
            )
        except MetricsError as error:
            fail(str(error))
        if chart is not None:
            from metrics.chart import render_panels

            try:
                chart.write_bytes(render_panels(built.results, f"Weekly KPIs — {built.week}"))
            except OSError as error:
                fail(
                    f"Could not write the chart to {chart} ({error.strerror}); pick a writable path."
                )
        if as_json:
            print_json(built)
            return
        click.echo(render(built))
        if chart is not None:
            click.echo(f"chart written to {chart}")

    @digest.command("post")
    @click.option("--channel", help="Slack channel id (default: DIGEST_CHANNEL).")
    @click.option("--week", help="ISO week like 2026-W48 (default: the last complete week).")
    @click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
    def post_command(channel: str | None, week: str | None, as_json: bool) -> None:
        """Post the digest once; running it again for the same week posts nothing."""
        _check_week(week)
        svc = services()
        config = svc.settings
        channel = channel or config.digest_channel
        if not channel:
            fail("No channel given; pass --channel C0123ABCD or set DIGEST_CHANNEL.")
        if not config.slack_bot_token:
            fail(
                "SLACK_BOT_TOKEN is not set; set it to post to Slack (`digest preview` needs none)."
            )
        with posting("the digest"):
            svc.engine()
            result = post_with_services(svc, svc.slack_client(), channel, week)
        post = result.posting
        if as_json:
            print_json(result)
            if post.outcome in UNFINISHED:
                raise SystemExit(1)
            return
        chart = "" if result.chart_posted else "; the chart could not be posted"
        report_posting(
            post.outcome,
            post.detail,
            channel,
            "the digest",
            {
                "posted": f"Posted the digest of {result.week} to {channel} (ts {post.message_ts}){chart}.",
                "already_posted": f"The digest of {result.week} is already in {channel} (ts {post.message_ts}); nothing done.",
                "in_progress_elsewhere": f"Another process is posting the digest of {result.week} in {channel} right now; nothing done.",
                "nothing_to_post": f"Nothing to post for {result.week}: none of {', '.join(config.digest_kpis)} has data for that week.",
            },
        )
