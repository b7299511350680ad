"""What listeners need (settings, knowledge base, metrics engine, KPI access), per app.

Bolt deep-copies the request context for lazy listeners, so live objects (database pools,
the index) cannot travel in it. The context carries only a key; the objects live here,
built once per app and shared by every listener thread.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field

from slack_bolt import BoltContext
from sqlalchemy.engine import Engine

from bot import runtime
from bot.access import KpiAccess
from bot.config import Settings
from knowledge.knowledge_base import KnowledgeBase

CONTEXT_KEY = "journeybot_services"
_registry: dict[str, Services] = {}


@dataclass
class Services:
    settings: Settings
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _knowledge_base: KnowledgeBase | None = None

    def __post_init__(self) -> None:
        self.kpi_access = KpiAccess(
            self.settings.kpi_allowed_users, self.settings.kpi_allowed_usergroups
        )
        _registry[self.key] = self

    def engine(self) -> Engine:
        """The shared, migrated metrics engine (raises DatabaseUnavailable)."""
        return runtime.metrics_engine(self.settings)

    def knowledge_base(self) -> KnowledgeBase:
        """Opened on first use: the index loads once per process, not per question."""
        with self._lock:
            if self._knowledge_base is None:
                self._knowledge_base = runtime.knowledge_base(self.settings)
            return self._knowledge_base


def of(context: BoltContext) -> Services:
    """The services of the app that received this request."""
    return _registry[context[CONTEXT_KEY]]
