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
    language: str = "en",
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
        {"text": {"type": "plain_text", "text": source_label(value, language)}, "value": value}
        for value in SOURCES
    ]
    source_element: dict = {"type": "static_select", "action_id": SOURCE_ACTION, "options": options}
    if source in SOURCES:
        source_element["initial_option"] = next(o for o in options if o["value"] == source)
    consent_option = {
        "text": {
            "type": "plain_text",
            "text": say("story.consent_option", language),
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

    def label(key: str) -> str:
        return say(f"story.{key}", language)

    blocks = [section(say("story.not_saved", language, problem=escape(problem)))] if problem else []
    blocks += [
        _input(TITLE_BLOCK, label("field_title"), text_input(TITLE_ACTION, 200, title)),
        _input(
            BODY_BLOCK,
            label("field_story"),
            text_input(BODY_ACTION, 3000, initial_body, multiline=True),
        ),
        _input(
            CUSTOMER_BLOCK,
            label("field_customer"),
            text_input(CUSTOMER_ACTION, 64, customer_id),
            optional=True,
        ),
        _input(SOURCE_BLOCK, label("field_source"), source_element),
        # optional: validated on submit, so the error can say why
        _input(CONSENT_BLOCK, label("field_consent"), consent_element, optional=True),
    ]
    return {
        "type": "modal",
        "callback_id": STORY_MODAL_CALLBACK,
        "private_metadata": private_metadata,
        "title": {"type": "plain_text", "text": label("form_title")},
        "submit": {"type": "plain_text", "text": label("save")},
        "close": {"type": "plain_text", "text": label("cancel")},
        "blocks": blocks,
    }


def saving_view(title: str, language: str = "en") -> dict:
    """What the modal shows between the submission's ack and the story being stored."""
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": say("story.saving_title", language)},
        "close": {"type": "plain_text", "text": say("story.close", language)},
        "blocks": [section(say("story.saving", language, title=escape(clip(title, 200))))],
    }


def saved_view(title: str, language: str = "en") -> dict:
    """What the modal turns into once the story is saved."""
    return _done_view("story.saved", title, language)


def _done_view(key: str, title: str, language: str) -> dict:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": say("story.saved_title", language)},
        "close": {"type": "plain_text", "text": say("story.close", language)},
        "blocks": [section(say(key, language, title=escape(clip(title, 200))))],
    }


# ---- approval ------------------------------------------------------------------------------

APPROVE_ACTION = "story_approve"
REJECT_ACTION = "story_reject"


def pending_view(title: str, language: str = "en") -> dict:
    """What the modal turns into when the story waits for an approver."""
    return _done_view("story.pending", title, language)


def approval_request(
    card: StoryCard, story_id: str, language: str = "en"
) -> tuple[str, list[dict]]:
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
                "text": {"type": "plain_text", "text": say("story.approve", language)},
                "value": story_id,
            },
            {
                "type": "button",
                "action_id": REJECT_ACTION,
                "style": "danger",
                "text": {"type": "plain_text", "text": say("story.reject", language)},
                "value": story_id,
            },
        ],
    }
    intro = section(say("story.approval_intro", language))
    blocks = cap_blocks([intro, *blocks, buttons], keep_last=1)
    return clip(say("story.approval_text", language, text=text), MAX_FALLBACK_TEXT), blocks


def _person(user_id: str | None, language: str) -> str:
    if user_id and re.fullmatch(r"[UW][A-Z0-9]+", user_id):
        return f"<@{user_id}>"
    return say("story.someone", language)


def decision_line(decision: StoryDecision, language: str = "en") -> str:
    """Who decided and when; for a later click, that it changed nothing."""
    key = "story.approved_by" if decision.approval == APPROVED else "story.rejected_by"
    when = (
        say("story.decided_on", language, when=f"{decision.decided_at:%Y-%m-%d %H:%M}")
        if decision.decided_at
        else ""
    )
    line = say(key, language, person=_person(decision.decided_by, language), when=when)
    return line if decision.decided_now else say("story.already_decided", language, line=line)


def decided_blocks(blocks: list[dict], line: str) -> list[dict]:
    """The approver's DM once decided: the same card, no buttons, and who decided."""
    return [block for block in blocks if block.get("type") != "actions"] + [context(line)]
