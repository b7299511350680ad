"""`journeybot story next|post|list`: the same code paths as the bot, printed for scripts."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bot.cli import story as story_cli
from metrics.db import connect
from tests.slack_web_api import SlackWebApi
from tests.stories.story_rows import add_customer, add_nps

COMMENT = "Supporten hjalp mig med det samme; skriv til mette@example.dk hvis du vil vide mere."


@pytest.fixture
def cli_env(
    home: Path, database_url: str, slack_web_api: SlackWebApi, monkeypatch: pytest.MonkeyPatch
) -> str:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    engine = connect(database_url)
    add_customer(engine, "c1", "Mette Holm", segment="enterprise", country="DK")
    add_nps(engine, "n1", "c1", 10, COMMENT, consent=True)
    add_nps(engine, "n2", "c1", 10, "Mette Holm uden samtykke: fortæl det ikke til nogen!", False)
    engine.dispose()
    return database_url


def run(*args: str) -> tuple[int, str]:
    # Only the story commands: the other command modules are not this area's to load.
    cli = click.Group("journeybot")
    story_cli.register(cli)
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_next_previews_the_redacted_card_without_claiming(
    cli_env: str, slack_web_api: SlackWebApi
) -> None:
    code, output = run("story", "next", "--json")
    assert code == 0
    story = json.loads(output)["story"]
    assert story["key"] == "nps:n1" and "mette" not in output.lower()
    assert story["who"] == "en enterprise-kunde i Danmark"
    code, again = run("story", "next", "--json")
    assert json.loads(again)["story"]["key"] == "nps:n1", "a preview claims nothing"
    assert set(slack_web_api.methods()) <= {"users.list"}, "and posts nothing"


def test_post_twice_for_the_same_week_posts_once(cli_env: str, slack_web_api: SlackWebApi) -> None:
    code, first = run("story", "post", "--channel", "C0STORIES", "--week", "2026-W48")
    assert code == 0 and first.startswith("Posted nps:n1 to C0STORIES for 2026-W48 (ts ")
    code, second = run("story", "post", "--channel", "C0STORIES", "--week", "2026-W48")
    assert code == 0 and second.startswith("Already posted for 2026-W48 in C0STORIES")
    code, third = run("story", "post", "--channel", "C0STORIES", "--week", "2026-W49")
    assert third.strip() == "Nothing to post for 2026-W49: no new consented story."
    assert len(slack_web_api.calls_to("chat.postMessage")) == 1


def test_post_waits_out_a_slack_rate_limit_instead_of_failing(
    cli_env: str, slack_web_api: SlackWebApi
) -> None:
    slack_web_api.fail_once_with_429("chat.postMessage", retry_after=1)
    code, output = run("story", "post", "--channel", "C0STORIES", "--week", "2026-W48")
    assert code == 0 and output.startswith("Posted nps:n1 to C0STORIES for 2026-W48")
    calls = slack_web_api.calls_to("chat.postMessage")
    assert [call.params.get("_rate_limited", False) for call in calls] == [True, False]


def test_a_malformed_week_is_one_sentence(cli_env: str) -> None:
    code, output = run("story", "post", "--channel", "C1", "--week", "48")
    assert code == 1 and output.strip() == "Error: '48' is not an ISO week; write it like 2026-W48."


def test_list_shows_only_consented_stories(cli_env: str) -> None:
    code, output = run("story", "list", "--json")
    assert code == 0 and [card["key"] for card in json.loads(output)] == ["nps:n1"]
