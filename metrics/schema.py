"""The database schema: raw customer data the KPIs are computed from, plus the small
bookkeeping tables the bot needs to hold its promises across replicas (exactly-once story
posts, de-duplicated Slack retries, answer feedback).

One schema and one Alembic history for the whole database, so an operator migrates once.
Timestamps are stored in UTC on every backend (`UtcDateTime`) so SQLite and PostgreSQL
compare them the same way.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.expression import false
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; naive input is taken as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        # SQLite has no time zones: store naive UTC so text comparison stays chronological.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _customer_fk(nullable: bool = False) -> Column:
    return Column(
        "customer_id",
        String(64),
        ForeignKey("customers.customer_id"),
        nullable=nullable,
        index=True,
    )


customers = Table(
    "customers",
    metadata,
    Column("customer_id", String(64), primary_key=True),
    Column("name", String(200)),
    Column("segment", String(50), index=True),
    Column("country", String(2), index=True),
    Column("signed_up_at", UtcDateTime(), nullable=False, index=True),
    Column("churned_at", UtcDateTime(), index=True),
    CheckConstraint("churned_at IS NULL OR churned_at >= signed_up_at", name="churn_after_signup"),
    # A period's new customers without table lookups: churned within it, and their orders
    # (metrics.planner reads them beside the rollups; migration 0004).
    Index(
        "ix_customers_signed_up_at_covering",
        "signed_up_at",
        "churned_at",
        "customer_id",
        "segment",
        "country",
    ),
)

orders = Table(
    "orders",
    metadata,
    Column("order_id", String(64), primary_key=True),
    _customer_fk(),
    Column("ordered_at", UtcDateTime(), nullable=False),
    Column("amount", Numeric(14, 2), nullable=False),
    CheckConstraint("amount >= 0", name="amount_not_negative"),
    # Covering: a KPI over months of orders reads only this index (migration 0003).
    Index("ix_orders_ordered_at_covering", "ordered_at", "customer_id", "amount"),
    # A period's new customers' orders, for the revenue share from existing ones (0004).
    Index("ix_orders_customer_id_covering", "customer_id", "ordered_at", "amount"),
)

nps_responses = Table(
    "nps_responses",
    metadata,
    Column("response_id", String(64), primary_key=True),
    _customer_fk(),
    Column("score", SmallInteger, nullable=False),
    Column("responded_at", UtcDateTime(), nullable=False),
    Column("comment", Text),
    Column("consent_to_share", Boolean, nullable=False, default=False, server_default=false()),
    CheckConstraint("score BETWEEN 0 AND 10", name="score_0_10"),
    Index("ix_nps_responses_responded_at_covering", "responded_at", "score", "customer_id"),
)

csat_responses = Table(
    "csat_responses",
    metadata,
    Column("response_id", String(64), primary_key=True),
    _customer_fk(),
    Column("score", SmallInteger, nullable=False),
    Column("responded_at", UtcDateTime(), nullable=False),
    Column("comment", Text),  # migration 0008: comment themes read it, as for NPS
    Column("consent_to_share", Boolean, nullable=False, default=False, server_default=false()),
    CheckConstraint("score BETWEEN 1 AND 5", name="score_1_5"),
    Index("ix_csat_responses_responded_at_covering", "responded_at", "score", "customer_id"),
)

tickets = Table(
    "tickets",
    metadata,
    Column("ticket_id", String(64), primary_key=True),
    _customer_fk(),
    Column("opened_at", UtcDateTime(), nullable=False, index=True),
    Column("first_response_at", UtcDateTime()),
    Column("resolved_at", UtcDateTime(), index=True),
    Column("channel", String(30)),
    CheckConstraint("resolved_at IS NULL OR resolved_at >= opened_at", name="resolved_after_open"),
)

checkout_sessions = Table(
    "checkout_sessions",
    metadata,
    Column("session_id", String(64), primary_key=True),
    _customer_fk(),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("completed_at", UtcDateTime()),
    Index("ix_checkout_sessions_started_at_covering", "started_at", "completed_at", "customer_id"),
)

stories = Table(
    "stories",
    metadata,
    Column("story_id", String(64), primary_key=True),
    _customer_fk(nullable=True),
    Column("title", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("source", String(30), nullable=False),  # interview | nps_comment | support_case | slack
    Column("consent", Boolean, nullable=False, default=False, server_default=false()),
    Column("created_at", UtcDateTime(), nullable=False, index=True),
    # pending | approved | rejected. A story added in Slack waits for STORY_APPROVERS when that
    # is set; imported ones (an operator's act) and those from before approvals are approved.
    Column("approval", String(10), nullable=False, server_default="approved"),
    Column("decided_by", String(30)),  # the Slack user who approved or rejected it
    Column("decided_at", UtcDateTime()),
    CheckConstraint("approval IN ('pending', 'approved', 'rejected')", name="approval_known"),
)

# --- bookkeeping for the bot -------------------------------------------------------------

story_posts = Table(
    "story_posts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel", String(50), nullable=False),
    # "2026-W48" for the weekly post, "manual:<message ts>" for a `/story share`
    Column("iso_week", String(40), nullable=False),
    Column("story_key", String(100)),  # "story:<id>", "nps:<id>" or "ticket:<id>"
    Column("claimed_by", String(100), nullable=False),
    Column("claimed_at", UtcDateTime(), nullable=False),
    Column("posted_at", UtcDateTime()),
    Column("message_ts", String(30)),
    UniqueConstraint("channel", "iso_week"),
    Index("ix_story_posts_story_key", "story_key"),
)

#: Claims for posts other than the weekly story (metrics/claims.py): the KPI digest
#: (`digest:2026-W48`) and alert messages (`alert:<rule>:<episode>:breached`).
post_claims = Table(
    "post_claims",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel", String(50), nullable=False),
    Column("claim_key", String(200), nullable=False),
    Column("claimed_by", String(100), nullable=False),
    Column("claimed_at", UtcDateTime(), nullable=False),
    Column("posted_at", UtcDateTime()),
    Column("message_ts", String(30)),
    UniqueConstraint("channel", "claim_key"),
)

#: Where each alert rule stands in its channel (metrics/alerts/state.py): `ok` or `breached`,
#: and how many breaches it has had (`episode`), so a breach is announced once and its
#: recovery once, whichever replica checks.
alert_states = Table(
    "alert_states",
    metadata,
    Column("rule", String(100), primary_key=True),
    Column("channel", String(50), primary_key=True),
    Column("state", String(10), nullable=False),
    Column("episode", Integer, nullable=False),
    Column("changed_at", UtcDateTime(), nullable=False),
    Column("checked_at", UtcDateTime(), nullable=False),
    Column("value", Float),
    CheckConstraint("state IN ('ok', 'breached')", name="state_known"),
)

processed_events = Table(
    "processed_events",
    metadata,
    Column("event_id", String(100), primary_key=True),
    Column("received_at", UtcDateTime(), nullable=False, index=True),
)

answer_feedback = Table(
    "answer_feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("user_id", String(30), nullable=False),
    Column("channel", String(50)),
    Column("thread_ts", String(30)),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("sources", Text, nullable=False),  # JSON list of the cited sources
    Column("rating", SmallInteger, nullable=False),  # +1 helpful, -1 not helpful, 0 the answer
    # A vote points at the answer row it rates (NULL on answer rows); one vote per person and
    # answer, so a second click changes the vote instead of counting twice (migration 0004).
    # No declared foreign key: SQLite cannot rebuild a table that references itself while
    # foreign keys are enforced, and answer rows are never deleted.
    Column("answer_id", Integer),
    Column("comment", Text),  # what was wrong, optionally given with a 👎
    UniqueConstraint("answer_id", "user_id"),
)

# --- rollups: pre-aggregated fact rows (metrics.rollups keeps them, metrics.planner reads them)


def _rollup(name: str, *dimensions: Column, sums: tuple[str, ...] = ()) -> Table:
    """Rows of `name` summed per UTC hour (grain 'h') and per UTC day (grain 'd'), per the
    customer's current segment and country and the declared dimensions: `n` rows, and
    each money column in exact cents. No key: a range is refreshed by delete + insert."""
    columns = [
        Column("grain", String(1), nullable=False),
        Column("bucket", UtcDateTime(), nullable=False),
        Column("segment", String(50)),
        Column("country", String(2)),
        *dimensions,
        Column("n", BigInteger, nullable=False),
        *(Column(f"{column}_cents", BigInteger, nullable=False) for column in sums),
    ]
    # Covering: a KPI reads only the index (no table lookups, no parallel workers to start).
    covering = Index(f"ix_rollup_{name}_covering", *(c.name for c in columns))
    return Table(f"rollup_{name}", metadata, *columns, covering)


rollup_nps_responses = _rollup("nps_responses", Column("score", SmallInteger, nullable=False))
rollup_csat_responses = _rollup("csat_responses", Column("score", SmallInteger, nullable=False))
rollup_checkout_sessions = _rollup(
    "checkout_sessions", Column("completed", Boolean, nullable=False)
)
rollup_orders = _rollup(
    "orders", Column("before_signup", Boolean, nullable=False), sums=("amount",)
)
#: Orders placed within NEWCOMER_DAYS of their customer's sign-up, per order hour and sign-up
#: hour: "revenue from customers who signed up during the period" without reading orders.
NEWCOMER_DAYS = 94
rollup_orders_newcomers = Table(
    "rollup_orders_newcomers",
    metadata,
    Column("signed_up", UtcDateTime(), nullable=False),
    Column("bucket", UtcDateTime(), nullable=False),
    Column("segment", String(50)),
    Column("country", String(2)),
    Column("n", BigInteger, nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Index(
        "ix_rollup_orders_newcomers_covering",
        "signed_up",
        "bucket",
        "segment",
        "country",
        "n",
        "amount_cents",
    ),
    Index("ix_rollup_orders_newcomers_bucket", "bucket"),
)
rollup_signups = _rollup("signups")
rollup_churns = _rollup("churns")

#: The tables `journeybot import` accepts, in an order that respects foreign keys.
IMPORTABLE_TABLES: dict[str, Table] = {
    t.name: t
    for t in (customers, orders, nps_responses, csat_responses, tickets, checkout_sessions, stories)
}
