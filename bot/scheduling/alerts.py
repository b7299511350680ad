"""Alert rules checked and announced: each rule's verdict moves its state (metrics/alerts/),
and what the state owes its channel (a breach, a recovery) is posted once (bot/slack/post_once.py).

So a breach is announced on the first check that sees it, not again while it lasts, and its
recovery once when it is over, however many replicas check, and across restarts: the state
and the announcements are rows in the database. A recovery is announced only when its breach
was; a rule with no data keeps its state. `journeybot serve` runs `run_alert_checks` on
ALERT_SCHEDULE (and once at start-up); `journeybot alerts check` is the same for cron.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from apscheduler.schedulers.base import BaseScheduler
from pydantic import BaseModel
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.scheduling.cron import parse_crontab
from bot.slack.post_once import Posting, post_once
from bot.views.alert import alert_message
from metrics import claims
from metrics.alerts.evaluate import Evaluation, Verdict, evaluate
from metrics.alerts.rules import AlertRule, RuleBook
from metrics.alerts.state import Announcement, StateName, announcement_key, current, record
from metrics.claims import POSTS
from metrics.errors import MetricsError
from metrics.kpi_service import KpiService

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)
EVENT_TYPE = "journeybot_alert"
JOB_ID = "alert_checks"


class AlertCheck(BaseModel):
    """One rule's check: the verdict and figure, where its state now stands, and the
    announcement it made (or, in a dry run, would make)."""

    rule: str
    kpi: str
    channel: str | None
    verdict: Verdict | None  # None: the figure could not be computed (`detail` says why)
    value: float | None = None
    unit: str = ""
    state: StateName | None = None
    episode: int = 0
    announcement: Announcement | None = None
    posting: Posting | None = None
    detail: str = ""


def check_alerts(
    engine: Engine,
    client: WebClient | None,
    book: RuleBook,
    kpis: KpiService,
    *,
    default_channel: str | None,
    language: str,
    dry_run: bool = False,
    now: datetime | None = None,
    claimed_by: str | None = None,
) -> list[AlertCheck]:
    """Every rule checked, in file order. A dry run changes nothing and posts nothing: it
    says what a real check would announce. Without a client nothing can be posted either."""
    now = now or datetime.now(UTC)
    checks = []
    for rule in book.alerts:
        channel = rule.channel or default_channel
        try:
            evaluation = evaluate(rule, kpis, now=now)
        except MetricsError as error:
            checks.append(
                AlertCheck(
                    rule=rule.name, kpi=rule.kpi, channel=channel, verdict=None, detail=str(error)
                )
            )
            continue
        check = AlertCheck(
            rule=rule.name,
            kpi=rule.kpi,
            channel=channel,
            verdict=evaluation.verdict,
            value=evaluation.result.value if evaluation.result else None,
            unit=evaluation.result.unit if evaluation.result else "",
            detail=evaluation.detail,
        )
        if channel is None:
            check.detail = check.detail or (
                "No channel: give the rule a channel or set ALERT_CHANNEL to have it posted."
            )
        elif dry_run or client is None:
            check = _foresee(engine, check, evaluation, channel)
        else:
            check = _settle(engine, client, check, evaluation, channel, language, now, claimed_by)
        checks.append(check)
    return checks


def _foresee(engine: Engine, check: AlertCheck, evaluation: Evaluation, channel: str) -> AlertCheck:
    """What a real check would do now, from the state as it is (nothing written)."""
    before = current(engine, check.rule, channel)
    if before is None and evaluation.verdict == "no_data":
        return check  # never checked with data: no state yet
    state: StateName = before.state if before else "ok"
    episode = before.episode if before else 0
    if evaluation.verdict != "no_data" and (evaluation.verdict == "breached") != (
        state == "breached"
    ):
        state = evaluation.verdict  # type: ignore[assignment]
        episode += 1 if state == "breached" else 0
    owed: Announcement | None = (
        "breached" if state == "breached" else "recovered" if episode else None
    )
    announcement = None
    if owed is not None and evaluation.result is not None:
        if not _announced(engine, channel, announcement_key(check.rule, episode, owed)):
            announcement = owed
        if owed == "recovered" and not _announced(
            engine, channel, announcement_key(check.rule, episode, "breached")
        ):
            announcement = None  # as _settle: no recovery from an unannounced breach
    return check.model_copy(
        update={"state": state, "episode": episode, "announcement": announcement}
    )


def _announced(engine: Engine, channel: str, key: str) -> bool:
    done = claims.status(engine, POSTS, channel, key)
    return done is not None and done.posted_at is not None


def _settle(
    engine: Engine,
    client: WebClient,
    check: AlertCheck,
    evaluation: Evaluation,
    channel: str,
    language: str,
    now: datetime,
    claimed_by: str | None,
) -> AlertCheck:
    """Moves the rule's state to the verdict, then posts what the state owes, once."""
    if evaluation.verdict == "no_data":
        before = current(engine, check.rule, channel)
        if before is not None:
            check = check.model_copy(update={"state": before.state, "episode": before.episode})
        return check
    value = evaluation.result.value if evaluation.result else None
    state = record(engine, check.rule, channel, breached=evaluation.breached, value=value, now=now)
    check = check.model_copy(update={"state": state.state, "episode": state.episode})
    owed = state.owes
    if owed is None:
        return check
    breach = announcement_key(check.rule, state.episode, "breached")
    if owed == "recovered" and not _announced(engine, channel, breach):
        return check.model_copy(
            update={"detail": "Recovered from a breach that was never announced; nothing posted."}
        )
    posting = post_once(
        engine,
        client,
        channel,
        announcement_key(check.rule, state.episode, owed),
        lambda: alert_message(evaluation, owed, evaluation.rule.language or language),
        event_type=EVENT_TYPE,
        what="alert",
        claimed_by=claimed_by,  # claimed and looked for at the clock's time, not `now`'s
    )
    return check.model_copy(
        update={"announcement": owed, "posting": posting, "detail": posting.detail}
    )


