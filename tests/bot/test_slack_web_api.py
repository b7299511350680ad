"""The stand-in behaves like the Slack Web API as far as slack_sdk can tell."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from tests.slack_web_api import SlackWebApi


def test_posting_a_message_is_recorded_and_returns_a_ts(slack_web_api: SlackWebApi) -> None:
    client = WebClient(token="xoxb-test", base_url=slack_web_api.api_url)
    response = client.chat_postMessage(channel="C1", text="hello", thread_ts="1.2")
    assert response["ok"] and response["channel"] == "C1" and response["ts"]
    call = slack_web_api.calls_to("chat.postMessage")[0]
    assert call.params["text"] == "hello"
    assert call.headers["authorization"] == "Bearer xoxb-test"


def test_files_upload_v2_goes_through_all_three_steps(slack_web_api: SlackWebApi) -> None:
    client = WebClient(token="xoxb-test", base_url=slack_web_api.api_url)
    response = client.files_upload_v2(channel="C1", content=b"\x89PNG...", filename="t.png")
    assert response["file"]["name"] == "t.png"
    assert slack_web_api.methods() == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]
    assert next(iter(slack_web_api.uploads.values())).data == b"\x89PNG..."


def test_a_429_is_retried_by_the_rate_limit_handler(slack_web_api: SlackWebApi) -> None:
    slack_web_api.fail_once_with_429("chat.postMessage", retry_after=0)
    client = WebClient(
        token="xoxb-test",
        base_url=slack_web_api.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    assert client.chat_postMessage(channel="C1", text="x")["ok"]
    assert len(slack_web_api.calls_to("chat.postMessage")) == 2


def test_thread_replies_and_usergroups_are_configurable(slack_web_api: SlackWebApi) -> None:
    slack_web_api.set_thread("C1", "1.0", [{"ts": "1.0", "text": "q", "user": "U1"}])
    slack_web_api.set_usergroup("S1", ["U1", "U2"])
    client = WebClient(token="xoxb-test", base_url=slack_web_api.api_url)
    assert client.conversations_replies(channel="C1", ts="1.0")["messages"][0]["text"] == "q"
    assert client.usergroups_users_list(usergroup="S1")["users"] == ["U1", "U2"]
