"""The weekly job: APScheduler fires it; a bot that was down at the scheduled time catches up
on start-up, and the database claim keeps that to one post per week."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from slack_sdk import WebClient
from sqlalchemy import update
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.scheduling.scheduler import (
    JOB_ID,
    RETRY_JOB_ID,
    catch_up_due,
    run_weekly_story,
    start_scheduler,
)
from bot.services import Services
from bot.stories.posting import current_week
from knowledge.chat_model import ChatModel
from metrics.claims import STALE_AFTER
from metrics.schema import story_posts
from metrics.stories.claims import claim_week, week_status
from tests.slack_web_api import SlackWebApi
from tests.stories.story_rows import add_customer, add_nps

TZ = "Europe/Copenhagen"
MONDAY_NINE = CronTrigger.from_crontab("0 9 * * mon", timezone=TZ)


def test_catch_up_is_due_only_after_this_weeks_scheduled_time() -> None:
    # Monday 23 Nov 2026: 09:00 in Copenhagen is 08:00 UTC.
    assert not catch_up_due(MONDAY_NINE, TZ, datetime(2026, 11, 23, 7, 59, tzinfo=UTC))
    assert catch_up_due(MONDAY_NINE, TZ, datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    assert catch_up_due(MONDAY_NINE, TZ, datetime(2026, 11, 29, 22, 0, tzinfo=UTC)), "Sunday"


def test_a_schedule_that_does_not_fire_this_week_needs_no_catch_up() -> None:
    new_year = CronTrigger.from_crontab("0 9 1 1 *", timezone=TZ)
    assert not catch_up_due(new_year, TZ, datetime(2026, 11, 25, 12, 0, tzinfo=UTC))


def _settings(home: Path, database_url: str, api: SlackWebApi, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "journeybot_home": home,
        "database_url": database_url,
        "slack_bot_token": "xoxb-test",
        "slack_api_url": api.api_url,
        "story_channel": "C0STORIES",
        "story_tz": TZ,
        # Monday 00:00 has always passed by the time the test runs, whatever the weekday.
        "story_schedule": "0 0 * * mon",
    }
    values.update(overrides)
    return Settings(**values)


def _services(
    settings: Settings,
    engine: Engine,
    api: SlackWebApi,
    *,
    retries: bool = True,
    **prebuilt: object,
) -> Services:
    """The composition root the bot runs on, with the test's engine and a client on the stand-in
    (`retries=False`: a dropped call stays unanswered)."""
    web = WebClient(token="xoxb-test", base_url=api.api_url)
    if not retries:
        web = WebClient(token="xoxb-test", base_url=api.api_url, retry_handlers=[])
    return Services(settings, engine=engine, slack_client=web, **prebuilt)


class Narrator(ChatModel):
    """A chat model that answers every prompt with one sentence and remembers the prompts."""

    def __init__(self) -> None:
        self.model, self.timeout_seconds, self.prompts = "narrator", 5.0, []

    def complete(self, prompt: str, *, temperature: float | None = None) -> str:
        self.prompts.append(prompt)
        return "En kunde fik svar samme dag og blev glad."


def _seed(engine: Engine) -> None:
    add_customer(engine, "c1", "Jens Hansen")
    add_nps(engine, "n1", "c1", 9, "Jeg fik svar samme dag, og det var meget hjælpsomt.", True)


def _wait_until_run(scheduler: BackgroundScheduler, job_id: str) -> None:
    """A one-off job disappears from the scheduler once it has been handed to a worker."""
    deadline = time.monotonic() + 30
    while scheduler.get_job(job_id) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    scheduler.shutdown(wait=True)


def test_a_bot_started_after_the_scheduled_time_posts_this_weeks_story_once(
    home: Path, engine: Engine, database_url: str, slack_web_api: SlackWebApi
) -> None:
    _seed(engine)
    settings = _settings(home, database_url, slack_web_api)
    services = _services(settings, engine, slack_web_api)

    first = start_scheduler(services)
    assert first.get_job(JOB_ID) is not None, "the weekly job is scheduled"
    _wait_until_run(first, f"{JOB_ID}_catch_up")
    [call] = slack_web_api.calls_to("chat.postMessage")
    assert call.params["channel"] == "C0STORIES"
    status = week_status(engine, "C0STORIES", current_week(TZ))
    assert status is not None and status.posted_at is not None

    restarted = start_scheduler(services)
    _wait_until_run(restarted, f"{JOB_ID}_catch_up")
    assert len(slack_web_api.calls_to("chat.postMessage")) == 1, "a restart does not repost"


def test_without_a_story_channel_nothing_is_scheduled(
    home: Path, engine: Engine, database_url: str, slack_web_api: SlackWebApi
) -> None:
    settings = _settings(home, database_url, slack_web_api, story_channel=None)
    services = _services(settings, engine, slack_web_api)
    scheduler = start_scheduler(services)
    try:
        assert scheduler.get_jobs() == []
        assert run_weekly_story(services) is None
    finally:
        scheduler.shutdown(wait=True)


def test_a_claim_left_by_a_crashed_replica_is_retried_once_stale_so_the_week_still_posts(
    home: Path, engine: Engine, database_url: str, slack_web_api: SlackWebApi
) -> None:
    _seed(engine)
    settings = _settings(home, database_url, slack_web_api)
    services = _services(settings, engine, slack_web_api)
    week = current_week(TZ)
    # A replica claimed the week a minute ago and crashed before posting; we restart at once.
    crashed_at = datetime.now(UTC) - timedelta(minutes=1)
    assert (
        claim_week(engine, "C0STORIES", week, claimed_by="crashed", now=crashed_at).state == "won"
    )

    started = datetime.now(UTC)
    scheduler = start_scheduler(services)
    try:
        deadline = time.monotonic() + 30
        while scheduler.get_job(RETRY_JOB_ID) is None and time.monotonic() < deadline:
            time.sleep(0.05)
        retry = scheduler.get_job(RETRY_JOB_ID)
        assert retry is not None, "the catch-up found the claim fresh and scheduled a retry"
        margin = STALE_AFTER + timedelta(seconds=30)
        assert started + margin <= retry.next_run_time <= datetime.now(UTC) + margin
        assert slack_web_api.calls_to("chat.postMessage") == [], "a fresh claim is respected"

        # Time passes: by the retry the crashed replica's claim is stale, and it is taken over.
        with engine.begin() as conn:
            conn.execute(update(story_posts).values(claimed_at=crashed_at - STALE_AFTER))
        result = retry.func(*retry.args, **retry.kwargs)
    finally:
        scheduler.shutdown(wait=True)
    assert result is not None and result.outcome == "posted"
    [call] = slack_web_api.calls_to("chat.postMessage")
    assert call.params["channel"] == "C0STORIES"


def test_a_retry_that_fires_after_its_week_ended_posts_nothing(
    home: Path, engine: Engine, database_url: str, slack_web_api: SlackWebApi
) -> None:
    _seed(engine)
    settings = _settings(home, database_url, slack_web_api)
    services = _services(settings, engine, slack_web_api)
    assert run_weekly_story(services, week="2020-W01") is None
    assert slack_web_api.calls_to("chat.postMessage") == []


def test_a_post_slack_did_not_answer_is_retried_and_the_retry_finds_it_instead_of_reposting(
    home: Path, engine: Engine, database_url: str, slack_web_api: SlackWebApi
) -> None:
    _seed(engine)
    settings = _settings(home, database_url, slack_web_api)
    services = _services(settings, engine, slack_web_api, retries=False)
    slack_web_api.drop_once("chat.postMessage")
    slack_web_api.respond("conversations.history", {"ok": False, "error": "ratelimited"})
    scheduler = BackgroundScheduler(timezone=TZ)  # not started: the retry is only scheduled
    result = run_weekly_story(services, scheduler=scheduler)
    assert result is not None and result.outcome == "outcome_unknown"
    retry = scheduler.get_job(RETRY_JOB_ID)
    assert retry is not None, "an unknown outcome is retried once the claim is stale"
    slack_web_api.overrides.pop("conversations.history")
    with engine.begin() as conn:
        conn.execute(update(story_posts).values(claimed_at=datetime.now(UTC) - 2 * STALE_AFTER))
    again = retry.func(*retry.args, **{**retry.kwargs, "scheduler": None})
    assert again is not None and again.outcome == "already_posted"
    assert len(slack_web_api.posted_to("C0STORIES")) == 1


def test_a_channel_whose_history_cannot_be_read_is_not_retried(
    home: Path, engine: Engine, database_url: str, slack_web_api: SlackWebApi
) -> None:
    _seed(engine)
    settings = _settings(home, database_url, slack_web_api)
    services = _services(settings, engine, slack_web_api)
    crashed_at = datetime.now(UTC) - 2 * STALE_AFTER
    claim_week(engine, "C0STORIES", current_week(TZ), claimed_by="crashed", now=crashed_at)
    slack_web_api.respond("conversations.history", {"ok": False, "error": "not_in_channel"})
    scheduler = BackgroundScheduler(timezone=TZ)
    result = run_weekly_story(services, scheduler=scheduler)
    assert result is not None and result.outcome == "history_unreadable"
    assert "not_in_channel" in result.detail
    assert scheduler.get_job(RETRY_JOB_ID) is None, "retrying cannot fix it; a person must"
    assert slack_web_api.calls_to("chat.postMessage") == []


def test_the_weekly_story_is_narrated_by_the_one_chat_model_the_bot_runs_on(
    home: Path,
    engine: Engine,
    database_url: str,
    slack_web_api: SlackWebApi,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # LLM_MODEL names a provider whose key is missing: only the composition root's model can
    # narrate, so a job that loaded its own model from the setting would post the template.
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    _seed(engine)
    settings = _settings(home, database_url, slack_web_api, llm_model="openai:gpt-4o-mini")
    narrator = Narrator()
    services = _services(settings, engine, slack_web_api, chat_model=narrator)
    result = run_weekly_story(services)
    assert result is not None and result.outcome == "posted"
    assert len(narrator.prompts) == 1
    [post] = slack_web_api.posted_to("C0STORIES")
    assert "En kunde fik svar samme dag og blev glad." in str(post)
