"""`journeybot digest preview|post`: the weekly digest on demand, the same code as `serve`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from metrics.db import connect
from tests.alerts.test_digest import WEEK, seed_two_weeks
from tests.slack_web_api import SlackWebApi


@pytest.fixture
def cli_env(
    home: Path, database_url: str, slack_web_api: SlackWebApi, monkeypatch: pytest.MonkeyPatch
) -> str:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("DIGEST_KPIS", "nps,csat")
    engine = connect(database_url)
    seed_two_weeks(engine)
    engine.dispose()
    return database_url


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_preview_prints_the_digest_and_posts_nothing(
    cli_env: str, slack_web_api: SlackWebApi, tmp_path: Path
) -> None:
    code, output = run("digest", "preview", "--week", WEEK, "--chart", str(tmp_path / "d.png"))
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0] == "Weekly KPIs — 2026-W48 (compared with 2026-W47)"
    assert (
        lines[1]
        == "  nps      70.0 points  ▲ +40.0 points — better  (target 40.0 points, only 10 observations)"
    )
    assert lines[2] == "  csat  no data"
    assert lines[3] == "Biggest move: Net Promoter Score +40.0 points"
    assert lines[-1] == f"chart written to {tmp_path / 'd.png'}"
    assert (tmp_path / "d.png").read_bytes()[:4] == b"\x89PNG"
    assert slack_web_api.calls == []
    code, as_json = run("digest", "preview", "--week", WEEK, "--json")
    assert json.loads(as_json)["mover"] == "nps"


def test_post_twice_posts_once(cli_env: str, slack_web_api: SlackWebApi) -> None:
    code, first = run("digest", "post", "--channel", "C0DIGEST", "--week", WEEK)
    assert code == 0 and first.startswith("Posted the digest of 2026-W48 to C0DIGEST (ts "), first
    code, second = run("digest", "post", "--channel", "C0DIGEST", "--week", WEEK)
    assert code == 0 and second.startswith("The digest of 2026-W48 is already in C0DIGEST")
    assert len(slack_web_api.calls_to("chat.postMessage")) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--week", "48"], "Error: '48' is not an ISO week; write it like 2026-W48."),
        (
            ["--week", "2025-W53"],
            "Error: 2025-W53 does not exist: 2025 has 52 ISO weeks (W01–W52).",
        ),
        ([], "Error: No channel given; pass --channel C0123ABCD or set DIGEST_CHANNEL."),
    ],
)
def test_a_bad_week_or_no_channel_is_one_sentence(
    cli_env: str, args: list[str], message: str
) -> None:
    code, output = run("digest", "post", *args, *([] if not args else ["--channel", "C0DIGEST"]))
    assert code == 1
    assert output.strip() == message
