"""`journeybot doctor`: one line per part (settings, database, index, Slack, LLM), ok or
failing with one sentence, exit 0 only when nothing fails. Slack is checked for real over
HTTP against the Web API stand-in, the LLM against the OpenAI stand-in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.cli import main
from metrics.db import head_revision, safe_url
from tests.bot.bot_harness import KB_DOCS
from tests.openai_stand_in import Behaviour, openai_stand_in
from tests.slack_web_api import SlackWebApi

ROOT = Path(__file__).resolve().parents[2]
MANIFEST_SCOPES = yaml.safe_load((ROOT / "manifest.yml").read_text())["oauth_config"]["scopes"][
    "bot"
]
TOKEN = "xoxb-1111-2222-hunter2"
SIGNING_SECRET = "0123456789abcdef-hunter3"


def _doctor(*args: str) -> Result:
    return CliRunner().invoke(main, ["doctor", *args])


def _lines(result: Result) -> dict[str, tuple[str, str]]:
    """name → (status, sentence), from the human output."""
    found = {}
    for line in result.stdout.splitlines():
        status, name, sentence = line.split(None, 2)
        found[name] = (status, sentence)
    return found


@pytest.fixture
def configured(
    knowledge_home: Path,
    database_url: str,
    engine: Engine,
    slack_web_api: SlackWebApi,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> SlackWebApi:
    """A working installation: migrated database, ingested index, a valid token with
    exactly the manifest's scopes, and Socket Mode's app token."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JOURNEYBOT_HOME", str(knowledge_home))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-hunter4")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    for name in ("LLM_MODEL", "CHROMA_HOST"):
        monkeypatch.delenv(name, raising=False)
    slack_web_api.scopes = list(MANIFEST_SCOPES)
    return slack_web_api


def test_a_working_installation_is_all_ok_and_exits_0(
    configured: SlackWebApi, database_url: str, knowledge_home: Path
) -> None:
    result = _doctor()
    assert result.exit_code == 0, result.output
    lines = _lines(result)
    assert {name: status for name, (status, _) in lines.items()} == {
        "settings": "ok",
        "database": "ok",
        "index": "ok",
        "slack": "ok",
        "llm": "skipped",
        "alerts": "skipped",  # the shipped rules name no channel
        "digest": "skipped",
    }
    assert lines["database"][1] == (
        f"The metrics database {safe_url(database_url)} is at revision {head_revision()}, "
        "the newest."
    )
    assert lines["index"][1] == (
        f"The index at {knowledge_home / 'index'} holds {len(KB_DOCS)} documents in {len(KB_DOCS)} chunks."
    )
    assert lines["slack"][1] == (
        "SLACK_BOT_TOKEN works for the bot journeybot in Test (T0TEST01); it has every scope "
        "manifest.yml asks for."
    )
    assert configured.calls_to("auth.test")[0].headers["authorization"] == f"Bearer {TOKEN}"


def test_secrets_are_named_as_set_but_never_shown(configured: SlackWebApi) -> None:
    result = _doctor()
    settings = _lines(result)["settings"][1]
    assert "SLACK_BOT_TOKEN=(hidden)" in settings
    assert "SLACK_SIGNING_SECRET=(hidden)" in settings
    assert "hunter" not in result.output


