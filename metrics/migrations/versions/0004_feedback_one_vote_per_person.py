"""One 👍/👎 per person and answer: a vote points at the answer it rates, and may carry a comment.

Before, every click added a row, so one person clicking 👎 three times counted three times.
Upgrading links each existing vote to the answer row it was copied from (same question,
answer, channel and thread; the latest such answer before the vote), keeps only the newest
vote per person and answer (what a second click now does), then adds the unique key. Votes
that match no answer row keep a NULL answer_id and stay in the export.

Downgrading drops the link and the comments; the votes themselves stay.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LINK_VOTES = """
UPDATE answer_feedback SET answer_id = (
    SELECT max(logged.id) FROM answer_feedback AS logged
    WHERE logged.rating = 0
      AND logged.id < answer_feedback.id
      AND logged.question = answer_feedback.question
      AND logged.answer = answer_feedback.answer
      AND (logged.channel = answer_feedback.channel
           OR (logged.channel IS NULL AND answer_feedback.channel IS NULL))
      AND (logged.thread_ts = answer_feedback.thread_ts
           OR (logged.thread_ts IS NULL AND answer_feedback.thread_ts IS NULL))
)
WHERE rating <> 0
"""
_KEEP_NEWEST_VOTE = """
DELETE FROM answer_feedback
WHERE answer_id IS NOT NULL
  AND id < (
    SELECT max(newer.id) FROM answer_feedback AS newer
    WHERE newer.answer_id = answer_feedback.answer_id
      AND newer.user_id = answer_feedback.user_id
  )
"""


def upgrade() -> None:
    with op.batch_alter_table("answer_feedback", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answer_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("comment", sa.Text(), nullable=True))
    op.execute(_LINK_VOTES)
    op.execute(_KEEP_NEWEST_VOTE)
    with op.batch_alter_table("answer_feedback", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_answer_feedback_answer_id_user_id"), ["answer_id", "user_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("answer_feedback", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_answer_feedback_answer_id_user_id"), type_="unique")
        batch_op.drop_column("comment")
        batch_op.drop_column("answer_id")
