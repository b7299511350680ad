"""One alert rule checked against the live figure: breached, ok, or no data to say.

The figure comes from the KPI service (metrics/kpi_service.py), so a rule sees exactly what
`/kpi` shows for the same KPI, period and filters: the same time zone, rollups and minimum
sample. No data is not "ok": a rule with nothing to judge keeps its state (an empty month
does not end a breach, and does not start one).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from metrics.alerts.rules import AlertRule
from metrics.errors import NoData
from metrics.kpi_service import KpiService
from metrics.models import KpiResult

Verdict = Literal["breached", "ok", "no_data"]


class Evaluation(BaseModel):
    """A rule's verdict now, with the figure it was judged on (None when there was none)."""

    rule: AlertRule
    verdict: Verdict
    result: KpiResult | None = None
    detail: str = ""  # why there is no verdict, as one sentence

    @property
    def breached(self) -> bool:
        return self.verdict == "breached"


def evaluate(rule: AlertRule, kpis: KpiService, *, now: datetime | None = None) -> Evaluation:
    """The rule's verdict. Raises DatabaseUnavailable (and other MetricsErrors the rules file
    could not rule out); NoData is a verdict, not an error."""
    try:
        result = kpis.compute(rule.query(), now=now)
    except NoData as error:
        return Evaluation(rule=rule, verdict="no_data", detail=str(error))
    holds = rule.condition.holds(result.value, result.delta)
    if holds is None:
        return Evaluation(
            rule=rule,
            verdict="no_data",
            result=result,
            detail=f"There is no figure for the {result.period.comparison or 'period before'} "
            "to measure the change against.",
        )
    return Evaluation(rule=rule, verdict="breached" if holds else "ok", result=result)
