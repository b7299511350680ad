"""The weekly story job: APScheduler fires it, the database decides who actually posts.

Every replica runs its own in-memory scheduler (APScheduler job stores must not be shared);
`post_weekly_story` claims (channel, ISO week) in the database, so only one post happens.
On start-up we catch up: a bot that was down at Monday 09:00 posts as soon as it starts,
provided the week's scheduled time has passed and the week is still running. A run that
finds the week claimed but not posted (a replica crashed mid-post), or whose own post got no
answer from Slack, retries once that claim is stale; the retry looks in the channel before it
posts, so a crash followed by a quick restart still posts this week, and only once. A channel
whose history cannot be read is not retried: that needs a person (the log says what to do).

The job posts through the composition root (`services.stories()`, `services.slack_client()`),
so it uses the same chat model, STORY_* settings and client as `/story share` and the CLI.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.base import BaseTrigger

from bot.scheduling.cron import parse_crontab
from bot.services import Services
from bot.stories.posting import PostResult, current_week
from metrics.claims import STALE_AFTER

log = logging.getLogger(__name__)
JOB_ID = "weekly_story"
RETRY_JOB_ID = f"{JOB_ID}_retry"
#: A claim can be taken over after STALE_AFTER; the margin covers clock skew and slow runs.
RETRY_AFTER = STALE_AFTER + timedelta(seconds=30)


def scheduled_time_this_week(trigger: BaseTrigger, timezone: str, now: datetime) -> datetime | None:
    """The first time the schedule fires in `now`'s ISO week, or None if it never does."""
    local = now.astimezone(ZoneInfo(timezone))
    monday = (local - timedelta(days=local.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    first = trigger.get_next_fire_time(None, monday)
    if first is None or first.isocalendar()[:2] != local.isocalendar()[:2]:
        return None
    return first


def catch_up_due(trigger: BaseTrigger, timezone: str, now: datetime) -> bool:
    """True when this week's scheduled time has already passed (the job may have been missed)."""
    first = scheduled_time_this_week(trigger, timezone, now)
    return first is not None and first <= now


def add_weekly_job(
    scheduler: BaseScheduler,
    job: Callable[..., object],
    trigger: BaseTrigger,
    timezone: str,
    *,
    job_id: str,
    args: tuple,
    now: datetime | None = None,
) -> None:
    """`job` on `trigger`, plus a catch-up run now when this week's slot has already passed
    (a bot that was down at the slot posts on start-up; the claim keeps that to one post).
    The story and the digest are scheduled alike through this."""
    options = {"args": args, "kwargs": {"scheduler": scheduler}}
    scheduler.add_job(
        job,
        trigger,
        id=job_id,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=3600,
        replace_existing=True,
        **options,
    )
    if catch_up_due(trigger, timezone, now or datetime.now(UTC)):
        scheduler.add_job(job, id=f"{job_id}_catch_up", **options)


def retry_when_stale(
    scheduler: BaseScheduler,
    job: Callable[..., object],
    *,
    job_id: str,
    args: tuple,
    week: str,
    now: datetime | None = None,
) -> datetime:
    """Runs `job` for `week` once more when a claim taken now would be stale, so a claim left
    by a crashed replica (or by our own failed run) is taken over this week, not next week."""
    when = (now or datetime.now(UTC)) + RETRY_AFTER
    scheduler.add_job(
        job,
        "date",
        run_date=when,
        args=args,
        kwargs={"scheduler": scheduler, "week": week},
        id=f"{job_id}_retry",
        replace_existing=True,
        misfire_grace_time=3600,
    )
    return when


def run_weekly_story(
    services: Services,
    *,
    scheduler: BaseScheduler | None = None,
    week: str | None = None,
) -> PostResult | None:
    """One job run; never raises, so the scheduler thread survives any failure. With a
    scheduler, a week claimed but not posted gets a retry once that claim is stale; a retry
    (`week` given) that fires after its week ended does nothing."""
    settings = services.settings
    if not settings.story_channel:
        return None
    this_week = current_week(settings.story_tz)
    if week is not None and week != this_week:
        log.info("weekly story: the retry for %s came after that week; skipped", week)
        return None
    result: PostResult | None = None
    try:
        result = services.stories().post_weekly(
            services.slack_client(), settings.story_channel, week=this_week
        )
    except Exception:
        log.exception("weekly story job failed; retrying once the claim is stale")
    else:
        log.info("weekly story: %s (%s, %s)", result.outcome, result.channel, result.iso_week)
        if result.outcome == "history_unreadable":
            log.error("weekly story: %s", result.detail)
    unfinished = result is None or result.outcome in ("in_progress_elsewhere", "outcome_unknown")
    if unfinished and scheduler is not None:
        try:
            when = retry_when_stale(
                scheduler, run_weekly_story, job_id=JOB_ID, args=(services,), week=this_week
            )
            log.info("weekly story: %s is not posted yet; retrying at %s", this_week, when)
        except Exception:
            log.exception("could not schedule the weekly story retry")
    return result


def start_scheduler(services: Services, *, now: datetime | None = None) -> BackgroundScheduler:
    """Starts the weekly job (and a catch-up run if this week's slot was missed)."""
    settings = services.settings
    scheduler = BackgroundScheduler(timezone=ZoneInfo(settings.story_tz))
    if not settings.story_channel:
        log.info("STORY_CHANNEL is not set: no weekly customer story will be posted")
        scheduler.start()
        return scheduler
    # Settings validated STORY_SCHEDULE at start-up; this parse cannot fail.
    trigger = parse_crontab(settings.story_schedule, settings.story_tz)
    add_weekly_job(
        scheduler,
        run_weekly_story,
        trigger,
        settings.story_tz,
        job_id=JOB_ID,
        args=(services,),
        now=now,
    )
    scheduler.start()
    return scheduler
