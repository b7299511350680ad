"""Block Kit for stories: the weekly card and the "add a story" modal."""

from __future__ import annotations

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
from metrics.stories import StoryCard

STORY_MODAL_CALLBACK = "story_add_modal"
TITLE_BLOCK, TITLE_ACTION = "story_title", "title"
BODY_BLOCK, BODY_ACTION = "story_body", "body"
CUSTOMER_BLOCK, CUSTOMER_ACTION = "story_customer", "customer_id"
SOURCE_BLOCK, SOURCE_ACTION = "story_source", "source"
CONSENT_BLOCK, CONSENT_ACTION = "story_consent", "consent"
CONSENT_VALUE = "consented"

_SOURCE_OPTIONS = {
    "interview": "Interview",
    "nps_comment": "NPS comment",
    "support_case": "Support case",
    "slack": "Shared in Slack",
}
_HEADING = {
    "da": "Ugens kundehistorie",
    "no": "Ukens kundehistorie",
    "sv": "Veckans kundberättelse",
    "en": "Customer story of the week",
}
_NOTHING = {
    "en": "No consented customer story is available right now. Add one with `/story add`.",
}


def story_message(card: StoryCard) -> tuple[str, list[dict]]:
    """Fallback text and blocks for a story card; its text is customer words, so escaped
    everywhere mrkdwn is read (the header is plain_text, which Slack never parses)."""
    heading = _HEADING.get(card.language, _HEADING["en"])
    blocks = [
        header(f"{heading}: {card.title}"),
        *(section(piece) for piece in split_text(escape(card.body))),
        context(
            *(escape(line) for line in (f"{card.who} · {card.source_label}", card.kpi_line) if line)
        ),
    ]
    text = clip(escape(f"{heading}: {card.title} — {card.body}"), MAX_FALLBACK_TEXT)
    return text, cap_blocks(blocks)


def nothing_to_share_text() -> str:
    return _NOTHING["en"]


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
        {"text": {"type": "plain_text", "text": label}, "value": value}
        for value, label in _SOURCE_OPTIONS.items()
    ]
    source_element: dict = {"type": "static_select", "action_id": SOURCE_ACTION, "options": options}
    if source in _SOURCE_OPTIONS:
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
