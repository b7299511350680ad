"""A local stand-in for the Slack Web API, for tests that run the real client over HTTP.

Slack is the one thing outside this machine the bot talks to, so tests point
`WebClient(base_url=stand_in.api_url)` (or `SLACK_API_URL`) at this server: every request goes
through slack_sdk's real HTTP code, and the test asserts on what was sent.

Usage:

    from tests.slack_web_api import SlackWebApi  # the fixture is registered in tests/conftest.py

    def test_something(slack_web_api: SlackWebApi) -> None:
        client = WebClient(token="xoxb-test", base_url=slack_web_api.api_url)
        client.chat_postMessage(channel="C1", text="hi")
        assert slack_web_api.calls_to("chat.postMessage")[0].params["text"] == "hi"

What it answers (POST /api/<method>, form or JSON bodies, token from the Authorization
header or the `token` param):
- chat.postMessage / chat.update / chat.postEphemeral / chat.delete: `ok`, `channel`, a new
  increasing `ts` taken from the clock as Slack's are (update/delete echo the given ts), and
  the message.
- conversations.history: what chat.postMessage posted to the channel (plus messages added with
  `add_history`), newest first, with `oldest`/`latest`/`limit`/`cursor` paging; `metadata`
  only with `include_all_metadata`, as Slack does. GET and POST both work.
- users.list: the people set with `set_users(members)`, paged by `limit`/`cursor`.
- auth.test, reactions.add/remove, views.publish, views.open, views.update.
- users.info: the user, with the `locale` set by `set_locale(user, "da-DK")` when asked with
  `include_locale` (as Slack gives it only then).
- conversations.open: a DM channel id derived from the user (U0ALICE → D0ALICE).
- conversations.replies: the messages set with `set_thread(channel, ts, messages)`.
- usergroups.users.list: the users set with `set_usergroup(id, users)`.
- files.getUploadURLExternal → an upload URL on this server; POST to it stores the bytes;
  files.completeUploadExternal → the files (this is what `files_upload_v2` calls).
- chat.postMessage with an image block naming a file (`slack_file: {"id": …}`) is refused with
  `invalid_blocks`, as Slack does, unless that file's upload was completed; `processing(n)`
  refuses the next n such posts as Slack does while it is still processing an upload.
- Any other path (use `stand_in.response_url("x")` as a slash command's `response_url`):
  recorded as method "response_url" with the JSON body, answered "ok" like Slack's hooks.
- apps.connections.open → `{"ok": true, "url": stand_in.socket_url}` (set it for Socket Mode).
- Anything else: `{"ok": true}`; override any method with `respond(method, body)`.
- `fail_once_with_429(method, retry_after=1)`: the next call to that method gets HTTP 429
  with Retry-After, as Slack rate limits do.
- `fail_once_with_500(method)`: the next call gets HTTP 500, as during a Slack incident.
- `reset_once(method)`: the next call is read, then its connection is reset (TCP RST)
  without an answer, as a flaky network or load balancer does.
  Failed calls are recorded too, with `_failed` set to "429", "500" or "reset".
- `scopes = [...]`: every Web API response carries them in the `x-oauth-scopes` header, as
  Slack's do (None, the default: no such header).
- `drop_once(method)`: the next call is carried out, then the connection is closed without
  an answer (Slack accepted the post, the reply was lost: a timeout or crash after posting).
- `pause(method)` / `resume(method)`: calls are recorded, then wait for `resume` before being
  answered (to hold one request in flight while others arrive).

Every call is recorded as a `Call(method, params, headers)`; `wait_for(method)` blocks until
one arrives (listeners run lazily in other threads, so replies come after the ack).
"""

from __future__ import annotations

import itertools
import json
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse

import pytest

BOT_USER_ID = "UBOT0001"
BOT_ID = "BBOT0001"
TEAM_ID = "T0TEST01"


