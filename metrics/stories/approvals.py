"""Approving stories added in Slack: a story waits (`pending`) until one approver decides.

The decision is one conditional UPDATE (`WHERE approval = 'pending'`), so of two approvers
clicking at once, or one clicking twice, exactly one decides; every later click finds the
decision already made and changes nothing. Who decided and when is kept on the story.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from metrics.schema import stories

Approval = Literal["pending", "approved", "rejected"]
PENDING: Approval = "pending"
APPROVED: Approval = "approved"
REJECTED: Approval = "rejected"


class StoryDecision(BaseModel):
    """Where a story stands after a click, and whether this click is what decided it."""

    story_id: str
    title: str
    approval: Approval
    decided_by: str | None = None
    decided_at: datetime | None = None
    decided_now: bool = False


def decide(
    engine: Engine,
    story_id: str,
    *,
    approve: bool,
    decided_by: str,
    now: datetime | None = None,
) -> StoryDecision | None:
    """Approves or rejects a pending story; a story decided before stays as it was (the
    answer says by whom). None if there is no such story."""
    with engine.begin() as conn:
        changed = conn.execute(
            update(stories)
            .where(stories.c.story_id == story_id, stories.c.approval == PENDING)
            .values(
                approval=APPROVED if approve else REJECTED,
                decided_by=decided_by,
                decided_at=now or datetime.now(UTC),
            )
        ).rowcount
        row = conn.execute(
            select(
                stories.c.story_id,
                stories.c.title,
                stories.c.approval,
                stories.c.decided_by,
                stories.c.decided_at,
            ).where(stories.c.story_id == story_id)
        ).first()
    if row is None:
        return None
    return StoryDecision.model_validate({**row._mapping, "decided_now": changed == 1})
