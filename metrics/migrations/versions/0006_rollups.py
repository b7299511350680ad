"""Rollups: fact rows pre-aggregated per UTC hour and day, per customer segment and country,
so a KPI's cost grows with the days of its periods rather than with its rows; built here
for the data already in the database.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 15:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# rollup: (its own dimensions, its money columns)
ROLLUPS: dict[str, tuple[list[tuple[str, sa.types.TypeEngine]], list[str]]] = {
    "nps_responses": ([("score", sa.SmallInteger())], []),
    "csat_responses": ([("score", sa.SmallInteger())], []),
    "checkout_sessions": ([("completed", sa.Boolean())], []),
    "orders": ([("before_signup", sa.Boolean())], ["amount"]),
    "signups": ([], []),
    "churns": ([], []),
}


def upgrade() -> None:
    for name, (dimensions, money) in ROLLUPS.items():
        op.create_table(
            f"rollup_{name}",
            sa.Column("grain", sa.String(length=1), nullable=False),
            sa.Column("bucket", sa.DateTime(timezone=True), nullable=False),
            sa.Column("segment", sa.String(length=50), nullable=True),
            sa.Column("country", sa.String(length=2), nullable=True),
            *(sa.Column(column, kind, nullable=False) for column, kind in dimensions),
            sa.Column("n", sa.BigInteger(), nullable=False),
            *(sa.Column(f"{column}_cents", sa.BigInteger(), nullable=False) for column in money),
        )
        columns = ["grain", "bucket", "segment", "country", *(c for c, _ in dimensions), "n"]
        columns += [f"{column}_cents" for column in money]
        op.create_index(f"ix_rollup_{name}_covering", f"rollup_{name}", columns)
    op.create_table(
        "rollup_orders_newcomers",
        sa.Column("signed_up", sa.DateTime(timezone=True), nullable=False),
        sa.Column("bucket", sa.DateTime(timezone=True), nullable=False),
        sa.Column("segment", sa.String(length=50), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
    )
    op.create_index(
        "ix_rollup_orders_newcomers_covering",
        "rollup_orders_newcomers",
        ["signed_up", "bucket", "segment", "country", "n", "amount_cents"],
    )
    op.create_index("ix_rollup_orders_newcomers_bucket", "rollup_orders_newcomers", ["bucket"])
    # The orders of a period's new customers, read by customer (revenue share from existing).
    op.create_index(
        "ix_orders_customer_id_covering", "orders", ["customer_id", "ordered_at", "amount"]
    )
    op.create_index(
        "ix_customers_signed_up_at_covering",
        "customers",
        ["signed_up_at", "churned_at", "customer_id", "segment", "country"],
    )
    # Built with the current code: the rollups must equal what this version's KPIs read.
    from metrics.rollups import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_orders_customer_id_covering", table_name="orders")
    op.drop_index("ix_customers_signed_up_at_covering", table_name="customers")
    op.drop_index("ix_rollup_orders_newcomers_bucket", table_name="rollup_orders_newcomers")
    op.drop_index("ix_rollup_orders_newcomers_covering", table_name="rollup_orders_newcomers")
    op.drop_table("rollup_orders_newcomers")
    for name in ROLLUPS:
        op.drop_index(f"ix_rollup_{name}_covering", table_name=f"rollup_{name}")
        op.drop_table(f"rollup_{name}")
