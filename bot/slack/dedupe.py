"""Handle each Slack delivery once: retried events, replayed requests, several replicas.

Slack re-sends an event (same `event_id`, an `X-Slack-Retry-Num` header) when it thinks the
first delivery was not acknowledged in time, and whoever captures a signed slash command or
interaction can send it again, unchanged, for the five minutes its signature stays valid.
Bolt de-duplicates neither. The claim is a row in `processed_events` (its `event_id` column
holds the delivery key): whoever inserts the key first handles the delivery, everyone else
does nothing. Being a database row, it holds across processes and restarts.

The claim is made after the ack, at the start of a listener's lazy part (`once`), so an ack
never waits for the database: a retry also acks at once and its lazy part loses the claim.
When the database cannot be reached, a first delivery is handled anyway (answering twice in
a rare outage beats never answering), but a retry is dropped: the first delivery was most
likely handled, and a retry is exactly what would be answered twice.

Claims older than CLAIM_TTL are deleted now and then, after a claim: Slack retries within
minutes and signatures expire after five, so an hour-old claim guards nothing. The table's
SQL (claim, prune) is metrics/delivery_claims.py; this module decides what to claim and when.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable

from slack_bolt import BoltRequest
from slack_bolt.kwargs_injection import build_required_kwargs
from slack_bolt.util.utils import get_arg_names_of_callable
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot import services
from metrics.delivery_claims import CLAIM_TTL, KEY_CHARS, claim, prune
from metrics.errors import MetricsError

log = logging.getLogger(__name__)

PRUNE_EVERY_SECONDS = 10 * 60.0

_pruned_at: dict[str, float] = {}
_prune_lock = threading.Lock()


def delivery_key(request: BoltRequest) -> str | None:
    """What makes a delivery the same delivery: the event_id of an event (retries carry the
    same one), else the signed timestamp and body of a command or interaction (a replay is
    byte for byte the same). None when neither exists (Socket Mode commands: nobody can
    replay those, and Slack does not retry them)."""
    body = request.body if isinstance(request.body, dict) else {}
    event_id = body.get("event_id")
    if event_id:
        key = f"event:{event_id}"
        if len(key) <= KEY_CHARS:
            return key
        return "event:" + hashlib.sha256(str(event_id).encode()).hexdigest()
    timestamp = _header(request, "x-slack-request-timestamp")
    if timestamp and request.raw_body:
        signed = f"{timestamp}:{request.raw_body}".encode()
        return "signed:" + hashlib.sha256(signed).hexdigest()
    return None


def is_retry(request: BoltRequest) -> bool:
    """Slack marks its own re-deliveries of an event (HTTP header, or Socket Mode's
    retry_attempt, which Bolt turns into the same header)."""
    return _header(request, "x-slack-retry-num") not in (None, "", "0")


def first_delivery(engine_factory: Callable[[], Engine], request: BoltRequest) -> bool:
    """Claims the request's delivery; True if this process should handle it."""
    key = delivery_key(request)
    if key is None:
        return True
    try:
        engine = engine_factory()
        first = claim(engine, key)
    except (SQLAlchemyError, MetricsError) as error:
        if is_retry(request):
            log.warning(
                "cannot check whether %s was already handled (%s); it is a retry, so it is "
                "dropped rather than risk answering twice",
                key,
                error,
            )
            return False
        log.warning("cannot record %s (%s); handling it anyway", key, error)
        return True
    if not first:
        log.info("%s was already handled; not handling it again", key)
    _prune_now_and_then(engine)
    return first


def once(work: Callable[..., None]) -> Callable[[BoltRequest], None]:
    """`work` as a lazy listener that runs only for the first delivery of its request.

    Bolt injects listener arguments by parameter name; the wrapper asks only for `request`
    and injects `work`'s own arguments the same way Bolt would."""
    names = get_arg_names_of_callable(work)

    def run_once(request: BoltRequest) -> None:
        if not first_delivery(services.of(request.context).engine, request):
            return
        work(
            **build_required_kwargs(
                logger=log,
                required_arg_names=names,
                request=request,
                response=None,
                this_func=work,
            )
        )

    # Bolt tells lazy listeners apart by name (FaaS re-invocation); keep the listener's own.
    run_once.__name__ = run_once.__qualname__ = work.__name__
    return run_once


def _prune_now_and_then(engine: Engine) -> None:
    """Prunes at most every PRUNE_EVERY_SECONDS per database and process."""
    url = engine.url.render_as_string(hide_password=True)
    now = time.monotonic()
    with _prune_lock:
        last = _pruned_at.get(url)
        if last is not None and now - last < PRUNE_EVERY_SECONDS:
            return
        _pruned_at[url] = now
    try:
        removed = prune(engine)
    except SQLAlchemyError as error:
        log.warning("could not prune old delivery claims (%s); trying again later", error)
        return
    if removed:
        log.info("pruned %d delivery claims older than %s", removed, CLAIM_TTL)


def _header(request: BoltRequest, name: str) -> str | None:
    values = request.headers.get(name) or []
    return values[0] if values else None