def check_with_services(
    services: Services,
    client: WebClient | None,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
) -> list[AlertCheck]:
    """`check_alerts` with the services' database, rules, KPI service and settings."""
    settings = services.settings
    return check_alerts(
        services.engine(),
        client,
        services.rule_book(),
        services.kpis(),
        default_channel=settings.alert_channel,
        language=settings.channel_language,
        dry_run=dry_run,
        now=now,
    )


def run_alert_checks(services: Services, client: WebClient) -> list[AlertCheck] | None:
    """One scheduled run; never raises, so the scheduler thread survives any failure. A post
    left unfinished is finished by the next run (its claim is stale by then)."""
    try:
        checks = check_with_services(services, client)
    except Exception:
        log.exception("alert check failed; the next scheduled run tries again")
        return None
    for check in checks:
        posted = check.posting.outcome if check.posting else "nothing to post"
        log.info("alert %s: %s, %s (%s)", check.rule, check.verdict, check.state, posted)
        if check.verdict is None or (
            check.posting and check.posting.outcome == "history_unreadable"
        ):
            log.error("alert %s: %s", check.rule, check.detail)
    return checks


def postable_rules(book: RuleBook, default_channel: str | None) -> list[AlertRule]:
    """The rules that have a channel to post to."""
    return [rule for rule in book.alerts if rule.channel or default_channel]


def schedule_alerts(scheduler: BaseScheduler, services: Services, client: WebClient) -> bool:
    """Adds the ALERT_SCHEDULE job, and a run now (a restart catches up at once; the state
    in the database keeps it from repeating anything). False when no rule can be posted."""
    settings = services.settings
    book = services.rule_book()
    if not postable_rules(book, settings.alert_channel):
        unposted = ", ".join(rule.name for rule in book.alerts) or "none"
        log.info(
            "no alert rule has a channel (rules: %s); set ALERT_CHANNEL or a rule's channel",
            unposted,
        )
        return False
    # Settings validated ALERT_SCHEDULE at start-up; this parse cannot fail.
    trigger = parse_crontab(settings.alert_schedule, settings.story_tz)
    options = {"args": (services, client), "coalesce": True, "max_instances": 1}
    scheduler.add_job(
        run_alert_checks,
        trigger,
        id=JOB_ID,
        misfire_grace_time=600,
        replace_existing=True,
        **options,
    )
    scheduler.add_job(run_alert_checks, id=f"{JOB_ID}_start", **options)
    return True
