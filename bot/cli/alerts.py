"""`journeybot alerts check [--dry-run] [--json]`: every alert rule checked now, for cron; the
same code `journeybot serve` runs on ALERT_SCHEDULE (bot/scheduling/alerts.py)."""

from __future__ import annotations

import click
from sqlalchemy.exc import SQLAlchemyError

from bot import formatting
from bot.cli.common import fail, print_json, services
from bot.scheduling.alerts import AlertCheck, check_with_services
from metrics.errors import MetricsError

#: Outcomes after which the command exits 1: something needs a person or another run.
UNFINISHED = {"failed", "outcome_unknown", "history_unreadable"}
_WORDS = {"breached": "breach", "recovered": "recovery"}


def describe(check: AlertCheck, dry_run: bool) -> str:
    """`nps-below-30  nps  breached  10.0 points  announced the breach in C0ALERTS (ts 1.2)`."""
    if check.verdict is None:
        return f"{check.rule}  {check.kpi}  not checked: {check.detail}"
    if check.verdict == "no_data":
        state = f" (stays {check.state})" if check.state else ""
        return f"{check.rule}  {check.kpi}  no data{state}: {check.detail}"
    figure = formatting.value(check.value, check.unit)
    head = f"{check.rule}  {check.kpi}  {check.verdict}  {figure}"
    if check.channel is None:
        return f"{head}  not posted: {check.detail}"
    what = _WORDS.get(check.announcement or "", "")
    if dry_run:
        action = f"would announce the {what} in {check.channel}" if what else "nothing to announce"
        return f"{head}  {action}"
    posting = check.posting
    if posting is None:
        return f"{head}  {check.detail or 'nothing to announce'}"
    actions = {
        "posted": f"announced the {what} in {check.channel} (ts {posting.message_ts})",
        "already_posted": f"the {what} was announced already; not repeated",
        "in_progress_elsewhere": f"another process is announcing the {what} right now",
        "nothing_to_post": "nothing to announce",
        "failed": f"Slack refused the {what} ({posting.detail}); the next check tries again",
        "outcome_unknown": (
            f"Slack did not confirm the {what} ({posting.detail}); the next check after 10 "
            "minutes looks in the channel first and posts only if it is not there"
        ),
        "history_unreadable": posting.detail,
    }
    return f"{head}  {actions[posting.outcome]}"


def register(cli: click.Group) -> None:
    """Adds `journeybot alerts …`."""

    @cli.group()
    def alerts() -> None:
        """Check the alert rules (ALERT_RULES_FILE) and announce breaches and recoveries."""

    @alerts.command("check")
    @click.option(
        "--dry-run", is_flag=True, help="Say what would be announced; change and post nothing."
    )
    @click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON.")
    def check_command(dry_run: bool, as_json: bool) -> None:
        """Check every rule now; announce each breach once and each recovery once."""
        svc = services()
        config = svc.settings
        if not dry_run and not config.slack_bot_token:
            fail(
                "SLACK_BOT_TOKEN is not set; set it to post alerts, or add --dry-run to see "
                "what would be posted."
            )
        try:
            svc.engine()
            client = None if dry_run else svc.slack_client()
            checks = check_with_services(svc, client, dry_run=dry_run)
        except MetricsError as error:
            fail(str(error))
        except (OSError, SQLAlchemyError) as error:
            fail(
                f"The check did not complete ({type(error).__name__}); running it again is "
                "safe: nothing is announced twice."
            )
        if as_json:
            print_json([check.model_dump(mode="json") for check in checks])
        else:
            if not checks:
                source = config.alert_rules_file or "the shipped metrics/targets.yaml"
                click.echo(f"No alert rules in {source}.")
            for check in checks:
                click.echo(describe(check, dry_run))
        failed = any(
            check.verdict is None or (check.posting and check.posting.outcome in UNFINISHED)
            for check in checks
        )
        if failed:
            raise SystemExit(1)
