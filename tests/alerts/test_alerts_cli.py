"""`journeybot alerts check [--dry-run]` for cron: the same checks as `serve`, printed, with an
exit code a cron job can act on, and a rules file mistake as one sentence."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from metrics.db import connect
from tests.alerts.kpi_rows import add_nps, days_before
from tests.slack_web_api import SlackWebApi

RULES = """
targets: {nps: 40}
alerts:
  - name: nps-below-30
    kpi: nps
    period: 30d
    below: 30
  - name: csat-below-80
    kpi: csat
    below: 80
"""


@pytest.fixture
def cli_env(
    home: Path,
    tmp_path: Path,
    database_url: str,
    slack_web_api: SlackWebApi,
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("ALERT_RULES_FILE", str(rules))
    monkeypatch.setenv("ALERT_CHANNEL", "C0ALERTS")
    engine = connect(database_url)
    add_nps(engine, [0] * 15 + [10] * 5, at=days_before(datetime.now(UTC), 3))  # NPS −50
    engine.dispose()
    return rules


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_a_dry_run_says_what_would_be_announced_and_posts_nothing(
    cli_env: Path, slack_web_api: SlackWebApi
) -> None:
    code, output = run("alerts", "check", "--dry-run")
    assert code == 0, output
    nps, csat = output.splitlines()
    assert nps == "nps-below-30  nps  breached  -50.0 points  would announce the breach in C0ALERTS"
    assert csat.startswith("csat-below-80  csat  no data: No CSAT responses between ")
    assert slack_web_api.calls_to("chat.postMessage") == []


def test_check_announces_a_breach_once_however_often_cron_runs_it(
    cli_env: Path, slack_web_api: SlackWebApi
) -> None:
    code, first = run("alerts", "check")
    assert code == 0, first
    assert first.splitlines()[0].startswith(
        "nps-below-30  nps  breached  -50.0 points  announced the breach in C0ALERTS (ts "
    )
    code, second = run("alerts", "check")
    assert code == 0
    assert second.splitlines()[0] == (
        "nps-below-30  nps  breached  -50.0 points  the breach was announced already; not repeated"
    )
    assert len(slack_web_api.calls_to("chat.postMessage")) == 1
    code, as_json = run("alerts", "check", "--json")
    checks = json.loads(as_json)
    assert [c["rule"] for c in checks] == ["nps-below-30", "csat-below-80"]
    assert checks[0]["posting"]["outcome"] == "already_posted"


def test_slack_refusing_the_post_exits_1_for_cron(
    cli_env: Path, slack_web_api: SlackWebApi
) -> None:
    slack_web_api.respond("chat.postMessage", {"ok": False, "error": "channel_not_found"})
    code, output = run("alerts", "check")
    assert code == 1
    assert "Slack refused the breach (channel_not_found); the next check tries again" in output


def test_without_a_bot_token_only_a_dry_run_is_possible(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    code, output = run("alerts", "check")
    assert code == 1
    assert output.strip() == (
        "Error: SLACK_BOT_TOKEN is not set; set it to post alerts, or add --dry-run to see "
        "what would be posted."
    )


def test_a_mistake_in_the_rules_file_stops_the_command_with_its_line_and_reason(
    cli_env: Path,
) -> None:
    cli_env.write_text(RULES.replace("below: 80", "below: eighty"), encoding="utf-8")
    code, output = run("alerts", "check", "--dry-run")
    assert code == 1
    assert output.strip() == (
        f"Error: ALERT_RULES_FILE='{cli_env}' is not valid (line 10: `below` must be a number, "
        "not 'eighty'); expected a YAML file of KPI targets and alert rules in the form of the "
        "shipped metrics/targets.yaml."
    )
    assert "Traceback" not in output
