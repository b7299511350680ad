"""HTTP mode: Bolt behind a real multi-threaded WSGI server (waitress), plus /healthz.

`app.start()` is Bolt's single-threaded development server; this is what runs behind a
load balancer, as several replicas sharing one database.

Anyone on the internet can reach this server, so nothing of a request is parsed, logged or
kept before it is known to come from Slack: bodies over MAX_REQUEST_BYTES get 413 unread
(waitress refuses them from the Content-Length header, and the app checks again for any
other WSGI server), the signature is checked on the raw bytes, and only then does Bolt
decode and parse the body. Malformed requests get 4xx, never a 500 with a traceback.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App, BoltRequest
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from sqlalchemy import text

from bot.services import Services
from bot.slack.signing import signed_by_slack

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
#: Slack's headers are well under 8 KiB; waitress would otherwise buffer 256 KiB per request.
MAX_HEADER_BYTES = 64 * 1024
OK, FAILING = "ok", "failing"

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict, StartResponse], Iterable[bytes]]


def health(svc: Services) -> tuple[bool, dict[str, str]]:
    """The database (`select 1`) and the index, each "ok" or "failing".

    /healthz is unauthenticated and driver errors name hosts, users and file paths, so why a
    component fails goes to the log only."""

    def database() -> None:
        with svc.engine().connect() as conn:
            conn.execute(text("select 1"))

    def index() -> None:
        svc.knowledge_base().health()

    report: dict[str, str] = {}
    for name, check in (("database", database), ("index", index)):
        try:
            check()
            report[name] = OK
        except Exception as error:  # noqa: BLE001 (reported, not raised)
            log.warning("health check: the %s is failing: %s", name, error)
            report[name] = FAILING
    return all(state == OK for state in report.values()), report


def wsgi_app(app: App) -> WsgiApp:
    """Routes POST /slack/events to Bolt and GET /healthz to the health check."""
    svc: Services = app.services  # type: ignore[attr-defined]
    secret = svc.settings.slack_signing_secret or ""
    max_body = svc.settings.max_request_bytes

    def application(environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == HEALTH_PATH:
            if method != "GET":
                return _reply(start_response, 405, {"error": "use GET"}, allow="GET")
            ok, report = health(svc)
            return _reply(start_response, 200 if ok else 503, {"ok": ok, **report})
        if path != EVENTS_PATH:
            return _reply(start_response, 404, {"error": "not found"})
        if method != "POST":
            return _reply(start_response, 405, {"error": "use POST"}, allow="POST")
        return _slack_request(app, environ, start_response, secret, max_body)

    return application


def _slack_request(
    app: App, environ: dict, start_response: StartResponse, secret: str, max_body: int
) -> Iterable[bytes]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if length < 0:
        return _reply(start_response, 400, {"error": "bad Content-Length"})
    if length > max_body:
        return _reply(start_response, 413, {"error": f"bodies over {max_body} bytes are refused"})
    body: bytes = environ["wsgi.input"].read(length) if length else b""
    headers = WsgiHttpRequest(environ).get_headers()
    timestamp = headers.get("x-slack-request-timestamp")
    signature = headers.get("x-slack-signature")
    if not signed_by_slack(body, _one(timestamp), _one(signature), secret):
        log.info(
            "refused a request without a valid Slack signature (%d bytes from %s)",
            len(body),
            environ.get("REMOTE_ADDR", "?"),
        )
        return _reply(start_response, 401, {"error": "invalid request"})
    try:
        request = BoltRequest(
            body=body.decode("utf-8"), query=environ.get("QUERY_STRING", ""), headers=headers
        )
    except Exception as error:  # noqa: BLE001 (signed but unreadable: a 400, not a 500)
        log.warning("a signed request could not be parsed (%s)", type(error).__name__)
        return _reply(start_response, 400, {"error": "unreadable body"})
    response = app.dispatch(request)
    rendered = WsgiHttpResponse(
        status=response.status, headers=response.headers, body=response.body
    )
    start_response(rendered.status, rendered.get_headers())
    return rendered.get_body()


def _one(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _reply(
    start_response: StartResponse, status: int, payload: dict, *, allow: str | None = None
) -> Iterable[bytes]:
    body = json.dumps(payload).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    if allow:
        headers.append(("Allow", allow))
    start_response(WsgiHttpResponse(status=status).status, headers)
    return [body]


def create_server(app: App, host: str, port: int, threads: int = 16, **adjustments: Any):  # noqa: ANN201
    """A waitress server (not yet serving); `.run()` serves, `.close()` stops it."""
    from waitress.server import create_server as waitress_server

    settings = app.services.settings  # type: ignore[attr-defined]
    limits = {
        # waitress refuses a Content-Length >= max_request_body_size before reading the body
        "max_request_body_size": settings.max_request_bytes + 1,
        "max_request_header_size": MAX_HEADER_BYTES,
    }
    return waitress_server(
        wsgi_app(app),
        host=host,
        port=port,
        threads=threads,
        ident="journeybot",
        **{**limits, **adjustments},
    )


def stop_server(server: Any, thread: threading.Thread, timeout: float = 5.0) -> None:
    """Stop a server running `.run()` in `thread`: its sockets are closed from inside its own
    loop (closing them from another thread races the loop's select), then the workers end."""
    try:
        server.trigger.pull_trigger(lambda: server.asyncore.close_all(server._map))
    except OSError:
        # The wake-up pipe is already closed (seen once in CI under load), so nothing can
        # run inside the loop any more: close the sockets from here and let the loop end.
        server.asyncore.close_all(server._map, ignore_all=True)
    thread.join(timeout)
    server.task_dispatcher.shutdown(timeout=timeout)
