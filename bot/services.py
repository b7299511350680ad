"""The composition root: every service journeybot runs on, built from Settings, lazily and once.

The CLI (click's context object, bot/cli/common.py `services()`) and the Slack app (one per
app, bot/slack/app.py) each hold one Services, so both run exactly the same objects: the metrics
engine, the knowledge base, the KPI and story services, the Slack client and KPI access.
Nothing is built before it is first used (`journeybot kpi list` never opens the index), and
what fails to build (a database that is down) is tried again on the next call, not cached.

Bolt deep-copies the request context for lazy listeners, so live objects (database pools,
the index) cannot travel in it. The context carries only a key; `of(context)` finds the
Services it stands for.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from bot.config import Settings
from bot.i18n.reader import ReaderLanguages
from bot.slack.access import KpiAccess

if TYPE_CHECKING:
    from slack_bolt import BoltContext
    from slack_sdk import WebClient
    from sqlalchemy.engine import Engine

    from bot.stories.service import StoryService
    from knowledge.chat_model import ChatModel
    from knowledge.knowledge_base import KnowledgeBase
    from metrics.alerts.rules import RuleBook
    from metrics.kpi_service import KpiService

CONTEXT_KEY = "journeybot_services"
_registry: dict[str, Services] = {}
T = TypeVar("T")


class Services:
    def __init__(self, settings: Settings, **prebuilt: Any) -> None:  # noqa: ANN401
        """`prebuilt` replaces a service by name (`slack_client=…`, `knowledge_base=…`):
        for tests, and for the app a caller already has a client for."""
        self.settings = settings
        self.key = uuid.uuid4().hex
        self.kpi_access = KpiAccess(settings.kpi_allowed_users, settings.kpi_allowed_usergroups)
        #: Which language each Slack user reads (their locale, cached).
        self.readers = ReaderLanguages()
        self._built: dict[str, Any] = dict(prebuilt)
        self._locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()
        _registry[self.key] = self

    @classmethod
    def from_settings(cls, settings: Settings, **prebuilt: Any) -> Services:  # noqa: ANN401
        return cls(settings, **prebuilt)

    def _once(self, name: str, build: Callable[[], T]) -> T:
        """`build()` on the first call that succeeds; the same object ever after. One lock per
        service: a slow index load does not hold up the database."""
        if name in self._built:
            return self._built[name]
        with self._locks_lock:
            lock = self._locks.setdefault(name, threading.Lock())
        with lock:
            if name not in self._built:
                self._built[name] = build()
            return self._built[name]

    def engine(self) -> Engine:
        """The migrated metrics engine (raises DatabaseUnavailable, and tries again next time)."""
        from metrics.db import connect

        return self._once("engine", lambda: connect(self.settings.metrics_database_url))

    def llm(self) -> ChatModel | None:
        """The LLM_MODEL chat model, or None without one; answers and stories share it.
        Raises LlmUnavailable (one sentence: unknown provider, missing package or API key)."""
        s = self.settings
        if not s.llm_model:
            return None

        def build() -> ChatModel:
            from knowledge.chat_model import ChatModel

            return ChatModel(s.llm_model, s.llm_timeout_seconds)

        return self._once("chat_model", build)

    def knowledge_base(self) -> KnowledgeBase:
        """Opened on first use: the index loads once per process, not per question."""

        def build() -> KnowledgeBase:
            from knowledge.knowledge_base import KnowledgeBase
            from knowledge.parse_workers import FileBudget

            s = self.settings
            return KnowledgeBase(
                s.index_path,
                chroma_host=s.chroma_host,
                chroma_port=s.chroma_port,
                embedding_model=s.embedding_model,
                llm_model=s.llm_model,
                llm_timeout_seconds=s.llm_timeout_seconds,
                max_question_chars=s.max_question_chars,
                chat_model=self.llm,
                file_budget=FileBudget(
                    max_bytes=round(s.ingest_max_file_mb * 1_000_000),
                    max_seconds=s.ingest_max_file_seconds,
                ),
                lock_wait_seconds=s.ingest_lock_wait_seconds,
                source_urls=s.source_url_map,
            )

        return self._once("knowledge_base", build)

    def kpis(self) -> KpiService:
        """KPIs with the KPI_* settings bound; callers pass only what the user asked."""

        def build() -> KpiService:
            from metrics.kpi_service import KpiService

            s = self.settings
            return KpiService(
                self.engine,
                default_period=s.kpi_default_period,
                timezone=s.kpi_timezone,
                min_sample=s.kpi_min_sample,
                currency=s.kpi_currency,
                gross_margin=s.kpi_gross_margin,
                discount_rate=s.kpi_discount_rate,
                targets=lambda: self.rule_book().targets,
            )

        return self._once("kpis", build)

    def rule_book(self) -> RuleBook:
        """KPI targets and alert rules: ALERT_RULES_FILE (checked with the settings), else the
        shipped metrics/targets.yaml."""
        from metrics.alerts.rules_file import load_rule_book

        return self._once("rule_book", lambda: load_rule_book(self.settings.alert_rules_file))

    def stories(self) -> StoryService:
        """Story preview, share and weekly post with the STORY_* settings bound."""

        def build() -> StoryService:
            from bot.stories.service import StoryService

            s = self.settings
            return StoryService(
                self.engine,
                allow_repeats=s.story_allow_repeats,
                chat_model=self.llm,
                timezone=s.story_tz,
            )

        return self._once("stories", build)

    def slack_client(self) -> WebClient:
        """The one WebClient (SLACK_BOT_TOKEN, SLACK_API_URL, retries)."""
        from bot.slack.client import make_client

        return self._once("slack_client", lambda: make_client(self.settings))

    def close(self) -> None:
        """Releases the database pool; for a CLI run that is over (the app lives on)."""
        engine = self._built.pop("engine", None)
        if engine is not None:
            engine.dispose()
        _registry.pop(self.key, None)


def of(context: BoltContext) -> Services:
    """The services of the app that received this request."""
    return _registry[context[CONTEXT_KEY]]
