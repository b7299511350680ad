"""The names of the workspace's people, so a story never shows a colleague's name either.

users.list is paged and changes rarely, so the names are kept for `CACHE_SECONDS` per token.
When Slack will not list them (no users:read scope, network), stories are still redacted of
every customer's name; the gap is logged, not hidden.
"""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine

from metrics.stories.redaction import KnownNames
from metrics.stories.selection import known_names

log = logging.getLogger(__name__)
CACHE_SECONDS = 900
PAGE_SIZE = 200
MAX_PAGES = 100  # 20,000 people

_cache: dict[tuple[str, str], tuple[float, list[str]]] = {}
_lock = threading.Lock()


def _names_of(member: dict) -> list[str]:
    profile = member.get("profile") or {}
    return [
        name
        for name in (
            member.get("real_name"),
            profile.get("real_name"),
            profile.get("display_name"),
            profile.get("first_name"),
            profile.get("last_name"),
        )
        if name
    ]


def _fetch(client: WebClient) -> list[str]:
    names: list[str] = []
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        page = client.users_list(limit=PAGE_SIZE, cursor=cursor)
        for member in page.get("members") or []:
            if not member.get("is_bot") and member.get("id") != "USLACKBOT":
                names.extend(_names_of(member))
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            break
    return names


def workspace_names(client: WebClient) -> list[str]:
    """Every person's names in the workspace (cached), or [] if Slack will not list them."""
    key = (client.base_url, client.token or "")
    with _lock:
        cached = _cache.get(key)
        if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
    try:
        names = _fetch(client)
    except SlackApiError as error:
        log.warning(
            "cannot list the workspace's people (%s): their names are not redacted from "
            "stories; give the app the users:read scope",
            error.response.get("error"),
        )
        return []
    except OSError as error:
        log.warning("cannot list the workspace's people (%s); trying again next time", error)
        return []
    with _lock:
        _cache[key] = (time.monotonic(), names)
    return names


def known_people(engine: Engine, client: WebClient | None) -> KnownNames:
    """Everyone a story must not name: every customer, and with a client the workspace."""
    return known_names(engine, workspace_names(client) if client is not None else ())
