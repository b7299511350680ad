"""Socket Mode end to end: apps.connections.open → a local WebSocket → ack → answer."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator

import pytest
from websockets.sync.server import Server, ServerConnection, serve

from bot.services import Services
from bot.slack.app import build_app
from bot.slack.socket_mode import socket_mode_handler
from tests.bot.bot_harness import bot_settings
from tests.slack_web_api import SlackWebApi

ENVELOPE_ID = "env-0001"


def events_api_envelope() -> dict:
    event = {
        "type": "app_mention",
        "user": "U0ALICE",
        "text": "<@UBOT0001> How is NPS calculated?",
        "ts": "42.1",
        "channel": "C0GENERAL",
        "event_ts": "42.1",
    }
    return {
        "envelope_id": ENVELOPE_ID,
        "type": "events_api",
        "accepts_response_payload": False,
        "retry_attempt": 0,
        "retry_reason": "",
        "payload": {
            "team_id": "T0TEST01",
            "api_app_id": "A0TEST01",
            "type": "event_callback",
            "event_id": "EvSocket1",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": "T0TEST01", "user_id": "UBOT0001", "is_bot": True}],
            "event": event,
        },
    }


@pytest.fixture
def slack_socket() -> Iterator[tuple[str, queue.Queue]]:
    """A WebSocket server playing Slack: says hello, pushes one event, records replies."""
    received: queue.Queue = queue.Queue()

    def handler(connection: ServerConnection) -> None:
        connection.send(json.dumps({"type": "hello", "num_connections": 1}))
        connection.send(json.dumps(events_api_envelope()))
        for message in connection:
            received.put(json.loads(message))

    server: Server = serve(handler, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.socket.getsockname()[1]
    try:
        yield f"ws://127.0.0.1:{port}/link", received
    finally:
        server.shutdown()
        thread.join(timeout=5)


def test_an_event_over_socket_mode_is_acked_and_answered_in_its_thread(
    slack_web_api: SlackWebApi, slack_socket, knowledge_home, tmp_path
) -> None:
    url, received = slack_socket
    slack_web_api.socket_url = url
    settings = bot_settings(
        slack_web_api,
        knowledge_home,
        f"sqlite:///{tmp_path / 'socket.db'}",
        slack_app_token="xapp-test",
    )
    handler = socket_mode_handler(build_app(Services.from_settings(settings)), settings)
    handler.connect()
    try:
        ack = received.get(timeout=10)
        assert ack == {"envelope_id": ENVELOPE_ID}
        [opened] = slack_web_api.calls_to("apps.connections.open")
        assert opened.headers["authorization"] == "Bearer xapp-test"
        [update] = slack_web_api.wait_for("chat.update")
        [placeholder] = slack_web_api.calls_to("chat.postMessage")
        assert placeholder.params["thread_ts"] == "42.1"
        assert "nps.md" in json.dumps(update.params["blocks"])
    finally:
        handler.close()
