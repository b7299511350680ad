"""Block Kit for stories: the weekly card, the "add a story" modal, and the approver's DM."""

from __future__ import annotations

import re

from bot.i18n import say
from bot.views.limits import (
    MAX_FALLBACK_TEXT,
    cap_blocks,
    clip,
    context,
    header,
    section,
    split_text,
)
from bot.views.mrkdwn import escape
from metrics.stories.approvals import APPROVED, StoryDecision
from metrics.stories.cards import StoryCard
from metrics.stories.sources import SOURCES, source_label
from metrics.stories.validation import StoryField

STORY_MODAL_CALLBACK = "story_add_modal"
TITLE_BLOCK, TITLE_ACTION = "story_title", "title"
BODY_BLOCK, BODY_ACTION = "story_body", "body"
CUSTOMER_BLOCK, CUSTOMER_ACTION = "story_customer", "customer_id"
SOURCE_BLOCK, SOURCE_ACTION = "story_source", "source"
CONSENT_BLOCK, CONSENT_ACTION = "story_consent", "consent"
CONSENT_VALUE = "consented"
#: Which input of the modal each field of a story is typed in (its errors go under it).
FIELD_BLOCKS: dict[StoryField, str] = {
    "title": TITLE_BLOCK,
    "body": BODY_BLOCK,
    "customer_id": CUSTOMER_BLOCK,
    "source": SOURCE_BLOCK,
    "consent": CONSENT_BLOCK,
}


def story_message(card: StoryCard) -> tuple[str, list[dict]]:
    """Fallback text and blocks for a story card; its text is customer words, so escaped
    everywhere mrkdwn is read (the header is plain_text, which Slack never parses)."""
    heading = say("story.heading", card.language)
    blocks = [
        header(f"{heading}: {card.title}"),
        *(section(piece) for piece in split_text(escape(card.body))),
        context(
            *(escape(line) for line in (f"{card.who} · {card.source_label}", card.kpi_line) if line)
        ),
    ]
    text = clip(escape(f"{heading}: {card.title} — {card.body}"), MAX_FALLBACK_TEXT)
    return text, cap_blocks(blocks)


def nothing_to_share_text(language: str = "en") -> str:
    return say("story.nothing", language)


def _input(block_id: str, label: str, element: dict, optional: bool = False) -> dict:
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": {"type": "plain_text", "text": label},
        "element": element,
    }


def story_modal(
    *,
    initial_body: str = "",
    private_metadata: str = "",
    title: str = "",
    customer_id: str = "",
    source: str = "",
    consent: bool = False,
    problem: str | None = None,
) -> dict:
    """The "add a story" modal; consent is a required checkbox. Given a draft and a
    `problem`, it is the form again with what was typed and why it was not saved."""

    def text_input(action_id: str, max_length: int, value: str, multiline: bool = False) -> dict:
        element: dict = {
            "type": "plain_text_input",
            "action_id": action_id,
            "max_length": max_length,
        }
        if multiline:
            element["multiline"] = True
        if value:
            element["initial_value"] = clip(value, max_length)
        return element

    options = [
        {"text": {"type": "plain_text", "text": source_label(value, "en")}, "value": value}
        for value in SOURCES
    ]
    source_element: dict = {"type": "static_select", "action_id": SOURCE_ACTION, "options": options}
    if source in SOURCES:
        source_element["initial_option"] = next(o for o in options if o["value"] == source)
    consent_option = {
        "text": {
            "type": "plain_text",
            "text": "The customer has agreed that this story may be shared internally",
        },
        "value": CONSENT_VALUE,
    }
    consent_element: dict = {
        "type": "checkboxes",
        "action_id": CONSENT_ACTION,
        "options": [consent_option],
    }
    if consent:
        consent_element["initial_options"] = [consent_option]
    blocks = [section(f":warning: Not saved: {escape(problem)}")] if problem else []
    blocks += [
        _input(TITLE_BLOCK, "Title", text_input(TITLE_ACTION, 200, title)),
        _input(BODY_BLOCK, "Story", text_input(BODY_ACTION, 3000, initial_body, multiline=True)),
        _input(
            CUSTOMER_BLOCK,
            "Customer id (optional)",
            text_input(CUSTOMER_ACTION, 64, customer_id),
            optional=True,
        ),
        _input(SOURCE_BLOCK, "Source", source_element),
        # optional: validated on submit, so the error can say why
        _input(CONSENT_BLOCK, "Consent", consent_element, optional=True),
    ]
    return {
        "type": "modal",
        "callback_id": STORY_MODAL_CALLBACK,
        "private_metadata": private_metadata,
        "title": {"type": "plain_text", "text": "Add a customer story"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def saving_view(title: str) -> dict:
    """What the modal shows between the submission's ack and the story being stored."""
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Saving the story"},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [section(f"Saving *{escape(clip(title, 200))}*…")],
    }


def saved_view(title: str) -> dict:
    """What the modal turns into once the story is saved."""
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Story saved"},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [
            section(
                f"Thanks: *{escape(clip(title, 200))}* is saved. It can be posted as a "
                "weekly story; names and contact details are removed before it is shown."
            )
        ],
    }


# ---- approval ------------------------------------------------------------------------------

APPROVE_ACTION = "story_approve"
REJECT_ACTION = "story_reject"


def pending_view(title: str) -> dict:
    """What the modal turns into when the story waits for an approver."""
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Story saved"},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [
            section(
                f"Thanks: *{escape(clip(title, 200))}* is saved and waits for approval; it "
                "can be posted once an approver has approved it. Names and contact details "
                "are removed before it is shown."
            )
        ],
    }


def approval_request(card: StoryCard, story_id: str) -> tuple[str, list[dict]]:
    """An approver's DM: the story as it would be posted (redacted), then Approve / Reject."""
    text, blocks = story_message(card)
    buttons = {
        "type": "actions",
        "block_id": "story_approval",
        "elements": [
            {
                "type": "button",
                "action_id": APPROVE_ACTION,
                "style": "primary",
                "text": {"type": "plain_text", "text": "Approve"},
                "value": story_id,
            },
            {
                "type": "button",
                "action_id": REJECT_ACTION,
                "style": "danger",
                "text": {"type": "plain_text", "text": "Reject"},
                "value": story_id,
            },
        ],
    }
    intro = section("A customer story was added in Slack and waits for your approval:")
    blocks = cap_blocks([intro, *blocks, buttons], keep_last=1)
    return clip(f"Approve this customer story? {text}", MAX_FALLBACK_TEXT), blocks


def _person(user_id: str | None) -> str:
    return f"<@{user_id}>" if user_id and re.fullmatch(r"[UW][A-Z0-9]+", user_id) else "someone"


def decision_line(decision: StoryDecision) -> str:
    """Who decided and when; for a later click, that it changed nothing."""
    verb = "Approved" if decision.approval == APPROVED else "Rejected"
    when = f" on {decision.decided_at:%Y-%m-%d %H:%M} UTC" if decision.decided_at else ""
    line = f"{verb} by {_person(decision.decided_by)}{when}."
    return line if decision.decided_now else f"Already decided: {line} Your click changed nothing."


def decided_blocks(blocks: list[dict], line: str) -> list[dict]:
    """The approver's DM once decided: the same card, no buttons, and who decided."""
    return [block for block in blocks if block.get("type") != "actions"] + [context(line)]
