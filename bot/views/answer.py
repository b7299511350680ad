"""Block Kit for answers: the text, numbered sources, 👍/👎, and "Share in channel".

Everything from the knowledge base, the model or the asker is escaped (bot.views.mrkdwn): a
document holding `<!channel>` must not make the bot ping a channel.
"""

from __future__ import annotations

import re

from bot.views.limits import (
    MAX_CONTEXT_ELEMENTS,
    MAX_CONTEXT_TEXT,
    MAX_FALLBACK_TEXT,
    cap_blocks,
    clip,
    context,
    section,
    split_text,
)
from bot.views.mrkdwn import escape, link, plain, safe_url
from knowledge.models import Answer, Source

WORKING_TEXT = ":hourglass_flowing_sand: Working on it…"
FEEDBACK_UP = "feedback_up"
FEEDBACK_DOWN = "feedback_down"
SHARE_ANSWER = "share_answer"
#: How a shared `/ask` answer names its asker; `asked_question` reads the question back.
_ASKED = re.compile(r"^<@[A-Z0-9]+(?:\|[^>]*)?> asked: (?P<question>.+)$", re.DOTALL)
#: A citation marker in an answer: `[2]` refers to the second source listed under it.
_MARKER = re.compile(r"\[(\d{1,2})\]")
#: Longest title — section shown as a source's link text.
MAX_LINK_LABEL = 200
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
    """`1. <url|Title — Section>` where the source can be opened, else
    `1. *Title* — Section · `folder/file.md`` (its path relative to the ingested folder):
    enough to find the passage again. A link that would not fit whole in a context
    element is not built (a cut link is a broken one)."""
    url = source_url(source)
    if url:
        line = f"{number}. {link(url, clip(source.label, MAX_LINK_LABEL))}"
        if len(line) <= MAX_CONTEXT_TEXT:
            return line
    section = source.label.removeprefix(source.title)  # " — Section", or ""
    return f"{number}. *{escape(source.title)}*{escape(section)} · `{escape(source.source)}`"


def source_url(source: Source) -> str | None:
    """The source's URL if Slack can link it (bot/views/mrkdwn.py checks it again)."""
    return safe_url(source.url) if source.url else None


def linked_markers(text: str, sources: list[Source]) -> str:
    """Each `[n]` in (escaped) answer text links to source n when it has a URL, so the
    marker opens what the numbered list below names."""

    def marker(match: re.Match[str]) -> str:
        number = int(match.group(1))
        url = source_url(sources[number - 1]) if 1 <= number <= len(sources) else None
        return link(url, match.group(0)) if url else match.group(0)

    return _MARKER.sub(marker, text)


def answer_blocks(
    answer: Answer, *, feedback_id: int | None = None, shareable: bool = False
) -> list[dict]:
    """The reply to a question. Unanswered questions say so and suggest what to do."""
    text = escape(answer.answer.strip()) or "I don't know."
    if not answer.answered:
        text = f"{text}\n_{not_answered_hint(answer.language)}_"
    else:
        text = linked_markers(text, answer.sources)
    blocks: list[dict] = [section(piece) for piece in split_text(text)]
    if answer.note:
        blocks.append(context(f"_{escape(answer.note)}_"))
    if answer.answered and answer.sources:
        lines = [source_line(i, s) for i, s in enumerate(answer.sources, start=1)]
        blocks.append(context("*Sources*", *lines[: MAX_CONTEXT_ELEMENTS - 1]))
    tail = (
        [answer_buttons(feedback_id, shareable=shareable and answer.answered)]
        if feedback_id is not None
        else []
    )
    return cap_blocks([*blocks, *tail], keep_last=len(tail))


def private_answer_blocks(question: str, answer: Answer, *, feedback_id: int | None) -> list[dict]:
    """An `/ask` reply only the asker sees: their question above, "Share in channel" below."""
    asked = context(f"You asked: {escape(question)} · only you can see this answer")
    blocks = answer_blocks(answer, feedback_id=feedback_id, shareable=True)
    return cap_blocks([asked, *blocks], keep_last=1 if feedback_id is not None else 0)


def asked_text(user_id: str, question: str) -> str:
    """`@ann asked: …`, the line a shared answer opens with (its notification text too)."""
    return clip(f"<@{user_id}> asked: {escape(question)}", MAX_CONTEXT_TEXT)


def asked_question(text: str) -> str | None:
    """The question of a shared answer's first line, as plain text (None if it is not one)."""
    asked = _ASKED.match(text or "")
    return plain(asked.group("question")) if asked else None


def shared_answer_blocks(
    user_id: str, question: str, answer: Answer, *, feedback_id: int
) -> list[dict]:
    """An answer the asker chose to share in the channel, naming them and their question."""
    blocks = answer_blocks(answer, feedback_id=feedback_id)
    return cap_blocks([section(asked_text(user_id, question)), *blocks], keep_last=1)


def fallback_text(answer: Answer) -> str:
    """The plain `text` Slack shows in notifications and screen readers."""
    return clip(escape(answer.answer) or "I don't know.", MAX_FALLBACK_TEXT)


def answer_buttons(feedback_id: int, *, shareable: bool = False) -> dict:
    """👍/👎 (and "Share in channel" under a private answer); values carry the answer's id."""
    value = str(feedback_id)
    buttons = [
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
    ]
    if shareable:
        buttons.append(
            {
                "type": "button",
                "action_id": SHARE_ANSWER,
                "text": {"type": "plain_text", "text": "Share in channel"},
                "value": value,
            }
        )
    return {"type": "actions", "block_id": "answer_feedback", "elements": buttons}


def error_reply(message: str) -> tuple[str, list[dict]]:
    """Fallback text and blocks for one sentence that may echo the question, escaped."""
    text = clip(escape(message), MAX_FALLBACK_TEXT)
    return text, [section(f":warning: {text}")]
