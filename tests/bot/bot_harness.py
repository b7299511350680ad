"""The loopback harness for bot tests: a real bot (waitress + Bolt) on a free port, and
requests signed exactly as Slack signs them."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from slack_bolt import App

from bot.config import Settings
from bot.services import Services
from bot.slack.app import build_app
from bot.slack.server import create_server
from tests.slack_web_api import Call, SlackWebApi

SIGNING_SECRET = "test-signing-secret"
_TRIGGERS = itertools.count(1)
KB_DOCS = {
    "nps.md": (
        "# Net Promoter Score\n\n## How NPS is calculated\n\n"
        "Net Promoter Score is the percentage of promoters, who answer 9 or 10, minus the "
        "percentage of detractors, who answer 0 to 6. Passives score 7 or 8.\n"
    ),
    "churn.md": (
        "# Churn\n\n## Churn rate\n\n"
        "Churn rate is the percentage of customers active at the start of a period who "
        "leave during that period. Customers who sign up during the period are not counted.\n"
    ),
}


def sign(body: bytes, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    """Slack's v0 signature: HMAC-SHA256 over `v0:{timestamp}:{body}`."""
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Reply:
    status: int
    body: str
    seconds: float

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class BotServer:
    """A running bot on loopback, and helpers that speak to it as Slack does."""

    url: str
    api: SlackWebApi
    app: App
    settings: Settings

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str = SIGNING_SECRET,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        ts = int(time.time()) if timestamp is None else timestamp
        request = urllib.request.Request(
            f"{self.url}/slack/events",
            data=body,
            method="POST",
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": str(ts),
                "X-Slack-Signature": sign(body, ts, secret),
                **(headers or {}),
            },
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                text = response.read().decode()
                return Reply(response.status, text, time.perf_counter() - started)
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode(), time.perf_counter() - started)

    def event(
        self, event: dict, *, event_id: str = "Ev001", retry_num: int | None = None, **kw: Any
    ) -> Reply:
        payload = {
            "token": "legacy",
            "team_id": "T0TEST01",
            "api_app_id": "A0TEST01",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": "T0TEST01", "user_id": "UBOT0001", "is_bot": True}],
            "event": event,
        }
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self.post(json.dumps(payload).encode(), "application/json", headers=headers, **kw)

    def command(self, command: str, text: str, *, user: str = "U0ALICE", **kw: Any) -> Reply:
        body = self.command_form(command, text, user=user)
        return self.post(body, "application/x-www-form-urlencoded", **kw)

    def command_form(self, command: str, text: str, *, user: str = "U0ALICE") -> bytes:
        """The form body Slack posts for a slash command."""
        form = {
            "token": "legacy",
            "team_id": "T0TEST01",
            "channel_id": "C0GENERAL",
            "channel_name": "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0TEST01",
            "response_url": self.api.response_url(command.strip("/")),
            # Unique per invocation, as Slack's are: two identical signed bodies are a replay.
            "trigger_id": f"{next(_TRIGGERS)}.{time.time_ns()}.trigger",
        }
        return urlencode(form).encode()

    def action(self, payload: dict, **kw: Any) -> Reply:
        return self.post(self.action_form(payload), "application/x-www-form-urlencoded", **kw)

    @staticmethod
    def action_form(payload: dict) -> bytes:
        """The form body Slack posts for an interaction (button, shortcut, modal)."""
        return urlencode({"payload": json.dumps(payload)}).encode()

    def get(self, path: str) -> Reply:
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(f"{self.url}{path}", timeout=10) as response:
                return Reply(
                    response.status, response.read().decode(), time.perf_counter() - started
                )
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode(), time.perf_counter() - started)


def bot_settings(api: SlackWebApi, home: Path, database_url: str, **overrides: Any) -> Settings:
    return Settings(
        journeybot_home=home,
        database_url=database_url,
        slack_bot_token="xoxb-test",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=api.api_url,
        **{"listener_threads": 8, **overrides},
    )


def start_bot(settings: Settings) -> tuple[str, App, Any, threading.Thread]:
    app = build_app(Services.from_settings(settings))
    server = create_server(app, "127.0.0.1", 0, threads=4, asyncore_loop_timeout=0.05)
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.effective_port}", app, server, thread


def seed_nps(database_url: str, *, current: list[int], previous: list[int]) -> None:
    """NPS responses in the last 30 days (`current`) and the 30 days before (`previous`)."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import insert

    from metrics.db import connect
    from metrics.rollups import rebuild
    from metrics.schema import customers, nps_responses

    now = datetime.now(UTC)
    engine = connect(database_url)
    scores = [(s, now - timedelta(days=1 + i % 25)) for i, s in enumerate(current)] + [
        (s, now - timedelta(days=31 + i % 25)) for i, s in enumerate(previous)
    ]
    with engine.begin() as conn:
        conn.execute(
            insert(customers),
            [
                {
                    "customer_id": f"c{i}",
                    "segment": "smb" if i % 2 else "enterprise",
                    "country": "DK",
                    "signed_up_at": now - timedelta(days=400),
                }
                for i in range(len(scores))
            ],
        )
        conn.execute(
            insert(nps_responses),
            [
                {"response_id": f"r{i}", "customer_id": f"c{i}", "score": s, "responded_at": at}
                for i, (s, at) in enumerate(scores)
            ],
        )
        rebuild(conn)  # written past the import: the rollups are refreshed by hand
    engine.dispose()


# ---- what Slack sends, and what the bot posted -----------------------------------------
def mention(ts: str, text: str, thread_ts: str | None = None) -> dict:
    event = {
        "type": "app_mention",
        "user": "U0ALICE",
        "text": text,
        "ts": ts,
        "channel": "C0GENERAL",
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def message(ts: str, text: str, **extra: object) -> dict:
    return {
        "type": "message",
        "user": "U0ALICE",
        "text": text,
        "ts": ts,
        "channel": "C0GENERAL",
        "channel_type": "channel",
        "event_ts": ts,
        **extra,
    }


def block_text(call: Call) -> str:
    blocks = call.params["blocks"]
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    parts = []
    for block in blocks:
        if "text" in block:
            parts.append(block["text"]["text"])
        parts.extend(e.get("text", "") for e in block.get("elements", []) if isinstance(e, dict))
    return "\n".join(str(p) for p in parts)
