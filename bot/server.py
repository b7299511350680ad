"""HTTP mode: Bolt behind a real multi-threaded WSGI server (waitress), plus /healthz.

`app.start()` is Bolt's single-threaded development server; this is what runs behind a
load balancer, as several replicas sharing one database.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text

from bot.services import Services

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

StartResponse = Callable[..., Any]


def health(svc: Services) -> tuple[bool, dict[str, str]]:
    """Database `select 1` and the index's own health check, each reported separately."""
    report: dict[str, str] = {}
    try:
        with svc.engine().connect() as conn:
            conn.execute(text("select 1"))
        report["database"] = "ok"
    except Exception as error:  # noqa: BLE001 (reported, not raised)
        report["database"] = str(error) or type(error).__name__
    try:
        svc.knowledge_base().health()
        report["index"] = "ok"
    except Exception as error:  # noqa: BLE001 (reported, not raised)
        report["index"] = str(error) or type(error).__name__
    return all(v == "ok" for v in report.values()), report


def wsgi_app(app: App) -> Callable[[dict, StartResponse], Iterable[bytes]]:
    """Routes POST /slack/events to Bolt and GET /healthz to the health check."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)
    svc: Services = app.services  # type: ignore[attr-defined]

    def application(environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == HEALTH_PATH and environ.get("REQUEST_METHOD") == "GET":
            ok, report = health(svc)
            body = json.dumps({"ok": ok, **report}).encode()
            status = "200 OK" if ok else "503 Service Unavailable"
            start_response(
                status,
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]
        if path == EVENTS_PATH:
            return slack(environ, start_response)
        body = b'{"error": "not found"}'
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [body]

    return application


def create_server(app: App, host: str, port: int, threads: int = 16, **adjustments: Any):  # noqa: ANN201
    """A waitress server (not yet serving); `.run()` serves, `.close()` stops it."""
    from waitress.server import create_server as waitress_server

    return waitress_server(
        wsgi_app(app), host=host, port=port, threads=threads, ident="journeybot", **adjustments
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
