"""The semantic models (after dbt MetricFlow and Cube): for each table a KPI can aggregate,
the time column that puts a row in a period, the dimensions conditions may test, the money
columns sums are taken of, and the rollup that pre-aggregates it (declared beside it, as a
Cube pre-aggregation: same dimensions, plus the customer's segment and country).

A condition on a declared dimension is answered from the rollup; anything else (distinct
counts, percentiles) is computed from the raw rows of the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Table

from metrics.schema import (
    checkout_sessions,
    csat_responses,
    customers,
    nps_responses,
    orders,
    rollup_checkout_sessions,
    rollup_churns,
    rollup_csat_responses,
    rollup_nps_responses,
    rollup_orders,
    rollup_orders_newcomers,
    rollup_signups,
    tickets,
)


@dataclass(frozen=True, eq=False)
class Fact:
    """A table of events, each placed in time by `time` and owned by a customer."""

    table: Table
    time: str
    dimensions: dict[str, ColumnElement] = field(default_factory=dict)
    money: tuple[str, ...] = ()
    rollup: Table | None = None
    #: Rows within NEWCOMER_DAYS of the customer's sign-up, by row hour and sign-up hour.
    newcomers: Table | None = None

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def time_column(self) -> ColumnElement:
        return self.table.c[self.time]

    @property
    def is_customers(self) -> bool:
        """Customer events (sign-ups, churns) carry segment and country themselves."""
        return self.table is customers


FACTS: dict[str, Fact] = {
    fact.name: fact
    for fact in (
        Fact(
            nps_responses,
            "responded_at",
            {"score": nps_responses.c.score},
            rollup=rollup_nps_responses,
        ),
        Fact(
            csat_responses,
            "responded_at",
            {"score": csat_responses.c.score},
            rollup=rollup_csat_responses,
        ),
        Fact(
            checkout_sessions,
            "started_at",
            {"completed": checkout_sessions.c.completed_at.is_not(None)},
            rollup=rollup_checkout_sessions,
        ),
        Fact(
            orders,
            "ordered_at",
            # Orders placed before their customer's sign-up are never "existing customer"
            # revenue, whatever the period: the rollup keeps them apart (metrics.planner).
            {"before_signup": orders.c.ordered_at < customers.c.signed_up_at},
            money=("amount",),
            rollup=rollup_orders,
            newcomers=rollup_orders_newcomers,
        ),
        Fact(tickets, "resolved_at"),
    )
}

#: Customer cohorts from two event streams: n active at t = sign-ups before t − churns before t.
SIGNUPS = Fact(customers, "signed_up_at", rollup=rollup_signups)
CHURNS = Fact(customers, "churned_at", rollup=rollup_churns)
ROLLED_UP: tuple[Fact, ...] = (
    *(f for f in FACTS.values() if f.rollup is not None),
    SIGNUPS,
    CHURNS,
)