@dataclass
class Call:
    """One request the bot made: the API method, its parameters and HTTP headers."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)  # when it arrived (for benchmarks)


@dataclass
class Upload:
    """Bytes posted to an upload URL from files.getUploadURLExternal."""

    file_id: str
    filename: str
    data: bytes


@dataclass
class SlackWebApi:
    """State of the stand-in: recorded calls, canned data, and the server address."""

    url: str = ""
    socket_url: str = "ws://127.0.0.1:1/"
    calls: list[Call] = field(default_factory=list)
    uploads: dict[str, Upload] = field(default_factory=dict)
    threads: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    usergroups: dict[str, list[str]] = field(default_factory=dict)
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: dict[str, tuple[str, int]] = field(
        default_factory=dict
    )  # method → (how, retry_after)
    scopes: list[str] | None = None
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    users: list[dict[str, Any]] = field(default_factory=list)
    locales: dict[str, str] = field(default_factory=dict)
    completed: set[str] = field(default_factory=set)
    unprocessed_posts: int = 0
    drops: set[str] = field(default_factory=set)
    paused: dict[str, threading.Event] = field(default_factory=dict)
    _lock: threading.Condition = field(default_factory=threading.Condition)
    _last_ts: float = 0.0
    _file_numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def api_url(self) -> str:
        """The WebClient base_url (slack_sdk wants the trailing `/api/`)."""
        return f"{self.url}/api/"

    def response_url(self, name: str = "r") -> str:
        """A URL to put in a command/action payload; Bolt's `respond()` posts to it."""
        return f"{self.url}/hooks/{name}"

    # ---- configuration -------------------------------------------------------------
    def set_thread(self, channel: str, thread_ts: str, messages: list[dict[str, Any]]) -> None:
        """What conversations.replies returns for this thread (parent first, as Slack does)."""
        self.threads[(channel, thread_ts)] = messages

    def set_usergroup(self, usergroup_id: str, users: list[str]) -> None:
        self.usergroups[usergroup_id] = users

    def respond(self, method: str, body: dict[str, Any]) -> None:
        """Answer `method` with this JSON body from now on."""
        self.overrides[method] = body

    def fail_once_with_429(self, method: str, retry_after: int = 1) -> None:
        self.failures[method] = ("429", retry_after)

    def fail_once_with_500(self, method: str) -> None:
        self.failures[method] = ("500", 0)

    def reset_once(self, method: str) -> None:
        self.failures[method] = ("reset", 0)

    def drop_once(self, method: str) -> None:
        """Carry out the next call to `method`, then hang up without answering."""
        self.drops.add(method)

    def pause(self, method: str) -> None:
        self.paused[method] = threading.Event()

    def resume(self, method: str) -> None:
        self.paused.pop(method).set()

    def add_history(self, channel: str, message: dict[str, Any]) -> dict[str, Any]:
        """A message already in the channel (e.g. posted by a process that then crashed)."""
        with self._lock:
            stored = {"type": "message", "ts": self._next_ts(), **message}
            self.history.setdefault(channel, []).append(stored)
            return stored

    def set_users(self, members: list[dict[str, Any]]) -> None:
        """What users.list returns (Slack's member objects: id, name, real_name, profile…)."""
        self.users = members

    def processing(self, posts: int) -> None:
        """The next `posts` messages naming an uploaded file are refused (not processed yet)."""
        self.unprocessed_posts = posts

    def set_locale(self, user: str, locale: str) -> None:
        """The Slack locale users.info reports for `user` (with include_locale)."""
        self.locales[user] = locale

    def posted_to(self, channel: str) -> list[dict[str, Any]]:
        """The messages in `channel`'s history, oldest first."""
        with self._lock:
            return list(self.history.get(channel, []))

    # ---- assertions ----------------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def methods(self) -> list[str]:
        with self._lock:
            return [call.method for call in self.calls]

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 30.0,
        where: Callable[[Call], bool] = lambda call: True,
    ) -> list[Call]:
        """Block until `count` matching calls to `method` arrived; fail the test if not."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [c for c in self.calls if c.method == method and where(c)]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {count} call(s) to {method}, got {len(found)}; "
                        f"calls so far: {[c.method for c in self.calls]}"
                    )
                self._lock.wait(remaining)

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    # ---- request handling ----------------------------------------------------------
    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)
            self._lock.notify_all()

    def _next_ts(self) -> str:
        """Like Slack's: the clock in seconds with microseconds, unique and increasing."""
        with self._lock:
            self._last_ts = max(time.time(), self._last_ts + 0.000001)
            return f"{self._last_ts:.6f}"

    def _history_page(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel"))
        oldest = float(params.get("oldest") or 0)
        latest = float(params.get("latest") or "inf")
        limit = min(int(params.get("limit") or 100), 999)
        offset = int(params.get("cursor") or 0)
        with_metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
        with self._lock:
            messages = [
                m for m in self.history.get(channel, []) if oldest < float(m["ts"]) < latest
            ]
        messages.sort(key=lambda m: float(m["ts"]), reverse=True)
        page = messages[offset : offset + limit]
        if not with_metadata:
            page = [{k: v for k, v in m.items() if k != "metadata"} for m in page]
        more = offset + limit < len(messages)
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": str(offset + limit) if more else ""},
        }

    def _unusable_file(self, blocks: Any) -> dict[str, Any] | None:  # noqa: ANN401
        """Slack's answer to blocks naming a file it cannot show yet (or at all), else None."""
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        for number, block in enumerate(blocks or []):
            file_id = (
                (block.get("slack_file") or {}).get("id") if block.get("type") == "image" else None
            )
            if file_id is None:
                continue
            with self._lock:
                unready = self.unprocessed_posts > 0 or file_id not in self.completed
                self.unprocessed_posts = max(0, self.unprocessed_posts - 1)
            if unready:
                pointer = f"invalid slack file [json-pointer:/blocks/{number}/slack_file]"
                return {"ok": False, "error": "invalid_blocks", "errors": [pointer]}
        return None

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method in self.overrides:
            return 200, self.overrides[method]
        channel = params.get("channel") or params.get("channel_id") or "C0TEST01"
        if method in ("chat.postMessage", "chat.postEphemeral", "chat.scheduleMessage"):
            refused = self._unusable_file(params.get("blocks"))
            if refused is not None:
                return 200, refused
            ts = self._next_ts()
            message = {"text": params.get("text", ""), "ts": ts, "user": BOT_USER_ID}
            if method == "chat.postEphemeral":
                return 200, {"ok": True, "message_ts": ts}
            if method == "chat.postMessage":
                stored = {"type": "message", **message, "bot_id": BOT_ID}
                metadata = params.get("metadata")
                if isinstance(metadata, str):
                    metadata = json.loads(metadata)
                if metadata:
                    stored["metadata"] = metadata
                with self._lock:
                    self.history.setdefault(channel, []).append(stored)
            return 200, {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method == "conversations.history":
            return 200, self._history_page(params)
        if method == "users.list":
            limit = int(params.get("limit") or 100)
            offset = int(params.get("cursor") or 0)
            more = offset + limit < len(self.users)
            return 200, {
                "ok": True,
                "members": self.users[offset : offset + limit],
                "response_metadata": {"next_cursor": str(offset + limit) if more else ""},
            }
        if method in ("chat.update", "chat.delete"):
            return 200, {"ok": True, "channel": channel, "ts": params.get("ts")}
        if method == "auth.test":
            return 200, {
                "ok": True,
                "url": "https://journeybot-test.slack.com/",
                "team": "Test",
                "team_id": TEAM_ID,
                "user": "journeybot",
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
            }
        if method == "users.info":
            user = params.get("user", "U0")
            member = {"id": user, "name": user.lower(), "tz": "UTC"}
            asked = str(params.get("include_locale", "")).lower() in ("1", "true")
            if asked and user in self.locales:
                member["locale"] = self.locales[user]
            return 200, {"ok": True, "user": member}
        if method == "conversations.replies":
            messages = self.threads.get((channel, str(params.get("ts"))), [])
            return 200, {"ok": True, "messages": messages, "has_more": False}
        if method == "conversations.open":
            users = str(params.get("users", "U0"))
            return 200, {"ok": True, "channel": {"id": "D" + users.split(",")[0][1:]}}
        if method == "usergroups.users.list":
            group = str(params.get("usergroup"))
            if group not in self.usergroups:
                return 200, {"ok": False, "error": "no_such_subteam"}
            return 200, {"ok": True, "users": self.usergroups[group]}
        if method in ("views.publish", "views.open", "views.update", "views.push"):
            view = params.get("view")
            if isinstance(view, str):
                view = json.loads(view)
            return 200, {"ok": True, "view": {"id": "V0TEST01", **(view or {})}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._file_numbers):08d}"
            self.uploads[file_id] = Upload(file_id, str(params.get("filename", "")), b"")
            return 200, {
                "ok": True,
                "file_id": file_id,
                "upload_url": f"{self.url}/upload/{file_id}",
            }
        if method == "files.completeUploadExternal":
            files = params.get("files")
            if isinstance(files, str):
                files = json.loads(files)
            described = [
                {"id": f["id"], "title": f.get("title"), "name": self.uploads[f["id"]].filename}
                for f in files or []
            ]
            with self._lock:
                self.completed.update(f["id"] for f in described)
            return 200, {"ok": True, "files": described}
        if method == "apps.connections.open":
            return 200, {"ok": True, "url": self.socket_url}
        return 200, {"ok": True}


