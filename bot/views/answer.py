"""Block Kit for answers: the text, numbered sources, and 👍/👎 buttons."""

from __future__ import annotations

from bot.views.limits import (
    MAX_CONTEXT_ELEMENTS,
    MAX_FALLBACK_TEXT,
    cap_blocks,
    clip,
    context,
    section,
    split_text,
)
from knowledge.models import Answer, Source

WORKING_TEXT = ":hourglass_flowing_sand: Working on it…"
FEEDBACK_UP = "feedback_up"
FEEDBACK_DOWN = "feedback_down"
#: Shown under an answer the knowledge base could not give, in the asker's language (the
#: answer above it already is), so a Danish question never gets an English footer.
NOT_ANSWERED_HINTS = {
    "en": "Try rephrasing with the words your documents use, or ask someone to add a document "
    "on this topic (`journeybot ingest PATH`).",
    "da": "Prøv at omformulere spørgsmålet med de ord, jeres dokumenter bruger, eller bed nogen "
    "om at tilføje et dokument om emnet (`journeybot ingest STI`).",
    "no": "Prøv å omformulere spørsmålet med ordene dokumentene deres bruker, eller be noen om å "
    "legge til et dokument om temaet (`journeybot ingest STI`).",
    "sv": "Försök formulera om frågan med de ord som era dokument använder, eller be någon lägga "
    "till ett dokument om ämnet (`journeybot ingest SÖKVÄG`).",
}


def not_answered_hint(language: str) -> str:
    """The hint in `language`, English for a language we have no words for."""
    return NOT_ANSWERED_HINTS.get(language, NOT_ANSWERED_HINTS["en"])


def source_line(number: int, source: Source) -> str:
    """`1. Title — Section · path-or-link`: enough to find the passage again."""
    where = source.source
    location = (
        f"<{where}|{_escape(where)}>"
        if where.startswith(("http://", "https://"))
        else (f"`{where}`")
    )
    title = f"*{_escape(source.title)}*"
    section_part = f" — {_escape(source.section)}" if source.section else ""
    return f"{number}. {title}{section_part} · {location}"


def answer_blocks(answer: Answer, *, feedback_id: int | None = None) -> list[dict]:
    """The reply to a question. Unanswered questions say so and suggest what to do."""
    text = answer.answer.strip() or "I don't know."
    if not answer.answered:
        text = f"{text}\n_{not_answered_hint(answer.language)}_"
    blocks: list[dict] = [section(piece) for piece in split_text(text)]
    if answer.note:
        blocks.append(context(f"_{_escape(answer.note)}_"))
    if answer.answered and answer.sources:
        lines = [source_line(i, s) for i, s in enumerate(answer.sources, start=1)]
        blocks.append(context("*Sources*", *lines[: MAX_CONTEXT_ELEMENTS - 1]))
    tail = [feedback_buttons(feedback_id)] if feedback_id is not None else []
    return cap_blocks([*blocks, *tail], keep_last=len(tail))


def fallback_text(answer: Answer) -> str:
    """The plain `text` Slack shows in notifications and screen readers."""
    return clip(answer.answer or "I don't know.", MAX_FALLBACK_TEXT)


def feedback_buttons(feedback_id: int) -> dict:
    value = str(feedback_id)
    return {
        "type": "actions",
        "block_id": "answer_feedback",
        "elements": [
            {
                "type": "button",
                "action_id": FEEDBACK_UP,
                "text": {"type": "plain_text", "text": "👍 Helpful", "emoji": True},
                "value": value,
            },
            {
                "type": "button",
                "action_id": FEEDBACK_DOWN,
                "text": {"type": "plain_text", "text": "👎 Not helpful", "emoji": True},
                "value": value,
            },
        ],
    }


def error_blocks(message: str) -> list[dict]:
    return [section(f":warning: {message}")]


def _escape(text: str) -> str:
    """Slack mrkdwn needs &, < and > escaped or it treats them as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
