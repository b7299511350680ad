"""Saving a story a person adds (the Slack modal, or code): validate, then insert.

The checks that need no database are metrics/stories/validation.py's, the same ones the
modal's ack runs; the one that does (is the customer id known?) runs here, in the
transaction that inserts, and fails with the same kind of per-field error.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from metrics.schema import customers, stories
from metrics.stories.approvals import APPROVED, Approval
from metrics.stories.validation import StoryDraft, problems, unknown_customer


def add_story(
    engine: Engine,
    *,
    title: str,
    body: str,
    source: str,
    consent: bool,
    customer_id: str | None = None,
    story_id: str | None = None,
    now: datetime | None = None,
    approval: Approval = APPROVED,
) -> str:
    """Saves a story and returns its id; raises its first InvalidStory (no consent, an empty
    field, an unknown customer) and saves nothing then. A `pending` story is not posted until
    an approver approves it."""
    draft = StoryDraft(
        title=title, body=body, source=source, consent=consent, customer_id=customer_id
    )
    found = problems(draft)
    if found:
        raise found[0]
    story_id = story_id or uuid.uuid4().hex[:16]
    with engine.begin() as conn:
        if draft.customer_id is not None and (
            conn.execute(
                select(customers.c.customer_id).where(customers.c.customer_id == draft.customer_id)
            ).first()
            is None
        ):
            raise unknown_customer(draft.customer_id)
        conn.execute(
            insert(stories).values(
                story_id=story_id,
                customer_id=draft.customer_id,
                title=draft.title,
                body=draft.body,
                source=draft.source,
                consent=True,
                created_at=now or datetime.now(UTC),
                approval=approval,
            )
        )
    return story_id
