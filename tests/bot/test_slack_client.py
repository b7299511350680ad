"""The bot's WebClient (bot.slack.client) retries what is worth retrying, against the stand-in."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient

from bot.config import Settings
from bot.slack.client import make_client
from tests.slack_web_api import SlackWebApi

FAILURES = {
    "a connection reset": lambda api, method: api.reset_once(method),
    "an HTTP 500": lambda api, method: api.fail_once_with_500(method),
    "an HTTP 429": lambda api, method: api.fail_once_with_429(method, retry_after=0),
}


def call(client: WebClient, method: str) -> dict:
    if method == "chat.postMessage":
        return client.chat_postMessage(channel="C1", text="hello").data  # type: ignore[return-value]
    return client.chat_update(channel="C1", ts="1.1", text="hello").data  # type: ignore[return-value]


@pytest.mark.parametrize("method", ["chat.postMessage", "chat.update"])
@pytest.mark.parametrize("failure", FAILURES, ids=list(FAILURES))
def test_a_failed_call_is_tried_again_once_and_succeeds(
    slack_web_api: SlackWebApi, tmp_path, monkeypatch, method: str, failure: str
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    client = make_client(Settings(slack_bot_token="xoxb-test", slack_api_url=slack_web_api.api_url))
    FAILURES[failure](slack_web_api, method)
    assert call(client, method)["ok"]
    calls = slack_web_api.calls_to(method)
    assert [bool(c.params.get("_failed")) for c in calls] == [True, False]
