"""The weekly KPI digest in Slack: built (metrics/digest.py), posted once per channel and ISO
week (bot/slack/post_once.py, claim `digest:2026-W48`), its one chart in the message's thread.

The digest reports on the last complete ISO week in STORY_TZ, so the Monday post covers
Monday to Sunday just ended; `--week` names another. `journeybot serve` posts it at
DIGEST_SCHEDULE and catches up on start-up when this week's slot has passed (the claim keeps
that to one post); a run that finds the digest being posted elsewhere, or got no answer from
Slack, runs once more when that claim is stale. The chart goes out after the message and is
not retried: the figures are what the post promises.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from apscheduler.schedulers.base import BaseScheduler
from pydantic import BaseModel
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine

from bot.i18n import say
from bot.scheduling.cron import parse_crontab
from bot.scheduling.scheduler import add_weekly_job, retry_when_stale
from bot.slack.post_once import Posting, post_once
from bot.views.digest import digest_message
from metrics.chart import render_panels
from metrics.digest import Digest, build_digest, last_complete_week
from metrics.kpi_service import KpiService

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)
EVENT_TYPE = "journeybot_digest"
JOB_ID = "weekly_digest"


class DigestPost(BaseModel):
    """The post's outcome, and whether its chart went into the thread."""

    posting: Posting
    week: str
    chart_posted: bool = False


def digest_key(week: str) -> str:
    return f"digest:{week}"


def post_digest(
    engine: Engine,
    client: WebClient,
    kpis: KpiService,
    channel: str,
    week: str,
    names: list[str],
    *,
    language: str = "en",
    claimed_by: str | None = None,
) -> DigestPost:
    """The digest of `week` in `channel`, once however many processes call this. Nothing is
    posted (and the week stays free) when no headline KPI has data for the week."""
    built: list[Digest] = []

    def compose() -> tuple[str, list[dict]] | None:
        digest = build_digest(kpis, names, week)
        if not digest.results:
            log.info("digest %s: no headline KPI has data for the week; nothing posted", week)
            return None
        built.append(digest)
        return digest_message(digest, language)

    posting = post_once(
        engine,
        client,
        channel,
        digest_key(week),
        compose,
        event_type=EVENT_TYPE,
        what="digest",
        claimed_by=claimed_by,
    )
    result = DigestPost(posting=posting, week=week)
    if posting.outcome != "posted" or not built:
        return result
    return result.model_copy(
        update={"chart_posted": _post_chart(client, posting, built[0], language)}
    )


def _post_chart(client: WebClient, posting: Posting, digest: Digest, language: str) -> bool:
    """The combined chart in the digest's thread; a failure is logged, the digest stands."""
    title = say("digest.header", language, week=digest.week)
    try:
        chart = render_panels(digest.results, title)
        client.files_upload_v2(
            channel=posting.channel,
            thread_ts=posting.message_ts,
            content=chart,
            filename=f"kpis-{digest.week}.png",
            title=title,
        )
    except (SlackApiError, OSError, ValueError) as error:
        log.warning("digest %s: the chart was not posted (%s)", digest.week, error)
        return False
    return True


def post_with_services(
    services: Services, client: WebClient, channel: str, week: str | None = None
) -> DigestPost:
    """`post_digest` with DIGEST_KPIS, CHANNEL_LANGUAGE and the week from STORY_TZ."""
    settings = services.settings
    return post_digest(
        services.engine(),
        client,
        services.kpis(),
        channel,
        week or last_complete_week(settings.story_tz),
        settings.digest_kpis,
        language=settings.channel_language,
    )


def run_weekly_digest(
    services: Services,
    client: WebClient,
    *,
    scheduler: BaseScheduler | None = None,
    week: str | None = None,
) -> DigestPost | None:
    """One job run; never raises, so the scheduler thread survives any failure. With a
    scheduler, an unfinished post runs once more when its claim is stale; such a retry
    (`week` given) that fires after the week it was for is no longer the last one does nothing."""
    channel = services.settings.digest_channel
    if not channel:
        return None
    due = last_complete_week(services.settings.story_tz)
    if week is not None and week != due:
        log.info("weekly digest: the retry for %s came after its time; skipped", week)
        return None
    result: DigestPost | None = None
    try:
        result = post_with_services(services, client, channel, due)
    except Exception:
        log.exception("weekly digest failed; retrying once the claim is stale")
    else:
        log.info("weekly digest: %s (%s, %s)", result.posting.outcome, channel, due)
        if result.posting.outcome == "history_unreadable":
            log.error("weekly digest: %s", result.posting.detail)
    unfinished = result is None or result.posting.outcome in (
        "in_progress_elsewhere",
        "outcome_unknown",
    )
    if unfinished and scheduler is not None:
        when = retry_when_stale(
            scheduler, run_weekly_digest, job_id=JOB_ID, args=(services, client), week=due
        )
        log.info("weekly digest: %s is not posted yet; retrying at %s", due, when)
    return result


def schedule_digest(
    scheduler: BaseScheduler, services: Services, client: WebClient, *, now: datetime | None = None
) -> bool:
    """Adds the DIGEST_SCHEDULE job (and a catch-up run when this week's slot has passed);
    False without DIGEST_CHANNEL."""
    settings = services.settings
    if not settings.digest_channel:
        log.info("DIGEST_CHANNEL is not set: no weekly KPI digest will be posted")
        return False
    # Settings validated DIGEST_SCHEDULE at start-up; this parse cannot fail.
    trigger = parse_crontab(settings.digest_schedule, settings.story_tz)
    add_weekly_job(
        scheduler,
        run_weekly_digest,
        trigger,
        settings.story_tz,
        job_id=JOB_ID,
        args=(services, client),
        now=now,
    )
    return True
