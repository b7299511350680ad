"""The KPI catalogue: each entry says what it means and what it measures (metrics.measures:
aggregates over a table's rows in the period and the arithmetic on them). The engine
(metrics.kpis, metrics.planner) knows nothing about a particular KPI, so adding a KPI built
from known kinds of aggregate is one entry here."""

from __future__ import annotations

from metrics.errors import UnknownKpi
from metrics.measures import Aggregate, Measure, Where
from metrics.models import KpiDefinition


def _count(table: str, name: str = "n", *where: Where) -> Aggregate:
    return Aggregate(name=name, table=table, agg="count", where=list(where))


def _share(table: str, *where: Where) -> Measure:
    """% of the period's rows meeting the conditions."""
    return Measure(
        aggregates=[_count(table), _count(table, "hits", *where)], value="100 * hits / n", n="n"
    )


def _cohort(name: str, kind: str) -> Aggregate:
    return Aggregate(name=name, table="customers", agg="cohort", cohort=kind)


_CHURN = [_cohort("at_start", "active_at_start"), _cohort("churned", "churned_during")]
_REVENUE = Aggregate(name="total", table="orders", agg="sum", column="amount")

_DEFINITIONS = (
    KpiDefinition(
        name="nps",
        title="Net Promoter Score",
        description="Promoters (9–10) minus detractors (0–6), as % of NPS responses in the period.",
        formula="% responses scoring 9–10 − % scoring 0–6 (−100…100)",
        unit="points",
        polarity="higher_is_better",
        measure=Measure(
            aggregates=[
                _count("nps_responses"),
                _count("nps_responses", "promoters", Where(dimension="score", op=">=", value=9)),
                _count("nps_responses", "detractors", Where(dimension="score", op="<=", value=6)),
            ],
            terms={
                "promoters_pct": "100 * promoters / n",
                "detractors_pct": "100 * detractors / n",
            },
            value="promoters_pct - detractors_pct",
            n="n",
            extra={"promoters_pct": "promoters_pct", "detractors_pct": "detractors_pct"},
        ),
        sample_unit="NPS responses",
    ),
    KpiDefinition(
        name="csat",
        title="Customer satisfaction (CSAT)",
        description="Share of CSAT responses in the period scoring 4 or 5 on a 1–5 scale.",
        formula="responses scoring 4–5 ÷ all responses × 100",
        unit="%",
        polarity="higher_is_better",
        measure=_share("csat_responses", Where(dimension="score", op=">=", value=4)),
        sample_unit="CSAT responses",
    ),
    KpiDefinition(
        name="churn_rate",
        title="Churn rate",
        description=(
            "Of the customers active at the period's start, the share who churned during it; "
            "customers acquired during the period are not counted."
        ),
        formula="customers active at start who churned before the end ÷ customers active at start × 100",
        unit="%",
        polarity="lower_is_better",
        measure=Measure(
            aggregates=_CHURN, value="100 * churned / at_start", n="at_start", no_data="cohort"
        ),
        sample_unit="customers active at start",
        aliases=["churn"],
    ),
    KpiDefinition(
        name="retention_rate",
        title="Retention rate",
        description="Of the customers active at the period's start, the share still active at its end.",
        formula="((E − N) ÷ S) × 100 = 100 − churn_rate",
        unit="%",
        polarity="higher_is_better",
        measure=Measure(
            aggregates=_CHURN,
            value="100 - 100 * churned / at_start",
            n="at_start",
            no_data="cohort",
        ),
        sample_unit="customers active at start",
        aliases=["retention"],
    ),
    KpiDefinition(
        name="time_to_resolution",
        title="Time to resolution",
        description="Median hours from a ticket being opened to resolved, over tickets resolved in the period (p90 alongside).",
        formula="median(resolved_at − opened_at) in hours; p90 in extra",
        unit="hours",
        polarity="lower_is_better",
        measure=Measure(
            aggregates=[
                _count("tickets"),
                Aggregate(
                    name="median", table="tickets", agg="percentile", p=0.5, hours_since="opened_at"
                ),
                Aggregate(
                    name="p90", table="tickets", agg="percentile", p=0.9, hours_since="opened_at"
                ),
            ],
            value="median",
            n="n",
            extra={"p90": "p90"},
        ),
        sample_unit="tickets resolved",
        aliases=["ttr"],
    ),
    KpiDefinition(
        name="revenue_share_existing",
        title="Revenue share from existing customers",
        description="Share of the period's order revenue from customers who signed up before the period started.",
        formula="revenue from customers signed up before the start ÷ all revenue × 100",
        unit="%",
        polarity="higher_is_better",
        measure=Measure(
            aggregates=[
                _count("orders"),
                _REVENUE,
                _REVENUE.model_copy(update={"name": "existing", "existing_customers": True}),
            ],
            value="100 * existing / total",
            n="n",
        ),
        sample_unit="orders",
    ),
    KpiDefinition(
        name="checkout_completion",
        title="Checkout completion",
        description="Of the checkout sessions started in the period, the share completed.",
        formula="sessions with completed_at ÷ sessions started × 100",
        unit="%",
        polarity="higher_is_better",
        measure=_share("checkout_sessions", Where(dimension="completed", op="==", value=True)),
        sample_unit="checkout sessions",
    ),
    KpiDefinition(
        name="aov",
        title="Average order value",
        description="Mean amount of the orders placed in the period.",
        formula="sum(order amount) ÷ number of orders",
        unit="{currency}",
        polarity="higher_is_better",
        measure=Measure(aggregates=[_count("orders"), _REVENUE], value="total / n", n="n"),
        sample_unit="orders",
    ),
    KpiDefinition(
        name="clv",
        title="Customer lifetime value",
        description=(
            "Expected margin a customer brings over their lifetime (Fader & Hardie m·r/(1+d−r)), "
            "from the period's revenue per active customer and churn."
        ),
        formula=(
            "m·r/(1+d−r); m = revenue ÷ active customers × 365/days × gross margin, "
            "r = (1 − churn_rate/100)^(365/days), d = annual discount rate"
        ),
        unit="{currency}",
        polarity="higher_is_better",
        measure=Measure(
            aggregates=[
                *_CHURN,
                _cohort("active", "active_during"),
                _REVENUE.model_copy(update={"name": "revenue"}),
            ],
            terms={
                "per_year": "365 / positive(days)",
                "margin": "revenue / active * per_year * gross_margin",
                "retention": "(1 - churned / at_start) ** per_year",
            },
            value="margin * retention / positive(1 + discount_rate - retention)",
            n="active",
            extra={
                "annual_margin_per_customer": "margin",
                "annual_retention_pct": "retention * 100",
            },
        ),
        sample_unit="active customers",
    ),
    KpiDefinition(
        name="purchase_frequency",
        title="Purchase frequency",
        description="Orders placed in the period per distinct customer who ordered in it.",
        formula="orders ÷ distinct ordering customers",
        unit="orders per customer",
        polarity="higher_is_better",
        measure=Measure(
            aggregates=[
                _count("orders", "orders"),
                Aggregate(name="n", table="orders", agg="count_distinct", column="customer_id"),
            ],
            value="orders / n",
            n="n",
        ),
        sample_unit="ordering customers",
    ),
)

_BY_NAME = {d.name: d for d in _DEFINITIONS}
_ALIASES = {alias: d.name for d in _DEFINITIONS for alias in d.aliases}


def list_kpis(currency: str = "DKK") -> list[KpiDefinition]:
    """Every KPI, in catalogue order, with money units in `currency`."""
    return [_with_currency(d, currency) for d in _DEFINITIONS]


def get_kpi(name: str, currency: str = "DKK") -> KpiDefinition:
    """The definition for a name or alias (case-insensitive); raises UnknownKpi."""
    key = (name or "").strip().lower().replace("-", "_")
    key = _ALIASES.get(key, key)
    if key not in _BY_NAME:
        known = ", ".join(d.name for d in _DEFINITIONS)
        raise UnknownKpi(
            f"There is no KPI called {name!r}; choose one of {known}.",
            code="unknown_kpi",
            name=repr(name),
            known=known,
        )
    return _with_currency(_BY_NAME[key], currency)


def _with_currency(definition: KpiDefinition, currency: str) -> KpiDefinition:
    if definition.unit != "{currency}":
        return definition
    return definition.model_copy(update={"unit": currency})
