"""What anyone on the internet can send to `serve --http`: bodies too large to buffer, bodies
meant to land in the log, and malformed requests. Each gets a 4xx without costing memory,
disk or a traceback."""

from __future__ import annotations

import http.client
import io
import json
import logging
import socket
import time
from urllib.parse import urlparse

import pytest

from bot.slack.server import wsgi_app
from tests.bot.bot_harness import BotServer, sign

MARKER = "PROBE-7f3a"
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def connect(bot: BotServer) -> tuple[str, int]:
    url = urlparse(bot.url)
    return url.hostname or "127.0.0.1", url.port or 80


def raw_status(bot: BotServer, request: bytes) -> int:
    """Sends `request` as is on a fresh connection; returns the status of the answer."""
    with socket.create_connection(connect(bot), timeout=10) as sock:
        sock.sendall(request)
        status_line = sock.makefile("rb").readline()
    return int(status_line.split()[1])


def send(
    bot: BotServer, method: str, path: str, body: bytes = b"", headers: dict | None = None
) -> tuple[int, str]:
    host, port = connect(bot)
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def signed(body: bytes) -> dict[str, str]:
    ts = int(time.time())
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": sign(body, ts)}


def no_tracebacks(caplog: pytest.LogCaptureFixture) -> bool:
    return not any(r.exc_info for r in caplog.records) and "Traceback" not in caplog.text


def test_a_body_over_the_limit_gets_413_before_it_is_even_sent(make_bot) -> None:
    bot: BotServer = make_bot()
    fifty_megabytes = 50 * 1024 * 1024
    head = (
        "POST /slack/events HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n"
        f"X-Slack-Request-Timestamp: {int(time.time())}\r\nX-Slack-Signature: v0=00\r\n"
        f"Content-Length: {fifty_megabytes}\r\n\r\n"
    )
    # Only the first kilobyte is sent: the answer must not wait for the other 50 MB.
    assert raw_status(bot, head.encode() + b"{" * 1024) == 413


def test_a_body_at_the_limit_is_accepted_and_one_byte_more_is_not(make_bot) -> None:
    bot: BotServer = make_bot(max_request_bytes=2048)
    challenge = {"type": "url_verification", "challenge": "abc", "token": "x", "pad": ""}
    padding = 2048 - len(json.dumps(challenge).encode())
    at_limit = json.dumps({**challenge, "pad": "x" * padding}).encode()
    assert len(at_limit) == 2048
    assert bot.post(at_limit, JSON).status == 200
    over = json.dumps({**challenge, "pad": "x" * (padding + 1)}).encode()
    assert bot.post(over, JSON).status == 413


def test_the_app_refuses_a_large_content_length_without_reading_the_body(make_bot) -> None:
    """Behind a WSGI server other than waitress, the app itself must not read the body."""
    bot: BotServer = make_bot(max_request_bytes=2048)

    class Unreadable(io.RawIOBase):
        def read(self, size: int = -1) -> bytes:
            raise AssertionError("the body was read")

    statuses: list[str] = []
    body = wsgi_app(bot.app)(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/slack/events",
            "CONTENT_LENGTH": str(50 * 1024 * 1024),
            "CONTENT_TYPE": JSON,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.input": Unreadable(),
        },
        lambda status, headers: statuses.append(status),
    )
    assert statuses == ["413 Request Entity Too Large"]
    assert b"2048" in b"".join(body)


def test_the_body_of_a_refused_request_is_never_logged(make_bot, caplog) -> None:
    caplog.set_level(logging.DEBUG)  # before the app is built: Bolt copies the root level
    bot: BotServer = make_bot()
    body = json.dumps({"type": "event_callback", "event": {"text": MARKER * 10_000}}).encode()
    reply = bot.post(body, JSON, secret="not-the-secret")
    assert reply.status == 401
    assert MARKER not in caplog.text


MALFORMED: dict[str, tuple[bytes, str, str, int]] = {
    # name: (body, content type, how it is signed, expected status)
    "bad JSON, unsigned": (b'{"type": ', JSON, "forged", 401),
    "bad JSON, signed": (b'{"type": ', JSON, "signed", 400),
    "bad form encoding, signed": (b"payload=%7B%ZZ%", FORM, "signed", 400),
    "a JSON list, signed": (b"[1, 2]", JSON, "signed", 400),
    "non-UTF-8 bytes, unsigned": (b"\xff\xfe{\xc3(", JSON, "forged", 401),
    "non-UTF-8 bytes, signed": (b"\xff\xfe{\xc3(", JSON, "signed", 400),
    "no signature headers": (b"{}", JSON, "none", 401),
    "a timestamp that is not a number": (b"{}", JSON, "timestamp=soon", 401),
    "a signature with non-ASCII characters": (b"{}", JSON, "signature=v0=\xe6\xf8", 401),
    "an empty body": (b"", JSON, "forged", 401),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_a_malformed_request_gets_a_4xx_and_no_traceback(make_bot, caplog, case: str) -> None:
    caplog.set_level(logging.DEBUG)
    bot: BotServer = make_bot()
    body, content_type, how, expected = MALFORMED[case]
    headers = {"Content-Type": content_type}
    now = str(int(time.time()))
    if how == "signed":
        headers.update(signed(body))
    elif how == "forged":
        headers.update({"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0=" + "0" * 64})
    elif how.startswith("timestamp="):
        headers.update({"X-Slack-Request-Timestamp": how.partition("=")[2]})
        headers["X-Slack-Signature"] = "v0=" + "0" * 64
    elif how.startswith("signature="):
        headers.update({"X-Slack-Request-Timestamp": now})
        headers["X-Slack-Signature"] = how.partition("=")[2]
    status, _ = send(bot, "POST", "/slack/events", body, headers)
    assert status == expected
    assert no_tracebacks(caplog)


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/slack/events"), ("PUT", "/slack/events"), ("POST", "/healthz")]
)
def test_the_wrong_method_gets_405(make_bot, caplog, method: str, path: str) -> None:
    caplog.set_level(logging.DEBUG)
    bot: BotServer = make_bot()
    status, _ = send(bot, method, path, b"{}" if method != "GET" else b"")
    assert status == 405
    assert no_tracebacks(caplog)


def test_a_huge_header_gets_431(make_bot) -> None:
    bot: BotServer = make_bot()
    huge = "x" * (100 * 1024)
    request = f"POST /slack/events HTTP/1.1\r\nHost: bot\r\nX-Junk: {huge}\r\n\r\n".encode()
    assert raw_status(bot, request) == 431


def test_healthz_says_ok_or_failing_and_keeps_the_reason_for_the_log(
    make_bot, knowledge_home, caplog
) -> None:
    caplog.set_level(logging.INFO)
    bot: BotServer = make_bot(
        home=knowledge_home,
        database_url="postgresql+psycopg://journeybot:hunter2@127.0.0.1:1/secret_db",
    )
    reply = bot.get("/healthz")
    assert reply.status == 503
    assert reply.json() == {"ok": False, "database": "failing", "index": "ok"}
    assert "refused" in caplog.text, "why it fails is in the log"
    assert "hunter2" not in caplog.text
