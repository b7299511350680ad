"""The weekly KPI digest as data: the headline KPIs for one ISO week against the week before,
and why the one that moved most moved.

"Moved most" compares KPIs of different units, so a move is measured on a common footing:
percentage points for % KPIs and points for NPS (both already read as "points"), and the
percent change for the others (DKK, hours, orders), so a 5 % rise in order value weighs like
5 points of NPS. Only KPIs whose change splits into mix and rate (metrics.why) compete, and a
KPI with a small sample competes only when every other one has a small sample too: the why
line should explain a real move, not noise.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from metrics.errors import MetricsError, NoData
from metrics.kpi_query import KpiQuery
from metrics.kpi_service import KpiService
from metrics.models import KpiResult
from metrics.periods import resolve_period
from metrics.why import WEIGHTED_MEANS, WhyResult

POINT_UNITS = {"%", "percent", "points"}


class DigestLine(BaseModel):
    """One headline KPI: its result for the week, or the sentence saying why there is none."""

    kpi: str
    result: KpiResult | None = None
    detail: str = ""


class Digest(BaseModel):
    week: str  # the ISO week reported on, e.g. 2026-W48
    previous_week: str  # the week it is compared with, e.g. 2026-W47
    lines: list[DigestLine]
    mover: str | None = None  # the KPI that moved most (of those why can split)
    why: WhyResult | None = None
    why_detail: str = ""  # why there is no why line, as one sentence

    @property
    def results(self) -> list[KpiResult]:
        return [line.result for line in self.lines if line.result is not None]


def last_complete_week(timezone: str, now: datetime | None = None) -> str:
    """The ISO week before the one `now` is in (in `timezone`): on a Monday, last week."""
    local = (now or datetime.now(UTC)).astimezone(ZoneInfo(timezone)) - timedelta(days=7)
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def movement(result: KpiResult) -> float:
    """How far the KPI moved, in points (see the module docstring); 0 without a comparison."""
    if result.delta is None or result.previous is None:
        return 0.0
    if result.unit in POINT_UNITS:
        return abs(result.delta)
    return abs(result.delta) / abs(result.previous) * 100 if result.previous else 0.0


def biggest_mover(results: Sequence[KpiResult]) -> KpiResult | None:
    """The result that moved most among those why can split; None when none moved."""
    candidates = [r for r in results if r.kpi in WEIGHTED_MEANS and movement(r) > 0]
    solid = [r for r in candidates if not r.low_sample] or candidates
    return max(solid, key=movement, default=None)


def build_digest(
    kpis: KpiService, names: Sequence[str], week: str, *, now: datetime | None = None
) -> Digest:
    """The digest of `week` (an ISO week such as 2026-W48) for the KPIs `names`, in order.
    Raises BadPeriod for a week that does not exist and DatabaseUnavailable; a KPI without
    data for the week is a line that says so."""
    previous = resolve_period(week, timezone=kpis.timezone, now=now).previous.label
    lines = []
    for name in names:
        try:
            result = kpis.compute(KpiQuery(name=name, period=week), now=now)
        except NoData as error:
            lines.append(DigestLine(kpi=name, detail=str(error)))
            continue
        lines.append(DigestLine(kpi=result.kpi, result=result))
    digest = Digest(week=week, previous_week=previous, lines=lines)
    mover = biggest_mover(digest.results)
    if mover is None:
        return digest.model_copy(
            update={"why_detail": "No KPI moved against the week before, so there is no why."}
        )
    try:
        why = kpis.explain(KpiQuery(name=mover.kpi, period=week), now=now)
    except MetricsError as error:
        return digest.model_copy(update={"mover": mover.kpi, "why_detail": str(error)})
    return digest.model_copy(update={"mover": mover.kpi, "why": why})
