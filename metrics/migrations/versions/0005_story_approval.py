"""stories.approval, decided_by, decided_at: stories added in Slack can wait for approval.

Rows already there were imported or added before approvals existed and could be posted, so
they are approved (the server default). Going back, the old schema cannot say "waiting" or
"rejected": those stories lose their consent flag instead, which is what keeps the old code
from posting them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 15:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KNOWN = "approval IN ('pending', 'approved', 'rejected')"


def upgrade() -> None:
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("approval", sa.String(length=10), server_default="approved", nullable=False)
        )
        batch_op.add_column(sa.Column("decided_by", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(op.f("ck_stories_approval_known"), KNOWN)


def downgrade() -> None:
    stories = sa.table("stories", sa.column("consent", sa.Boolean), sa.column("approval"))
    op.execute(stories.update().where(stories.c.approval != "approved").values(consent=False))
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_stories_approval_known"), type_="check")
        batch_op.drop_column("decided_at")
        batch_op.drop_column("decided_by")
        batch_op.drop_column("approval")
