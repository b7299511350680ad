"""Why did a KPI move? The change from the comparison period to the current one, split per
group (segment, country) into **mix** (the group's share of the denominator moved) and
**rate** (the value within the group moved): the shift-share decomposition.

For a KPI that is a weighted mean of its groups, V = Σ w_g·v_g (w_g the group's share of
responses, customers, orders…), with midpoint weights w̄ = (w0 + w1)/2 and v̄ = (v0 + v1)/2:

    ΔV = Σ Δw_g·v̄_g + Σ w̄_g·Δv_g            (exact: no interaction term is left over)

Choices, written down:
- A group's mix term is Δw_g·(v̄_g − V̄), V̄ the midpoint of the overall values. Σ Δw_g = 0,
  so the sum is the formula's Σ Δw_g·v̄_g exactly, and each group's term says what its growth
  did to the KPI: a group growing while above average pulls it up, below average pulls it down
  (uncentred, every growing group would look like it pushed the KPI up).
- A group present in only one period takes, for its missing side, the KPI's overall value
  of that side (and weight 0). Its rate term then says how it differs from the KPI where it
  was absent; the decomposition stays exact.
- Rows in no group (never, while every fact row has a customer) are `unexplained`, so the
  lines always add up to the total change.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from metrics.errors import NoData, WhyUnavailable
from metrics.kpi_query import KpiQuery
from metrics.models import KpiResult, Period
from metrics.periods import resolve_period
from metrics.registry import get_kpi

#: KPIs that are a weighted mean of their groups, and what weighs a group: `n` (responses,
#: customers active at start, sessions, orders, ordering customers) or its revenue.
WEIGHTED_MEANS: dict[str, Literal["n", "revenue"]] = {
    "nps": "n",
    "csat": "n",
    "churn_rate": "n",
    "retention_rate": "n",
    "checkout_completion": "n",
    "aov": "n",
    "purchase_frequency": "n",
    "revenue_share_existing": "revenue",
}
GROUPINGS = ("segment", "country")

if TYPE_CHECKING:
    from metrics.kpi_service import KpiService
Presence = Literal["both", "new", "gone"]


class GroupValue(BaseModel):
    """One group in one period: its weight (unnormalised), its KPI value and sample size."""

    key: str
    weight: float
    value: float
    n: int


class Contribution(BaseModel):
    """One group's part of the change; `mix + rate == total`."""

    key: str
    mix: float
    rate: float
    total: float
    share_before: float
    share_after: float
    value_before: float | None
    value_after: float | None
    n_before: int
    n_after: int
    presence: Presence
    low_sample: bool


class Decomposition(BaseModel):
    """The change split by one attribute; contributions largest first. Σ totals +
    `unexplained` == `change`."""

    by: str
    change: float
    mix: float
    rate: float
    unexplained: float
    contributions: list[Contribution]


class WhyResult(BaseModel):
    kpi: str
    title: str
    unit: str
    period: Period
    previous_period: Period
    value: float
    previous: float
    change: float
    min_sample: int
    decompositions: list[Decomposition]


def shift_share(
    before: list[GroupValue],
    after: list[GroupValue],
    *,
    overall_before: float,
    overall_after: float,
    by: str = "group",
    min_sample: int = 30,
) -> Decomposition:
    """The midpoint shift-share decomposition of overall_after − overall_before (see the
    module docstring for the choices). Groups with no weight in both periods are ignored."""
    old = {g.key: g for g in before if g.weight > 0}
    new = {g.key: g for g in after if g.weight > 0}
    total_old = sum(g.weight for g in old.values())
    total_new = sum(g.weight for g in new.values())
    explained_old = sum(g.weight * g.value for g in old.values()) / total_old if old else 0.0
    explained_new = sum(g.weight * g.value for g in new.values()) / total_new if new else 0.0
    centre = (explained_old + explained_new) / 2
    contributions = []
    for key in sorted(old.keys() | new.keys()):
        g0, g1 = old.get(key), new.get(key)
        w0 = g0.weight / total_old if g0 else 0.0
        w1 = g1.weight / total_new if g1 else 0.0
        v0 = g0.value if g0 else overall_before
        v1 = g1.value if g1 else overall_after
        mix = (w1 - w0) * ((v0 + v1) / 2 - centre)
        rate = (w0 + w1) / 2 * (v1 - v0)
        n0, n1 = (g0.n if g0 else 0), (g1.n if g1 else 0)
        contributions.append(
            Contribution(
                key=key,
                mix=mix,
                rate=rate,
                total=mix + rate,
                share_before=w0,
                share_after=w1,
                value_before=g0.value if g0 else None,
                value_after=g1.value if g1 else None,
                n_before=n0,
                n_after=n1,
                presence="both" if g0 and g1 else ("new" if g1 else "gone"),
                low_sample=any(g is not None and g.n < min_sample for g in (g0, g1)),
            )
        )
    contributions.sort(key=lambda c: (-abs(c.total), c.key))
    change = overall_after - overall_before
    explained = sum(c.total for c in contributions)
    return Decomposition(
        by=by,
        change=change,
        mix=sum(c.mix for c in contributions),
        rate=sum(c.rate for c in contributions),
        unexplained=change - explained,
        contributions=contributions,
    )


