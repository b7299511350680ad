"""Payloads as Slack sends them, and waiting for what the bot does after the ack."""

from __future__ import annotations

import time
from collections.abc import Callable

from tests.bot.bot_harness import BotServer
from tests.story_payloads import view_submission


def mention(ts: str, text: str = "<@UBOT0001> How is NPS calculated?") -> dict:
    return {
        "type": "app_mention",
        "user": "U0ALICE",
        "text": text,
        "ts": ts,
        "channel": "C0GENERAL",
        "event_ts": ts,
    }


def feedback_click(bot: BotServer) -> dict:
    return {
        "type": "block_actions",
        "user": {"id": "U0BOB"},
        "team": {"id": "T0TEST01"},
        "api_app_id": "A0TEST01",
        "channel": {"id": "C0GENERAL"},
        "container": {"type": "message", "message_ts": "1.2", "channel_id": "C0GENERAL"},
        "message": {"ts": "1.2", "thread_ts": "1.1", "text": "NPS is…", "blocks": []},
        "response_url": bot.api.response_url("action"),
        "trigger_id": "7.8.9",
        "actions": [
            {"action_id": "feedback_up", "block_id": "answer_feedback", "value": "1"},
        ],
    }


def story_form(title: str = "Fast delivery") -> dict:
    values = {
        "story_title": {"title": {"type": "plain_text_input", "value": title}},
        "story_body": {
            "body": {"type": "plain_text_input", "value": "The parcel came the next day."}
        },
        "story_customer": {"customer_id": {"type": "plain_text_input", "value": None}},
        "story_source": {
            "source": {"type": "static_select", "selected_option": {"value": "interview"}}
        },
        "story_consent": {
            "consent": {"type": "checkboxes", "selected_options": [{"value": "consented"}]}
        },
    }
    return view_submission(values)


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)
