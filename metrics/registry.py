"""The KPI catalogue: declarative definitions, separate from the engine (metrics.kpis)
that turns them into SQL. Adding a KPI with an existing measure is one entry here."""

from __future__ import annotations

from metrics.errors import UnknownKpi
from metrics.models import KpiDefinition

_DEFINITIONS = (
    KpiDefinition(
        name="nps",
        title="Net Promoter Score",
        description="Promoters (9–10) minus detractors (0–6), as % of NPS responses in the period.",
        formula="% responses scoring 9–10 − % scoring 0–6 (−100…100)",
        unit="points",
        polarity="higher_is_better",
        table="nps_responses",
        time_column="responded_at",
        measure="nps",
        sample_unit="NPS responses",
    ),
    KpiDefinition(
        name="csat",
        title="Customer satisfaction (CSAT)",
        description="Share of CSAT responses in the period scoring 4 or 5 on a 1–5 scale.",
        formula="responses scoring 4–5 ÷ all responses × 100",
        unit="%",
        polarity="higher_is_better",
        table="csat_responses",
        time_column="responded_at",
        measure="share_csat",
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
        table="customers",
        time_column="churned_at",
        measure="churn",
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
        table="customers",
        time_column="churned_at",
        measure="retention",
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
        table="tickets",
        time_column="resolved_at",
        measure="resolution_hours",
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
        table="orders",
        time_column="ordered_at",
        measure="revenue_share_existing",
        sample_unit="orders",
    ),
    KpiDefinition(
        name="checkout_completion",
        title="Checkout completion",
        description="Of the checkout sessions started in the period, the share completed.",
        formula="sessions with completed_at ÷ sessions started × 100",
        unit="%",
        polarity="higher_is_better",
        table="checkout_sessions",
        time_column="started_at",
        measure="share_completed",
        sample_unit="checkout sessions",
    ),
    KpiDefinition(
        name="aov",
        title="Average order value",
        description="Mean amount of the orders placed in the period.",
        formula="sum(order amount) ÷ number of orders",
        unit="{currency}",
        polarity="higher_is_better",
        table="orders",
        time_column="ordered_at",
        measure="mean_amount",
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
        table="orders",
        time_column="ordered_at",
        measure="clv",
        sample_unit="active customers",
    ),
    KpiDefinition(
        name="purchase_frequency",
        title="Purchase frequency",
        description="Orders placed in the period per distinct customer who ordered in it.",
        formula="orders ÷ distinct ordering customers",
        unit="orders per customer",
        polarity="higher_is_better",
        table="orders",
        time_column="ordered_at",
        measure="orders_per_customer",
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
        raise UnknownKpi(f"There is no KPI called {name!r}; choose one of {known}.")
    return _with_currency(_BY_NAME[key], currency)


def _with_currency(definition: KpiDefinition, currency: str) -> KpiDefinition:
    if definition.unit != "{currency}":
        return definition
    return definition.model_copy(update={"unit": currency})
