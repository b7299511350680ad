"""The weekly story job: APScheduler fires it, the database decides who actually posts.

Every replica runs its own in-memory scheduler (APScheduler job stores must not be shared);
`post_weekly_story` claims (channel, ISO week) in the database, so only one post happens.
On start-up we catch up: a bot that was down at Monday 09:00 posts as soon as it starts,
provided the week's scheduled time has passed and the week is still running.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.stories import PostResult, post_weekly_story

log = logging.getLogger(__name__)
JOB_ID = "weekly_story"


def scheduled_time_this_week(trigger: CronTrigger, timezone: str, now: datetime) -> datetime | None:
    """The first time the schedule fires in `now`'s ISO week, or None if it never does."""
    local = now.astimezone(ZoneInfo(timezone))
    monday = (local - timedelta(days=local.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    first = trigger.get_next_fire_time(None, monday)
    if first is None or first.isocalendar()[:2] != local.isocalendar()[:2]:
        return None
    return first


def catch_up_due(trigger: CronTrigger, timezone: str, now: datetime) -> bool:
    """True when this week's scheduled time has already passed (the job may have been missed)."""
    first = scheduled_time_this_week(trigger, timezone, now)
    return first is not None and first <= now


def run_weekly_story(settings: Settings, client: WebClient, engine: Engine) -> PostResult | None:
    """One job run; never raises, so the scheduler thread survives any failure."""
    if not settings.story_channel:
        return None
    try:
        result = post_weekly_story(
            engine,
            client,
            settings.story_channel,
            timezone=settings.story_tz,
            allow_repeats=settings.story_allow_repeats,
            llm_model=settings.llm_model,
        )
    except Exception:
        log.exception("weekly story job failed; the claim is retried once it is stale")
        return None
    log.info("weekly story: %s (%s, %s)", result.outcome, result.channel, result.iso_week)
    return result


def start_scheduler(
    settings: Settings, client: WebClient, engine: Engine, *, now: datetime | None = None
) -> BackgroundScheduler:
    """Starts the weekly job (and a catch-up run if this week's slot was missed)."""
    scheduler = BackgroundScheduler(timezone=ZoneInfo(settings.story_tz))
    if not settings.story_channel:
        log.info("STORY_CHANNEL is not set: no weekly customer story will be posted")
        scheduler.start()
        return scheduler
    trigger = CronTrigger.from_crontab(settings.story_schedule, timezone=settings.story_tz)
    scheduler.add_job(
        run_weekly_story,
        trigger,
        args=(settings, client, engine),
        id=JOB_ID,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=3600,
        replace_existing=True,
    )
    if catch_up_due(trigger, settings.story_tz, now or datetime.now(UTC)):
        scheduler.add_job(
            run_weekly_story, args=(settings, client, engine), id=f"{JOB_ID}_catch_up"
        )
    scheduler.start()
    return scheduler
