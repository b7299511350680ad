"""Submission of the "add a customer story" modal: validate per field, save, confirm.

Field errors must come back in the ack itself (`response_action: "errors"`), so validation
runs there: the story rules of metrics/stories/validation.py, which need no database, each
error naming its field, which `FIELD_BLOCKS` turns into the input it is shown under. The
insert needs the database, and an ack never waits on the database: the ack turns the modal
into "Saving…" and the lazy part stores the story, then updates the modal to "saved", or back
to the form with what was typed and why it was not saved (an unknown customer id, the database
down). Slack recommends this loading-then-views.update pattern for work that may outlast the
ack. With STORY_APPROVERS set, the story is saved `pending` and each approver then gets a DM
with the redacted card and Approve / Reject (bot/stories/review.py).
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import services
from bot.slack.dedupe import once
from bot.stories.review import ask_approvers
from bot.views.story import (
    BODY_ACTION,
    BODY_BLOCK,
    CONSENT_ACTION,
    CONSENT_BLOCK,
    CONSENT_VALUE,
    CUSTOMER_ACTION,
    CUSTOMER_BLOCK,
    FIELD_BLOCKS,
    SOURCE_ACTION,
    SOURCE_BLOCK,
    STORY_MODAL_CALLBACK,
    TITLE_ACTION,
    TITLE_BLOCK,
    pending_view,
    saved_view,
    saving_view,
    story_modal,
)
from metrics.errors import MetricsError
from metrics.stories.adding import add_story
from metrics.stories.approvals import APPROVED, PENDING
from metrics.stories.validation import StoryDraft, problems

log = logging.getLogger(__name__)


def read_submission(values: dict) -> StoryDraft:
    """The modal's state values as a draft story (missing fields empty)."""

    def field(block: str, action: str) -> dict:
        return (values.get(block) or {}).get(action) or {}

    selected = field(SOURCE_BLOCK, SOURCE_ACTION).get("selected_option") or {}
    checked = field(CONSENT_BLOCK, CONSENT_ACTION).get("selected_options") or []
    return StoryDraft(
        title=field(TITLE_BLOCK, TITLE_ACTION).get("value"),
        body=field(BODY_BLOCK, BODY_ACTION).get("value"),
        customer_id=field(CUSTOMER_BLOCK, CUSTOMER_ACTION).get("value"),
        source=selected.get("value", ""),
        consent=any(option.get("value") == CONSENT_VALUE for option in checked),
    )


def field_errors(story: StoryDraft) -> dict[str, str]:
    """block_id → the sentence to show under it (empty dict: nothing to fix before saving)."""
    return {FIELD_BLOCKS[problem.field]: problem.message for problem in problems(story)}


def check_story(ack: Ack, view: dict, body: dict, context: BoltContext) -> None:
    story = read_submission(view.get("state", {}).get("values", {}))
    errors = field_errors(story)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    language = services.of(context).readers.known((body.get("user") or {}).get("id", ""))
    ack(response_action="update", view=saving_view(story.title, language))


def save_story(view: dict, body: dict, client: WebClient, context: BoltContext) -> None:
    story = read_submission(view.get("state", {}).get("values", {}))
    if problems(story):
        return  # the ack returned the errors
    svc = services.of(context)
    language = svc.readers.of(client, (body.get("user") or {}).get("id", ""))
    approvers = svc.settings.story_approvers
    story_id = None
    try:
        story_id = add_story(
            svc.engine(),
            title=story.title,
            body=story.body,
            source=story.source,
            consent=story.consent,
            customer_id=story.customer_id,
            approval=PENDING if approvers else APPROVED,
        )
        done = pending_view if approvers else saved_view
        outcome = done(story.title, language)
    except MetricsError as error:
        outcome = story_modal(
            title=story.title,
            initial_body=story.body,
            customer_id=story.customer_id or "",
            source=story.source,
            consent=story.consent,
            private_metadata=view.get("private_metadata", ""),
            problem=str(error),
            language=language,
        )
    try:
        client.views_update(view_id=view["id"], view=outcome)
    except (SlackApiError, OSError) as error:
        log.warning("could not update the story form after saving: %s", error)
    if story_id is not None and approvers:
        ask_approvers(svc.engine(), client, story_id, approvers, readers=svc.readers)


def register(app: App) -> None:
    """Adds this listener to the app."""
    app.view(STORY_MODAL_CALLBACK)(ack=check_story, lazy=[once(save_story)])
