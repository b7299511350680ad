"""Submission of the "add a customer story" modal (from `/story add` and from the "Add as
customer story" message shortcut): validate per field, save, confirm.

Validation and the insert run in the ack handler (a few milliseconds), because errors must
be returned in the ack itself (`response_action: "errors"`); success updates the modal. With
STORY_APPROVERS set, the story is saved `pending` and each approver gets a DM with the
redacted card and Approve / Reject, sent lazily after the ack (bot/story_review.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import services
from bot.story_review import ask_approvers
from bot.views.story import (
    BODY_ACTION,
    BODY_BLOCK,
    CONSENT_ACTION,
    CONSENT_BLOCK,
    CONSENT_VALUE,
    CUSTOMER_ACTION,
    CUSTOMER_BLOCK,
    SOURCE_ACTION,
    SOURCE_BLOCK,
    STORY_MODAL_CALLBACK,
    TITLE_ACTION,
    TITLE_BLOCK,
    pending_view,
    saved_view,
)
from metrics.errors import MetricsError
from metrics.stories import SOURCES, InvalidStory, add_story
from metrics.story_approvals import APPROVED, PENDING

log = logging.getLogger(__name__)
MIN_BODY_CHARS = 20
#: Where the ack handler leaves the id of a story that waits for approval, for the lazy DMs.
PENDING_STORY_KEY = "journeybot_pending_story"


@dataclass
class StoryInput:
    title: str
    body: str
    customer_id: str | None
    source: str
    consent: bool


def read_submission(values: dict) -> StoryInput:
    """The modal's state values as plain fields (missing ones empty)."""

    def field(block: str, action: str) -> dict:
        return (values.get(block) or {}).get(action) or {}

    selected = field(SOURCE_BLOCK, SOURCE_ACTION).get("selected_option") or {}
    checked = field(CONSENT_BLOCK, CONSENT_ACTION).get("selected_options") or []
    return StoryInput(
        title=(field(TITLE_BLOCK, TITLE_ACTION).get("value") or "").strip(),
        body=(field(BODY_BLOCK, BODY_ACTION).get("value") or "").strip(),
        customer_id=(field(CUSTOMER_BLOCK, CUSTOMER_ACTION).get("value") or "").strip() or None,
        source=selected.get("value", ""),
        consent=any(option.get("value") == CONSENT_VALUE for option in checked),
    )


def validation_errors(story: StoryInput) -> dict[str, str]:
    """block_id → one sentence per field that is wrong (empty dict: all good)."""
    errors: dict[str, str] = {}
    if not story.title:
        errors[TITLE_BLOCK] = "Give the story a short title."
    elif len(story.title) > 200:
        errors[TITLE_BLOCK] = "Keep the title under 200 characters."
    if len(story.body) < MIN_BODY_CHARS:
        errors[BODY_BLOCK] = f"Write the story in at least {MIN_BODY_CHARS} characters."
    if story.source not in SOURCES:
        errors[SOURCE_BLOCK] = "Choose where the story comes from."
    if not story.consent:
        errors[CONSENT_BLOCK] = (
            "Stories are shared only with the customer's consent: tick the box once you have it."
        )
    return errors


def save_story(ack: Ack, view: dict, context: BoltContext) -> None:
    story = read_submission(view.get("state", {}).get("values", {}))
    errors = validation_errors(story)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    approvers = services.of(context).settings.story_approvers
    try:
        story_id = add_story(
            services.of(context).engine(),
            title=story.title,
            body=story.body,
            source=story.source,
            consent=story.consent,
            customer_id=story.customer_id,
            approval=PENDING if approvers else APPROVED,
        )
    except InvalidStory as error:
        block = CUSTOMER_BLOCK if "customer" in str(error).lower() else BODY_BLOCK
        ack(response_action="errors", errors={block: str(error)})
        return
    except MetricsError as error:
        ack(response_action="errors", errors={BODY_BLOCK: str(error)})
        return
    if not approvers:
        ack(response_action="update", view=saved_view(story.title))
        return
    context[PENDING_STORY_KEY] = story_id  # copied into the lazy listener's context
    ack(response_action="update", view=pending_view(story.title))


def send_for_approval(client: WebClient, context: BoltContext) -> None:
    story_id = context.get(PENDING_STORY_KEY)
    if story_id:
        svc = services.of(context)
        ask_approvers(svc.engine(), client, story_id, svc.settings.story_approvers)


def register(app: App) -> None:
    """Adds this listener to the app."""
    app.view(STORY_MODAL_CALLBACK)(ack=save_story, lazy=[send_for_approval])
