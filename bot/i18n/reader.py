"""Which language a Slack user reads: their Slack locale, else the language of what they typed.

Words a person typed (a question) are answered in that language: the answer itself is in it
(Answer.language, KpiQuestion.language), and its buttons and notes follow. Everything else
(`/kpi`, App Home, buttons, errors) follows the locale the person set in Slack, read with
`users.info(include_locale=True)`. That is a Web API call, so it is made only in lazy
listeners (after the ack), and cached per user for LOCALE_TTL_SECONDS; a failed call is
remembered for FAILURE_TTL_SECONDS (not retried on every message while Slack is
rate-limiting) and falls back to the language of what they typed (knowledge/language.py),
then English.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from slack_sdk import WebClient

from bot.i18n import FALLBACK, LANGUAGES, language_or_fallback

log = logging.getLogger(__name__)

#: People rarely change their Slack language; an hour keeps users.info off the hot path.
LOCALE_TTL_SECONDS = 3600.0
#: After a failed users.info (rate limit, network), wait this long before asking again.
FAILURE_TTL_SECONDS = 60.0
#: Users remembered at once; the least recently asked are forgotten first.
MAX_USERS = 10_000


class ReaderLanguages:
    """Per-user Slack locales, cached; one per Services (bot/services.py)."""

    def __init__(
        self,
        *,
        ttl_seconds: float = LOCALE_TTL_SECONDS,
        failure_ttl_seconds: float = FAILURE_TTL_SECONDS,
        max_users: int = MAX_USERS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.failure_ttl_seconds = failure_ttl_seconds
        self.max_users = max_users
        self._clock = clock
        self._cache: OrderedDict[str, tuple[float, str | None]] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, client: WebClient, user_id: str, *, typed: str = "") -> str:
        """One of bot.i18n.LANGUAGES: the user's Slack locale; if Slack cannot say, the
        language of `typed`; else English."""
        locale = self.slack_locale(client, user_id)
        if locale is not None:
            return language_or_fallback(locale)
        return typed_language(typed)

    def known(self, user_id: str) -> str:
        """The language from the cache alone, English if the user is not in it: for the few
        replies made inside the ack (a modal opened with a trigger_id that expires in 3 s),
        which never wait for Slack."""
        with self._lock:
            cached = self._cache.get(user_id)
        if cached is None or cached[1] is None or cached[0] <= self._clock():
            return FALLBACK
        return language_or_fallback(cached[1])

    def slack_locale(self, client: WebClient, user_id: str) -> str | None:
        """The user's Slack locale (`da-DK`), or None when Slack would not tell (cached)."""
        if not user_id:
            return None
        now = self._clock()
        with self._lock:
            cached = self._cache.get(user_id)
            if cached is not None and cached[0] > now:
                self._cache.move_to_end(user_id)
                return cached[1]
        locale = self._ask_slack(client, user_id)
        ttl = self.ttl_seconds if locale is not None else self.failure_ttl_seconds
        with self._lock:
            self._cache[user_id] = (now + ttl, locale)
            self._cache.move_to_end(user_id)
            while len(self._cache) > self.max_users:
                self._cache.popitem(last=False)
        return locale

    @staticmethod
    def _ask_slack(client: WebClient, user_id: str) -> str | None:
        try:
            user = client.users_info(user=user_id, include_locale=True).get("user") or {}
        except Exception as error:  # SlackApiError, a timeout, a reset connection: fall back
            log.warning("users.info for %s failed, using the typed language: %s", user_id, error)
            return None
        locale = user.get("locale")
        return str(locale) if locale else None


def typed_language(typed: str) -> str:
    """The language of what someone typed (knowledge/language.py), English for no words."""
    if not typed.strip():
        return FALLBACK
    from knowledge.language import detect

    language = detect(typed)
    return language if language in LANGUAGES else FALLBACK
