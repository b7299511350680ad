"""story_posts.iso_week holds `manual:<message ts>` for `/story share` posts, not only ISO weeks.

A shared story is recorded like a weekly one so neither the weekly job nor a later share posts
it again; its key must not collide with a week, and `manual:1700000000.000100` needs more
than the 8 characters of `2026-W48`.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("story_posts", schema=None) as batch_op:
        batch_op.alter_column(
            "iso_week",
            existing_type=sa.String(length=8),
            type_=sa.String(length=40),
            existing_nullable=False,
        )


def downgrade() -> None:
    # Shared posts do not fit the old column; dropping them only allows repeats again.
    op.execute("DELETE FROM story_posts WHERE iso_week LIKE 'manual:%'")
    with op.batch_alter_table("story_posts", schema=None) as batch_op:
        batch_op.alter_column(
            "iso_week",
            existing_type=sa.String(length=40),
            type_=sa.String(length=8),
            existing_nullable=False,
        )
