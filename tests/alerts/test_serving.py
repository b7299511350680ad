"""`journeybot serve` with targets, alerts and the digest: a rules file mistake stops it at
start-up in one sentence, `doctor` says what is declared and where it goes, and the scheduled
jobs post over real HTTP to the Web API stand-in, once."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from click.testing import CliRunner

from bot.cli import main
from bot.config import Settings
from bot.doctor import alerts_check, digest_check
from bot.scheduling.alerts import run_alert_checks, schedule_alerts
from bot.scheduling.digest import schedule_digest
from bot.services import Services
from metrics.db import connect
from metrics.digest import last_complete_week
from tests.alerts.kpi_rows import add_nps
from tests.slack_web_api import SlackWebApi

BAD_RULES = "targets:\n  nps: 40\nalerts:\n  - name: nps-low\n    kpi: nps\n    belw: 30\n"


def test_serve_refuses_to_start_with_a_broken_rules_file_naming_its_line(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(BAD_RULES, encoding="utf-8")
    for name, value in {
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SLACK_APP_TOKEN": "xapp-1",
        "ALERT_RULES_FILE": str(rules),
    }.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: ALERT_RULES_FILE='{rules}' is not valid (line 6: `belw` is not a known field; "
        "a rule has name, kpi, period, segments, below, above, rises_by, falls_by, channel, "
        "label, language); expected a YAML file of KPI targets and alert rules in the form of "
        "the shipped metrics/targets.yaml.\n"
    )
    doctor = CliRunner().invoke(main, ["doctor"])
    assert doctor.exit_code == 1
    assert doctor.output.startswith(
        f"failing  settings  ALERT_RULES_FILE='{rules}' is not valid (line 6"
    )


def test_doctor_says_what_the_rules_declare_and_where_alerts_and_the_digest_go(home: Path) -> None:
    unposted = alerts_check(Settings(journeybot_home=home))
    assert unposted.status == "skipped"
    assert unposted.detail.endswith(
        "targets.yaml declares 2 alert rules and targets: nps 40; no rule has a channel, so "
        "none is posted: set ALERT_CHANNEL or give the rules a channel."
    )
    posted = alerts_check(Settings(journeybot_home=home, alert_channel="C0ALERTS"))
    assert posted.status == "ok"
    assert posted.detail.endswith("checked at '0 * * * *' (Europe/Copenhagen).")
    digest = digest_check(Settings(journeybot_home=home, digest_channel="C0DIGEST"))
    assert digest.detail == (
        "The weekly KPI digest (nps, csat, churn_rate, checkout_completion, aov) goes to "
        "C0DIGEST at '30 8 * * mon' (Europe/Copenhagen)."
    )
    assert digest_check(Settings(journeybot_home=home)).status == "skipped"


def _settings(home: Path, database_url: str, api: SlackWebApi, **values: object) -> Settings:
    return Settings(
        journeybot_home=home,
        database_url=database_url,
        slack_bot_token="xoxb-test",
        slack_api_url=api.api_url,
        story_tz="UTC",
        **values,
    )


def _wait_until_idle(scheduler: BackgroundScheduler, job_id: str) -> None:
    deadline = time.monotonic() + 30
    while scheduler.get_job(job_id) is not None and time.monotonic() < deadline:
        time.sleep(0.05)


def test_the_alert_job_announces_a_breach_at_start_up_and_not_again(
    home: Path, database_url: str, slack_web_api: SlackWebApi
) -> None:
    engine = connect(database_url)
    add_nps(engine, [0] * 20, at=datetime.now(UTC) - timedelta(days=2))
    engine.dispose()
    services = Services.from_settings(
        _settings(home, database_url, slack_web_api, alert_channel="C0ALERTS")
    )
    client = services.slack_client()
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.start()
    try:
        assert schedule_alerts(scheduler, services, client)
        assert scheduler.get_job("alert_checks") is not None, "hourly from now on"
        [posted] = slack_web_api.wait_for("chat.postMessage")
        _wait_until_idle(scheduler, "alert_checks_start")
    finally:
        scheduler.shutdown(wait=True)
    assert posted.params["channel"] == "C0ALERTS"
    assert posted.params["metadata"]["event_payload"] == {"claim": "alert:nps-below-30:1:breached"}
    checks = run_alert_checks(services, client)  # the next hour
    assert checks is not None and checks[0].posting is not None
    assert checks[0].posting.outcome == "already_posted"
    assert len(slack_web_api.calls_to("chat.postMessage")) == 1
    services.close()


def test_no_alert_job_is_scheduled_when_no_rule_has_a_channel(
    home: Path, database_url: str, slack_web_api: SlackWebApi
) -> None:
    services = Services.from_settings(_settings(home, database_url, slack_web_api))
    scheduler = BackgroundScheduler(timezone="UTC")
    assert not schedule_alerts(scheduler, services, services.slack_client())
    assert scheduler.get_jobs() == []


def test_the_digest_job_catches_up_on_a_missed_slot_and_posts_the_last_week_once(
    home: Path, database_url: str, slack_web_api: SlackWebApi
) -> None:
    now = datetime.now(UTC)
    week = last_complete_week("UTC", now)
    engine = connect(database_url)
    add_nps(engine, [10] * 6 + [0] * 4, at=now - timedelta(days=7 + now.weekday(), hours=-12))
    add_nps(engine, [10] * 3 + [0] * 7, at=now - timedelta(days=14 + now.weekday(), hours=-12))
    engine.dispose()
    settings = _settings(
        home,
        database_url,
        slack_web_api,
        digest_channel="C0DIGEST",
        digest_schedule="0 0 * * mon",  # has always passed this week: a catch-up is due
        digest_kpis=["nps"],
    )
    services = Services.from_settings(settings)
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.start()
    try:
        assert schedule_digest(scheduler, services, services.slack_client())
        [posted] = slack_web_api.wait_for("chat.postMessage")
        slack_web_api.wait_for("files.completeUploadExternal")
        _wait_until_idle(scheduler, "weekly_digest_catch_up")
    finally:
        scheduler.shutdown(wait=True)
    assert posted.params["channel"] == "C0DIGEST"
    assert posted.params["metadata"]["event_payload"] == {"claim": f"digest:{week}"}
    assert posted.params["blocks"][0]["text"]["text"] == f"Weekly KPIs — {week}"
    assert ":arrow_up: *Net Promoter Score*: 20.0 points (+60.0 points)" in str(posted.params)
    services.close()
