"""csat_responses.comment and consent_to_share: a CSAT survey's free text, and whether the
customer allowed it to be quoted, as nps_responses has them.

Comment themes (`/kpi csat why`) count what unsatisfied and satisfied customers write; a quote
needs that very response's consent, so the flag sits beside the text it covers (default no:
rows imported before this had no text to share).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("csat_responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("comment", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("consent_to_share", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("csat_responses", schema=None) as batch_op:
        batch_op.drop_column("consent_to_share")
        batch_op.drop_column("comment")