def test_json_reports_every_check_with_its_facts(
    configured: SlackWebApi, knowledge_home: Path
) -> None:
    result = _doctor("--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] is True
    checks = {check["name"]: check for check in report["checks"]}
    assert checks["database"]["facts"]["revision"] == head_revision()
    assert checks["index"]["facts"]["documents"] == len(KB_DOCS)
    assert checks["index"]["facts"]["chunks"] >= len(KB_DOCS)
    assert checks["slack"]["facts"]["missing_scopes"] == []
    assert checks["settings"]["facts"]["set"]["SLACK_BOT_TOKEN"] == "(hidden)"
    assert checks["settings"]["facts"]["journeybot_home"] == str(knowledge_home)
    assert "hunter" not in result.stdout


def test_a_token_missing_manifest_scopes_fails_naming_them(configured: SlackWebApi) -> None:
    configured.scopes = [s for s in MANIFEST_SCOPES if s not in ("files:write", "im:write")]
    result = _doctor()
    assert result.exit_code == 1
    assert _lines(result)["slack"] == (
        "failing",
        "SLACK_BOT_TOKEN works for the bot journeybot in Test (T0TEST01) but lacks "
        "files:write, im:write from manifest.yml; add them under OAuth & Permissions and "
        "reinstall the app.",
    )


def test_a_token_slack_rejects_fails_in_one_sentence(configured: SlackWebApi) -> None:
    configured.respond("auth.test", {"ok": False, "error": "invalid_auth"})
    result = _doctor()
    assert result.exit_code == 1
    assert _lines(result)["slack"] == (
        "failing",
        "Slack rejected SLACK_BOT_TOKEN (invalid_auth); copy the Bot User OAuth Token from "
        "the app's OAuth & Permissions page.",
    )
    assert "hunter" not in result.output


def test_a_database_behind_the_newest_revision_says_to_upgrade(
    configured: SlackWebApi, engine: Engine, database_url: str
) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0002'"))
    result = _doctor()
    assert result.exit_code == 1
    assert _lines(result)["database"] == (
        "failing",
        f"The metrics database {safe_url(database_url)} is at revision 0002, the newest is "
        f"{head_revision()}; run `journeybot db upgrade`.",
    )


def test_a_database_from_a_newer_journeybot_says_to_upgrade_journeybot(
    configured: SlackWebApi, engine: Engine
) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    result = _doctor()
    assert "is at revision 0099, written by a newer journeybot" in _lines(result)["database"][1]
    assert result.exit_code == 1


def test_an_unreachable_database_hides_its_password(
    configured: SlackWebApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://jb:hunter2@127.0.0.1:1/metrics")
    result = _doctor()
    assert result.exit_code == 1
    assert _lines(result)["database"] == (
        "failing",
        "Cannot reach the metrics database at postgresql+psycopg://jb@127.0.0.1:1/metrics "
        "(password hidden): connection refused. Check DATABASE_URL or start the server.",
    )
    assert "hunter" not in result.output


def test_a_fresh_installation_says_what_to_run_and_creates_nothing(
    home: Path, slack_web_api: SlackWebApi
) -> None:
    result = _doctor()
    assert result.exit_code == 1
    lines = _lines(result)
    assert lines["database"] == (
        "failing",
        f"There is no metrics database at sqlite:///{home / 'metrics.db'} yet; run `journeybot "
        "db upgrade` (or `journeybot demo` for sample data), or set DATABASE_URL or "
        "JOURNEYBOT_HOME to where your data is.",
    )
    assert lines["index"] == (
        "failing",
        f"There is no knowledge index at {home / 'index'}; run `journeybot ingest PATH…` (or "
        "`journeybot demo`), or set JOURNEYBOT_HOME to where it is.",
    )
    assert lines["slack"][0] == "skipped" and lines["llm"][0] == "skipped"
    assert not home.exists()
    assert slack_web_api.calls == []


def test_bad_settings_are_failing_lines_and_nothing_else_is_tried(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORT", "70000")
    monkeypatch.setenv("STORY_SCHEDULE", "0 9 * * 8")
    result = _doctor()
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "failing  settings  PORT='70000' is not valid; expected a TCP port from 1 to 65535.",
        "failing  settings  STORY_SCHEDULE='0 9 * * 8' is not valid (the day of week 8 is "
        "outside 0–7); expected five cron fields (minute hour day-of-month month day-of-week) "
        "such as '0 9 * * 1' (Mondays at 09:00; Sunday is 0 or 7).",
    ]


def test_a_configured_llm_that_answers_is_ok(
    configured: SlackWebApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    with openai_stand_in(lambda prompt: Behaviour(text="OK")) as stand_in:
        monkeypatch.setenv("OPENAI_BASE_URL", stand_in.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "test")
        monkeypatch.setenv("LLM_MODEL", "openai:gpt-4o-mini")
        result = _doctor()
    assert result.exit_code == 0, result.output
    status, sentence = _lines(result)["llm"]
    assert status == "ok"
    assert sentence.startswith("LLM_MODEL='openai:gpt-4o-mini' answered a test prompt in ")
    assert len(stand_in.prompts) == 1


def test_a_configured_llm_that_errors_is_failing(
    configured: SlackWebApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    with openai_stand_in(lambda prompt: Behaviour(status=500)) as stand_in:
        monkeypatch.setenv("OPENAI_BASE_URL", stand_in.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "test")
        monkeypatch.setenv("LLM_MODEL", "openai:gpt-4o-mini")
        result = _doctor()
    assert result.exit_code == 1
    status, sentence = _lines(result)["llm"]
    assert status == "failing"
    assert sentence.startswith("LLM_MODEL='openai:gpt-4o-mini' did not answer a test prompt (")
    assert sentence.endswith("); check the provider's API key, its URL and the network.")