def _groups(result: KpiResult, revenue: KpiResult | None) -> list[GroupValue]:
    """The breakdown rows as weighted groups; revenue weights come from the AOV breakdown
    (mean order amount × orders = the group's revenue)."""
    amounts = {
        row.key: row.value * row.n for row in (revenue.breakdown if revenue else []) if row.value
    }
    return [
        GroupValue(
            key=row.key,
            weight=amounts.get(row.key, 0.0) if revenue is not None else float(row.n),
            value=row.value,
            n=row.n,
        )
        for row in result.breakdown
        if row.value is not None and row.n > 0
    ]


def explain_change(kpis: KpiService, query: KpiQuery, *, now: datetime | None = None) -> WhyResult:
    """The KPI's change over its comparison (`query.compare`, else the period's own),
    decomposed by segment and by country, from breakdowns of both periods that `kpis`
    computes: the time zone, minimum sample and money settings come from it, not the caller.

    Raises WhyUnavailable (not a weighted mean; nothing to compare with) and what
    KpiService.compute raises."""
    name = query.name
    segments = query.segments
    min_sample = kpis.min_sample
    period = kpis.period(query)
    definition = get_kpi(name, kpis.currency)
    weighting = WEIGHTED_MEANS.get(definition.name)
    if weighting is None:
        raise WhyUnavailable(
            f"Why is not available for {definition.title}: it is not an average over "
            "customers, so its change does not split into segment mix and rate.",
            code="why_not_an_average",
            kpi=definition.name,
        )
    moment = now or datetime.now(UTC)
    resolved = resolve_period(period, timezone=kpis.timezone, now=moment)
    previous_query = resolved.previous_query
    assert previous_query is not None  # resolve_period always sets it
    nothing = WhyUnavailable(
        f"Nothing to explain: there is no data for the {resolved.current.comparison}.",
        code="why_nothing_to_compare",
        compared_with=resolved.current.compared_with or "previous",
        previous=resolved.current.previous_label or "",
    )

    def fetch(kpi: str, text: str, at: datetime, by: str) -> KpiResult:
        asked = KpiQuery(name=kpi, period=text, segments=segments, by=by, raw=query.raw)
        return kpis.compute(asked, now=at)

    filtered = {k.strip().lower() for k in (segments or {})}
    groupings = [by for by in GROUPINGS if by not in filtered]  # a filtered key is one group
    if not groupings:
        raise WhyUnavailable(
            "Why splits a KPI by segment and by country; with both filtered there is one "
            "group only, so drop a filter to see what moved.",
            code="why_one_group",
        )
    decompositions: list[Decomposition] = []
    for by in groupings:
        current = fetch(name, period, moment, by)
        if current.previous is None:
            raise nothing
        try:
            previous = fetch(name, previous_query.text, previous_query.now, by)
        except NoData as error:
            raise nothing from error
        revenue_now = revenue_before = None
        if weighting == "revenue":
            revenue_now = fetch("aov", period, moment, by)
            revenue_before = fetch("aov", previous_query.text, previous_query.now, by)
        decompositions.append(
            shift_share(
                _groups(previous, revenue_before),
                _groups(current, revenue_now),
                overall_before=current.previous,
                overall_after=current.value,
                by=by,
                min_sample=min_sample,
            )
        )
    return WhyResult(
        kpi=current.kpi,
        title=current.title,
        unit=current.unit,
        period=current.period,
        previous_period=resolved.previous,
        value=current.value,
        previous=current.previous,
        change=current.value - current.previous,
        min_sample=min_sample,
        decompositions=decompositions,
    )
