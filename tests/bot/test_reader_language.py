"""Which language a reader gets: their Slack locale (users.info, over HTTP to the stand-in),
asked once per user and remembered for a while; when Slack cannot say, the language of what
they typed; then English."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient

from bot.i18n.reader import ReaderLanguages
from tests.slack_web_api import SlackWebApi


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def client(slack_web_api: SlackWebApi) -> WebClient:
    return WebClient(token="xoxb-test", base_url=slack_web_api.api_url)


@pytest.mark.parametrize(
    ("locale", "language"),
    [("da-DK", "da"), ("nb-NO", "no"), ("sv-SE", "sv"), ("en-GB", "en"), ("de-DE", "en")],
)
def test_the_slack_locale_decides_the_language(
    slack_web_api: SlackWebApi, client: WebClient, locale: str, language: str
) -> None:
    slack_web_api.set_locale("U0ANNE", locale)
    assert ReaderLanguages().of(client, "U0ANNE", typed="What is our NPS?") == language
    [asked] = slack_web_api.calls_to("users.info")
    assert asked.params["user"] == "U0ANNE"
    assert asked.params["include_locale"] in ("1", "true", "True", True)


def test_the_locale_is_asked_once_per_user_until_it_expires(
    slack_web_api: SlackWebApi, client: WebClient
) -> None:
    slack_web_api.set_locale("U0ANNE", "sv-SE")
    slack_web_api.set_locale("U0BO", "da-DK")
    clock = Clock()
    readers = ReaderLanguages(ttl_seconds=600, clock=clock)
    assert [readers.of(client, user) for user in ("U0ANNE", "U0BO", "U0ANNE", "U0BO")] == [
        "sv",
        "da",
        "sv",
        "da",
    ]
    assert len(slack_web_api.calls_to("users.info")) == 2
    slack_web_api.set_locale("U0ANNE", "nb-NO")  # she changed her Slack language
    clock.now += 601
    assert readers.of(client, "U0ANNE") == "no"
    assert len(slack_web_api.calls_to("users.info")) == 3


def test_when_slack_will_not_say_the_typed_language_is_used_then_english(
    slack_web_api: SlackWebApi, client: WebClient
) -> None:
    slack_web_api.respond("users.info", {"ok": False, "error": "ratelimited"})
    clock = Clock()
    readers = ReaderLanguages(failure_ttl_seconds=30, clock=clock)
    assert readers.of(client, "U0ANNE", typed="Hvordan har NPS udviklet sig i år?") == "da"
    assert readers.of(client, "U0ANNE", typed="Hur har NPS utvecklats i år?") == "sv"
    assert readers.of(client, "U0ANNE") == "en"
    # The failure is remembered briefly: Slack is not asked on every message meanwhile.
    assert len(slack_web_api.calls_to("users.info")) == 1
    clock.now += 31
    del slack_web_api.overrides["users.info"]
    slack_web_api.set_locale("U0ANNE", "da-DK")
    assert readers.of(client, "U0ANNE") == "da"


def test_an_unreachable_slack_falls_back_without_raising(slack_web_api: SlackWebApi) -> None:
    unreachable = WebClient(token="xoxb-test", base_url="http://127.0.0.1:9/api/", timeout=2)
    assert ReaderLanguages().of(unreachable, "U0ANNE", typed="Vad är vår NPS?") == "sv"


def test_a_user_without_a_locale_reads_the_language_they_typed(
    slack_web_api: SlackWebApi, client: WebClient
) -> None:
    assert ReaderLanguages().of(client, "U0ANNE", typed="Hva var NPS-en vår i fjor?") == "no"


def test_inside_an_ack_only_the_cache_is_read_and_slack_is_not_asked(
    slack_web_api: SlackWebApi, client: WebClient
) -> None:
    slack_web_api.set_locale("U0ANNE", "sv-SE")
    readers = ReaderLanguages()
    assert readers.known("U0ANNE") == "en"  # never asked yet: English, and no call
    assert slack_web_api.calls_to("users.info") == []
    readers.of(client, "U0ANNE")
    assert readers.known("U0ANNE") == "sv"