def _handler(state: SlackWebApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            """Quiet: tests assert on recorded calls, not on access logs."""

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            """Read methods (conversations.history) may come as GET with a query string."""
            url = urlparse(self.path)
            headers = {k.lower(): v for k, v in self.headers.items()}
            if not url.path.startswith("/api/"):
                self._send(404, {"ok": False, "error": "unknown_method"})
                return
            self._api_call(url.path, dict(parse_qsl(url.query, keep_blank_values=True)), headers)

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            path = urlparse(self.path).path
            headers = {k.lower(): v for k, v in self.headers.items()}
            if path.startswith("/upload/"):
                file_id = path.rsplit("/", 1)[-1]
                upload = state.uploads.get(file_id)
                if upload is None:
                    self._send(404, {"ok": False, "error": "unknown_upload"})
                    return
                upload.data = raw
                state._record(Call("upload", {"file_id": file_id, "bytes": len(raw)}, headers))
                self._send_text(200, f"OK - {len(raw)}")
                return
            if not path.startswith("/api/"):
                body = json.loads(raw or b"{}") if "json" in headers.get("content-type", "") else {}
                state._record(Call("response_url", {**body, "_path": path}, headers))
                self._send_text(200, "ok")
                return
            self._api_call(path, self._params(raw, headers.get("content-type", "")), headers)

        def _api_call(self, path: str, params: dict[str, Any], headers: dict[str, str]) -> None:
            method = path.removeprefix("/api/").strip("/")
            if method in state.failures:
                how, retry_after = state.failures.pop(method)
                failed = {**params, "_failed": how}
                if how == "429":
                    failed["_rate_limited"] = True
                state._record(Call(method, failed, headers))
                if how == "reset":
                    self._reset()
                elif how == "500":
                    self._send(500, {"ok": False, "error": "internal_error"})
                else:
                    self._send(429, {"ok": False, "error": "ratelimited"}, retry_after)
                return
            state._record(Call(method, params, headers))
            paused = state.paused.get(method)
            if paused is not None:
                paused.wait(timeout=60)
            status, body = state.answer(method, params)
            if method in state.drops:
                state.drops.discard(method)
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self._send(status, body)

        def _params(self, raw: bytes, content_type: str) -> dict[str, Any]:
            if not raw:
                return {}
            text = raw.decode("utf-8")
            if "json" in content_type:
                return json.loads(text)
            params: dict[str, Any] = dict(parse_qsl(text, keep_blank_values=True))
            for key in ("blocks", "view", "attachments", "files", "metadata"):
                value = params.get(key)
                if isinstance(value, str) and value[:1] in "[{":
                    params[key] = json.loads(value)
            return params

        def _send(self, status: int, body: dict[str, Any], retry_after: int | None = None) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            if retry_after is not None:
                self.send_header("Retry-After", str(retry_after))
            if state.scopes is not None:
                self.send_header("x-oauth-scopes", ",".join(state.scopes))
            self.end_headers()
            self.wfile.write(payload)

        def _reset(self) -> None:
            """Close the connection with a TCP RST (SO_LINGER 0) instead of answering."""
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()

        def _send_text(self, status: int, text: str) -> None:
            payload = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default of 5 resets connections under benchmark load


def start_slack_web_api() -> tuple[SlackWebApi, Callable[[], None]]:
    """Start the stand-in on a free loopback port; returns it and a stop function."""
    state = SlackWebApi()
    server = _Server(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="slack-web-api", daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return state, stop


@pytest.fixture
def slack_web_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlackWebApi]:
    """A running stand-in; `SLACK_API_URL` points at it (slack_sdk wants a trailing /api/)."""
    state, stop = start_slack_web_api()
    monkeypatch.setenv("SLACK_API_URL", state.api_url)
    try:
        yield state
    finally:
        stop()
