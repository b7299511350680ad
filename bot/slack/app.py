"""The Bolt app: built so Slack's 3-second ack is never missed, even under load.

- `process_before_response=True` plus "trivial ack + lazy work" listeners: the HTTP
  response (the ack) goes out as soon as `ack()` returns, the slow part runs afterwards on
  the listener executor (the same code path works in Socket Mode and HTTP/FaaS).
- A large `listener_executor`: Bolt's default of 5 threads lets slow listeners queue acks.
- Nothing before an ack touches the database or the index: retried events and replayed
  commands or interactions are dropped by a database claim at the start of the lazy part
  (bot.slack.dedupe.once), not by a middleware in front of the ack.
- Requests with a bad signature or a timestamp more than 5 minutes off get 401 before Bolt
  parses them (bot.slack.server); Bolt's own RequestVerification checks again, and is kept from
  logging the body it rejected.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App, BoltContext

from bot.listeners import register_listeners
from bot.services import CONTEXT_KEY, Services


def build_app(svc: Services, *, verify_token: bool = True) -> App:
    """A ready App on the composition root's services; `verify_token=False` skips the
    auth.test call made at start-up."""
    settings = svc.settings
    app = App(
        token=None,  # the client carries SLACK_BOT_TOKEN
        signing_secret=settings.slack_signing_secret or "",
        client=svc.slack_client(),
        process_before_response=True,
        listener_executor=ThreadPoolExecutor(
            max_workers=settings.listener_threads, thread_name_prefix="slack-listener"
        ),
        token_verification_enabled=verify_token,
    )
    # Bolt logs the whole body of a request whose signature fails, at INFO: with anyone able
    # to post megabytes, that fills the disk. Its warnings and errors carry no body.
    logging.getLogger("slack_bolt.RequestVerification").setLevel(logging.WARNING)

    def attach_services(context: BoltContext, next: Callable[[], None]) -> None:  # noqa: A002
        context[CONTEXT_KEY] = svc.key
        next()

    app.use(attach_services)
    register_listeners(app)
    app.services = svc  # type: ignore[attr-defined] (for serve's health check)
    return app
