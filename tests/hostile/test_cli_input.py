"""Command-line input a real user types: contradictory filters, weeks that do not exist,
ports that are taken, and "no data" that is really "wrong folder"."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine

from bot.cli import main
from metrics.errors import BadSegment
from metrics.segments import parse_segments
from tests.slack_web_api import SlackWebApi


@pytest.fixture
def cli(home: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """The CLI on a migrated, empty database (SQLite and PostgreSQL)."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    yield CliRunner()


def _one_error(result: object, fragment: str) -> None:
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    output = result.output  # type: ignore[attr-defined]
    assert output.startswith("Error: ") and output.count("\n") == 1, output
    assert fragment in output and "Traceback" not in output


# --- segment filters ------------------------------------------------------------------


def test_two_values_for_one_segment_key_are_refused_not_silently_the_last(
    cli: CliRunner, engine: Engine
) -> None:
    result = cli.invoke(main, ["kpi", "nps", "-s", "segment=smb", "-s", "segment=enterprise"])
    _one_error(
        result,
        "The filter segment is given twice (segment=smb and segment=enterprise); give one "
        "value per key, or run the KPI once per value (or break it down by segment).",
    )


def test_the_same_filter_twice_or_filters_on_different_keys_are_fine() -> None:
    assert parse_segments(["segment=SMB", "Segment=smb", "country=DK"]) == {
        "segment": "smb",
        "country": "DK",
    }
    with pytest.raises(BadSegment, match="country is given twice"):
        parse_segments(["country=DK", "country=SE"])


# --- periods and weeks ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2026-W54", "2026-W54 does not exist: 2026 has 53 ISO weeks (W01–W53)."),
        ("2026-W00", "2026-W00 does not exist: 2026 has 53 ISO weeks (W01–W53)."),
        ("2025w53", "2025-W53 does not exist: 2025 has 52 ISO weeks (W01–W52)."),
    ],
)
def test_an_iso_week_that_does_not_exist_is_one_sentence(
    cli: CliRunner, engine: Engine, period: str, message: str
) -> None:
    result = cli.invoke(main, ["kpi", "nps", "--period", period])
    _one_error(result, message)


def test_an_iso_week_that_exists_is_a_kpi_period(cli: CliRunner, engine: Engine) -> None:
    result = cli.invoke(main, ["kpi", "nps", "--period", "2026-W48"])
    _one_error(result, "No NPS responses between 2026-11-23 and 2026-11-30")


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ("2025-W53", "2025-W53 does not exist: 2025 has 52 ISO weeks (W01–W52)."),
        ("2026-W54", "'2026-W54' is not an ISO week; write it like 2026-W48"),
        ("2026-W00", "'2026-W00' is not an ISO week; write it like 2026-W48"),
        ("0000-W01", "0000-W01 does not exist: there is no year 0000."),
    ],
)
def test_story_post_refuses_a_week_that_does_not_exist_and_posts_nothing(
    cli: CliRunner,
    engine: Engine,
    slack_web_api: SlackWebApi,
    monkeypatch: pytest.MonkeyPatch,
    week: str,
    message: str,
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    result = cli.invoke(main, ["story", "post", "--channel", "C0STORIES", "--week", week])
    _one_error(result, message)
    assert slack_web_api.methods() == []


def test_2026_has_a_week_53_to_post_in(
    cli: CliRunner,
    engine: Engine,
    slack_web_api: SlackWebApi,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    result = cli.invoke(main, ["story", "post", "--channel", "C0STORIES", "--week", "2026-W53"])
    assert result.exit_code == 0, result.output
    assert result.output == "Nothing to post for 2026-W53: no new consented story.\n"


# --- "no data" names where it looked --------------------------------------------------


def test_a_kpi_without_data_names_the_database_it_looked_in(
    cli: CliRunner, engine: Engine, database_url: str
) -> None:
    from metrics.db import safe_url

    result = cli.invoke(main, ["kpi", "nps", "--period", "2026-10"])
    _one_error(
        result,
        f"; it looked in {safe_url(database_url)} (set DATABASE_URL or JOURNEYBOT_HOME if "
        "yours is elsewhere).",
    )


def test_no_story_names_the_database_it_looked_in(
    cli: CliRunner, engine: Engine, database_url: str
) -> None:
    from metrics.db import safe_url

    result = cli.invoke(main, ["story", "next"])
    assert result.exit_code == 0
    assert result.output == (
        "No consented story is available: add one or import stories; it looked in "
        f"{safe_url(database_url)} (set DATABASE_URL or JOURNEYBOT_HOME if yours is elsewhere).\n"
    )


def test_the_default_database_is_named_in_full_in_a_no_data_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, xdg_data_home: Path
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["kpi", "nps", "--period", "2026-10"])
    _one_error(result, f"it looked in sqlite:///{xdg_data_home / 'journeybot' / 'metrics.db'}")


# --- ports ----------------------------------------------------------------------------


def test_serve_on_a_port_that_is_taken_says_so_in_one_sentence(
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    slack_web_api: SlackWebApi,
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "test-secret")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            main, ["serve", "--http", "--host", "127.0.0.1", "--port", str(port)]
        )
    _one_error(result, f"Cannot listen on 127.0.0.1:{port} (Address already in use)")
