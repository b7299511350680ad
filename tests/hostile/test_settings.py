"""Settings a real workspace gets wrong: cron weekdays, typos, out-of-range numbers, leaked
secrets, and the folder the state lives in when cron or systemd starts us elsewhere."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.cli import main
from bot.config import Settings, SettingsError, default_home, load_settings
from bot.scheduling.cron import parse_crontab
from bot.scheduling.scheduler import JOB_ID, start_scheduler
from bot.services import Services
from tests.slack_web_api import SlackWebApi

TZ = "Europe/Copenhagen"
#: Sunday 22 November 2026, 12:00 in Copenhagen.
SUNDAY_NOON = datetime(2026, 11, 22, 11, 0, tzinfo=UTC)
#: Monday 23 November 2026, 08:00 in Copenhagen: a Monday 09:00 slot is still ahead.
MONDAY_EARLY = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def _fire_days(expression: str, count: int = 8) -> list[str]:
    trigger = parse_crontab(expression, TZ)
    days, previous = [], None
    for _ in range(count):
        previous = trigger.get_next_fire_time(previous, previous or SUNDAY_NOON)
        days.append(f"{previous:%a %d}")
    return days


# --- STORY_SCHEDULE means what cron means ---------------------------------------------


@pytest.mark.parametrize(
    ("expression", "weekdays"),
    [
        ("0 9 * * 1", {"Mon"}),
        ("0 9 * * mon", {"Mon"}),
        ("0 9 * * 0", {"Sun"}),
        ("0 9 * * 7", {"Sun"}),
        ("0 9 * * sun", {"Sun"}),
        ("0 9 * * 1-5", {"Mon", "Tue", "Wed", "Thu", "Fri"}),
        ("0 9 * * 5-7", {"Fri", "Sat", "Sun"}),
        ("0 9 * * fri-sun", {"Fri", "Sat", "Sun"}),
        ("0 9 * * 0,3", {"Sun", "Wed"}),
        ("0 9 * * */2", {"Sun", "Tue", "Thu", "Sat"}),
    ],
)
def test_weekday_numbers_count_sunday_as_0_or_7_and_monday_as_1_like_cron(
    expression: str, weekdays: set[str]
) -> None:
    assert {day.split()[0] for day in _fire_days(expression, 14)} == weekdays


def test_a_restricted_day_of_month_and_weekday_fire_on_either_like_cron() -> None:
    # 1 December 2026 is a Tuesday; the Mondays are 23 and 30 November, 7 December.
    assert _fire_days("0 9 1 * 1", 4) == ["Mon 23", "Mon 30", "Tue 01", "Mon 07"]


def test_the_weekly_job_scheduled_for_monday_runs_on_monday(
    home: Path,
    engine: Engine,
    database_url: str,
    slack_web_api: SlackWebApi,
) -> None:
    settings = Settings(
        journeybot_home=home,
        database_url=database_url,
        slack_bot_token="xoxb-test",
        slack_api_url=slack_web_api.api_url,
        story_channel="C0STORIES",
        story_schedule="0 9 * * 1",
        story_tz=TZ,
    )
    client = WebClient(token="xoxb-test", base_url=slack_web_api.api_url)
    services = Services(settings, engine=engine, slack_client=client)
    # Before this week's slot: no catch-up run is added, only the weekly job.
    scheduler = start_scheduler(services, now=MONDAY_EARLY)
    try:
        jobs = [job.id for job in scheduler.get_jobs()]
        next_run = scheduler.get_job(JOB_ID).next_run_time
    finally:
        scheduler.shutdown(wait=False)
    assert jobs == [JOB_ID]
    assert next_run.strftime("%A %H:%M") == "Monday 09:00"


@pytest.mark.parametrize(
    ("schedule", "reason"),
    [
        ("0 9 * * 8", "the day of week 8 is outside 0–7"),
        ("* * 7", "it has 3 fields, not 5"),
        ("60 9 * * 1", "the minute 60 is outside 0–59"),
        ("0 9 * * 5-1", "the day of week range 5-1 runs backwards"),
        ("0 9 * * funday", "the day of week field has 'funday', which is not a day of week"),
        ("0 9 30 2 *", "that day of the month never occurs in those months"),
        ("0 9 * * 1/0", "the day of week field has a step of 0"),
        ("@weekly", "it has 1 fields, not 5"),
    ],
)
def test_a_malformed_story_schedule_stops_serve_with_one_sentence(
    home: Path, monkeypatch: pytest.MonkeyPatch, schedule: str, reason: str
) -> None:
    monkeypatch.setenv("STORY_SCHEDULE", schedule)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-test")
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: STORY_SCHEDULE={schedule!r} is not valid ({reason}); expected five cron "
        "fields (minute hour day-of-month month day-of-week) such as '0 9 * * 1' (Mondays at "
        "09:00; Sunday is 0 or 7).\n"
    )


# --- every setting is checked at start-up, in every command --------------------------


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("PORT", "70000", "a TCP port from 1 to 65535"),
        ("PORT", "0", "a TCP port from 1 to 65535"),
        ("PORT", "http", "a TCP port from 1 to 65535"),
        ("CHROMA_PORT", "-1", "a TCP port from 1 to 65535"),
        ("CHROMA_HOST", "http://chroma:8000", "a host name or IP address"),
        ("LISTENER_THREADS", "0", "a whole number from 1 to 512"),
        ("LLM_TIMEOUT_SECONDS", "nan", "seconds, more than 0 and at most 600"),
        ("LLM_TIMEOUT_SECONDS", "-5", "seconds, more than 0 and at most 600"),
        ("MAX_QUESTION_CHARS", "0", "a whole number of characters from 1 to 40000"),
        ("LLM_MODEL", "open ai:gpt", "provider:model"),
        ("EMBEDDING_MODEL", "openai:", "wordllama or provider:model"),
        ("KPI_TIMEZONE", "Europe/Cph", "an IANA time zone name"),
        ("STORY_TZ", "CEST+2", "an IANA time zone name"),
        ("KPI_MIN_SAMPLE", "-1", "a whole number, 0 or more"),
        ("KPI_DEFAULT_PERIOD", "last fortnight", "a period: 2026-10 (a calendar month)"),
        ("KPI_CURRENCY", "kroner", "a three-letter ISO 4217 code"),
        ("KPI_GROSS_MARGIN", "30", "a fraction from 0 to 1"),
        ("KPI_DISCOUNT_RATE", "inf", "a fraction from 0 to 1"),
        ("KPI_ALLOWED_USERS", "U0BOSS,@anna", "comma-separated Slack user ids"),
        ("KPI_ALLOWED_USERGROUPS", "U0BOSS", "comma-separated Slack user-group ids"),
        ("SLACK_API_URL", "slack.com/api", "an http(s) URL of the Web API"),
        ("STORY_CHANNEL", "#general", "a Slack channel id such as C0123ABCD"),
        ("STORY_ALLOW_REPEATS", "sometimes", "true or false"),
        ("DATABASE_URL", "localhost:5432/journeybot", "a SQLAlchemy URL"),
        ("SOURCE_URL_MAP", "wiki/=https://w.example/,drive", "comma-separated FOLDER/=BASE_URL"),
        ("SOURCE_URL_MAP", "wiki/=javascript:alert(1)", "comma-separated FOLDER/=BASE_URL"),
    ],
)
def test_a_bad_setting_is_one_sentence_naming_the_variable_the_value_and_what_is_expected(
    home: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["kpi", "list"])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {name}={value!r} is not valid")
    assert f"expected {expected}" in result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["serve"],
        ["serve", "--http"],
        ["kpi", "nps"],
        ["kpi", "list"],
        ["ask", "What is NPS?"],
        ["ingest", "."],
        ["import", "customers", "customers.csv"],
        ["db", "upgrade"],
        ["db", "current"],
        ["demo"],
        ["story", "next"],
        ["story", "post", "--channel", "C0STORIES"],
        ["feedback", "export"],
    ],
)
def test_every_command_refuses_bad_settings_before_doing_anything(
    home: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.setenv("PORT", "70000")
    monkeypatch.setenv("KPI_TIMEZONE", "Mars/Olympus")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Error: KPI_TIMEZONE='Mars/Olympus' is not valid (no such time zone); expected an "
        "IANA time zone name such as Europe/Copenhagen or UTC.",
        "Error: PORT='70000' is not valid; expected a TCP port from 1 to 65535.",
    ]
    assert not home.exists(), "nothing is created before the settings are known to be good"


def test_secrets_and_passwords_never_appear_in_the_error(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-1234-user-token-hunter2")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xoxb-app-hunter2")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "has hunter2 spaces")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://jb:hunter2@db:x/journeybot")
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert "hunter2" not in str(error.value)
    assert error.value.problems[0].startswith(
        "DATABASE_URL='postgresql+psycopg://jb:***@db:x/journeybot' is not valid"
    )
    assert "SLACK_BOT_TOKEN='xoxp-…' (hidden) is not valid (it does not start with xoxb-)" in (
        str(error.value)
    )


def test_serve_refuses_a_port_outside_1_to_65535_in_one_sentence(home: Path) -> None:
    for port in ("0", "-1", "65536"):
        result = CliRunner().invoke(main, ["serve", "--http", "--port", port])
        assert result.exit_code == 2, port
        assert f"Invalid value for '--port': {port} is not in the range 1<=x<=65535." in (
            result.output
        )
        assert "Traceback" not in result.output


def test_an_empty_assignment_in_the_environment_means_the_default(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("PORT", "STORY_SCHEDULE", "SLACK_BOT_TOKEN", "KPI_ALLOWED_USERS"):
        monkeypatch.setenv(name, "")
    settings = load_settings()
    assert (settings.port, settings.story_schedule) == (3000, "0 9 * * mon")
    assert settings.slack_bot_token is None and settings.kpi_allowed_users == []


def test_every_setting_says_what_it_expects_and_is_in_env_example() -> None:
    """The description ends the one-sentence error; .env.example documents every setting."""
    example = (Path(__file__).resolve().parents[2] / ".env.example").read_text()
    for name, field in Settings.model_fields.items():
        assert field.description, f"{name} needs a description: what a valid value looks like"
        assert f"{name.upper()}=" in example, f"{name.upper()} is missing from .env.example"


def test_settings_built_in_code_are_checked_too() -> None:
    with pytest.raises(ValidationError):
        Settings(port=70000)


# --- where the state lives ------------------------------------------------------------


def test_the_default_home_is_the_xdg_data_folder_whatever_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    assert load_settings().journeybot_home == tmp_path / "data" / "journeybot"
    monkeypatch.chdir("/")
    assert load_settings().journeybot_home == tmp_path / "data" / "journeybot"


def test_without_xdg_data_home_the_default_is_under_local_share(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    for xdg in (None, "", "relative/data"):  # the XDG spec ignores a relative path
        if xdg is None:
            monkeypatch.delenv("XDG_DATA_HOME", raising=False)
        else:
            monkeypatch.setenv("XDG_DATA_HOME", xdg)
        assert default_home() == tmp_path / ".local" / "share" / "journeybot"


def test_journeybot_home_is_honoured_made_absolute_and_may_start_with_a_tilde(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("JOURNEYBOT_HOME", "~/jb")
    assert load_settings().journeybot_home == tmp_path / "jb"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JOURNEYBOT_HOME", "state")
    assert load_settings().index_path == tmp_path / "state" / "index"


def test_a_journeybot_home_that_is_a_file_is_refused(home: Path) -> None:
    home.write_text("not a folder")
    with pytest.raises(SettingsError, match=r"^JOURNEYBOT_HOME='.*' is not valid \(it is a file"):
        load_settings()


def test_reading_the_database_url_creates_no_folder(home: Path) -> None:
    settings = load_settings()
    assert settings.metrics_database_url == f"sqlite:///{home / 'metrics.db'}"
    assert not home.exists()


def test_the_cli_finds_the_same_database_from_any_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """cron and systemd start us in / or $HOME: the data imported from a project folder must
    still be there, not a new empty database under the working directory."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir(), elsewhere.mkdir()
    (project / "customers.csv").write_text(
        "customer_id,signed_up_at\nc1,2020-01-01T00:00:00Z\n", encoding="utf-8"
    )
    monkeypatch.chdir(project)
    imported = CliRunner().invoke(main, ["import", "customers", "customers.csv"])
    assert imported.exit_code == 0, imported.output
    monkeypatch.chdir(elsewhere)
    result = CliRunner().invoke(main, ["kpi", "churn", "--period", "2025"])
    assert "No customers were active" not in result.output
    assert result.exit_code == 0, result.output
    assert not (elsewhere / ".journeybot").exists()


def test_a_bad_source_url_map_entry_is_named_in_the_sentence(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_URL_MAP", "confluence/=https://wiki.example.com/,drive")
    result = CliRunner().invoke(main, ["ask", "What is NPS?"])
    assert result.exit_code == 1
    assert "(the entry 'drive' has no '=' between folder and URL)" in result.output
    assert result.output.count("\n") == 1 and not home.exists()
