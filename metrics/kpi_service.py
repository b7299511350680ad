"""KPIs as a caller sees them: ask with a KpiQuery, get a KpiResult.

The parameters a person never types (time zone, minimum sample, currency, the CLV money
settings, the default period) are given once, to the constructor, by the composition root
(bot/services.py); Slack, the CLI and the App Home only say which KPI they want.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from metrics.kpi_query import KpiQuery
from metrics.kpis import compute_kpi
from metrics.models import KpiDefinition, KpiResult
from metrics.periods import period_expression
from metrics.registry import list_kpis

if TYPE_CHECKING:
    from metrics.why import WhyResult


class KpiService:
    def __init__(
        self,
        engine: Callable[[], Engine],
        *,
        default_period: str = "30d",
        timezone: str = "UTC",
        min_sample: int = 30,
        currency: str = "DKK",
        gross_margin: float = 0.30,
        discount_rate: float = 0.10,
        targets: Callable[[], Mapping[str, float]] = dict,
    ) -> None:
        """`engine` is called when a KPI is computed, so listing KPIs needs no database;
        `targets` when a result is made (the rules file's, read once by the caller)."""
        self._engine = engine
        self._targets = targets
        self.default_period = default_period
        self.timezone = timezone
        self.min_sample = min_sample
        self.currency = currency
        self.gross_margin = gross_margin
        self.discount_rate = discount_rate

    def definitions(self) -> list[KpiDefinition]:
        """Every KPI that can be asked for, in the configured currency."""
        return list_kpis(self.currency)

    def compute(self, query: KpiQuery, *, now: datetime | None = None) -> KpiResult:
        """Raises UnknownKpi, BadPeriod, BadSegment, NoData and DatabaseUnavailable."""
        result = compute_kpi(
            self._engine(),
            query.name,
            self.period(query),
            segments=query.segments or None,
            by=query.by,
            timezone=self.timezone,
            min_sample=self.min_sample,
            now=now,
            currency=self.currency,
            gross_margin=self.gross_margin,
            discount_rate=self.discount_rate,
            raw=query.raw,
        )
        return result.model_copy(update={"target": self.target(result.kpi)})

    def target(self, name: str) -> float | None:
        """The KPI's target (by its own name, not an alias), or None."""
        return self._targets().get(name)

    def period(self, query: KpiQuery) -> str:
        """The period text compute_kpi takes, with the query's comparison: `ytd compare=yoy`."""
        return period_expression(query.period or self.default_period, query.compare)

    def explain(self, query: KpiQuery, *, now: datetime | None = None) -> WhyResult:
        """`why`: the query's change split by segment and country into mix and rate.
        Raises WhyUnavailable and what compute raises."""
        from metrics.why import explain_change

        return explain_change(self, query, now=now)
