"""What makes a new story acceptable, checked once for every way in (Slack modal, code).

Each problem is an `InvalidStory` that names its field, so the modal can put the sentence
under the right input. `problems` needs no database, so the modal's ack can call it; whether a
customer id exists is the database's question, asked when the story is saved
(metrics/stories/adding.py), and answered with the same kind of error.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, field_validator

from metrics.errors import MetricsError
from metrics.stories.sources import SOURCES

StoryField = Literal["title", "body", "customer_id", "source", "consent"]
MAX_TITLE_CHARS = 200
MIN_BODY_CHARS = 20


class InvalidStory(MetricsError):
    """A story to add is incomplete, lacks consent or names an unknown customer; `field`
    says which input is wrong, the message what to do about it."""

    def __init__(self, field: StoryField, message: str) -> None:
        super().__init__(message)
        self.field: StoryField = field
        self.message = message


class StoryDraft(BaseModel):
    """A story as a person typed it; text is stripped, an empty customer id is None."""

    title: str = ""
    body: str = ""
    customer_id: str | None = None
    source: str = ""
    consent: bool = False

    @field_validator("title", "body", "source", mode="before")
    @classmethod
    def _strip(cls, value: str | None) -> str:
        return (value or "").strip()

    @field_validator("customer_id", mode="before")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return (value or "").strip() or None


def problems(draft: StoryDraft) -> list[InvalidStory]:
    """Every problem of the draft that needs no database, at most one per field."""
    found: list[InvalidStory] = []
    if not draft.title:
        found.append(InvalidStory("title", "Give the story a short title."))
    elif len(draft.title) > MAX_TITLE_CHARS:
        found.append(
            InvalidStory("title", f"Keep the title to {MAX_TITLE_CHARS} characters or fewer.")
        )
    if len(draft.body) < MIN_BODY_CHARS:
        found.append(
            InvalidStory("body", f"Write the story in at least {MIN_BODY_CHARS} characters.")
        )
    if draft.source not in SOURCES:
        found.append(
            InvalidStory(
                "source", f"Choose where the story comes from: one of {', '.join(SOURCES)}."
            )
        )
    if not draft.consent:
        found.append(
            InvalidStory(
                "consent",
                "Stories are shared only with the customer's consent; get it first, "
                "then add the story.",
            )
        )
    return found


def unknown_customer(customer_id: str) -> InvalidStory:
    """The error for a customer id the database does not know."""
    return InvalidStory(
        "customer_id",
        f"No customer with id {customer_id!r}; leave it empty or use an existing id.",
    )
