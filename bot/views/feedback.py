"""Block Kit for the reply to a 👍/👎: thanks, and after a 👎 an optional "what was wrong?".

The comment is asked for in the ephemeral thanks itself (an input that sends on Enter, and a
Send button), not in a modal: nobody has to dismiss anything to skip it.
"""

from __future__ import annotations

from bot.i18n import say
from metrics.feedback import MAX_COMMENT_CHARS

FEEDBACK_COMMENT = "feedback_comment"
FEEDBACK_COMMENT_SEND = "feedback_comment_send"
#: The input's block_id carries the answer id, so Enter (which sends only the input) finds it.
COMMENT_BLOCK_PREFIX = "feedback_comment:"


def comment_block_id(answer_id: int) -> str:
    return f"{COMMENT_BLOCK_PREFIX}{answer_id}"


def answer_id_of_block(block_id: str) -> int | None:
    """The answer id in a comment input's block_id (None if it is not one)."""
    if not block_id.startswith(COMMENT_BLOCK_PREFIX):
        return None
    try:
        return int(block_id.removeprefix(COMMENT_BLOCK_PREFIX))
    except ValueError:
        return None


def not_helpful_blocks(answer_id: int, language: str = "en") -> list[dict]:
    """The thanks for a 👎, with an optional one-line "what was wrong?" field."""
    return [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": say("feedback.thanks_not_helpful", language)},
        },
        {
            "type": "input",
            "block_id": comment_block_id(answer_id),
            "optional": True,
            "dispatch_action": True,
            "label": {"type": "plain_text", "text": say("feedback.what_was_wrong", language)},
            "element": {
                "type": "plain_text_input",
                "action_id": FEEDBACK_COMMENT,
                "max_length": MAX_COMMENT_CHARS,
                "placeholder": {
                    "type": "plain_text",
                    "text": say("feedback.placeholder", language),
                },
                "dispatch_action_config": {"trigger_actions_on": ["on_enter_pressed"]},
            },
        },
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": FEEDBACK_COMMENT_SEND,
                    "text": {"type": "plain_text", "text": say("feedback.send", language)},
                    "value": str(answer_id),
                }
            ],
        },
    ]
