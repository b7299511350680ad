"""Block Kit for answers: the text, numbered sources, 👍/👎, and "Share in channel".

Everything from the knowledge base, the model or the asker is escaped (bot.views.mrkdwn): a
document holding `<!channel>` must not make the bot ping a channel. Our own words around the
answer (hints, "Sources", buttons) are in the language the question was asked in, as the
answer is (catalogue/answer.yaml).
"""

from __future__ import annotations

import re
from functools import cache

from bot.i18n import LANGUAGES, catalogue, say
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
#: A citation marker in an answer: `[2]` refers to the second source listed under it.
_MARKER = re.compile(r"\[(\d{1,2})\]")
#: Longest title — section shown as a source's link text.
MAX_LINK_LABEL = 200


def working_text(language: str = "en") -> str:
    return say("answer.working", language)


@cache
def _asked_pattern() -> re.Pattern[str]:
    """How a shared `/ask` answer names its asker in any of our languages (`<@U1> asked: …`,
    `<@U1> spurgte: …`); `asked_question` reads the question back from it. Each language's
    `answer.asked` starts with {user} and ends with {question}; the words between differ."""
    joins = {
        template.removeprefix("{user}").removesuffix("{question}")
        for template in (catalogue()["answer.asked"][language] for language in LANGUAGES)
    }
    between = "|".join(re.escape(join) for join in sorted(joins))
    return re.compile(rf"^<@[A-Z0-9]+(?:\|[^>]*)?>(?:{between})(?P<question>.+)$", re.DOTALL)


def not_answered_hint(language: str) -> str:
    """The hint in `language`, English for a language we have no words for."""
    return say("answer.not_answered_hint", language)


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
    language = answer.language
    text = escape(answer.answer.strip()) or say("answer.dont_know", language)
    if not answer.answered:
        text = f"{text}\n_{not_answered_hint(answer.language)}_"
    else:
        text = linked_markers(text, answer.sources)
    blocks: list[dict] = [section(piece) for piece in split_text(text)]
    if answer.note:
        blocks.append(context(f"_{escape(answer.note)}_"))
    if answer.answered and answer.sources:
        lines = [source_line(i, s) for i, s in enumerate(answer.sources, start=1)]
        sources = say("answer.sources", language)
        blocks.append(context(sources, *lines[: MAX_CONTEXT_ELEMENTS - 1]))
    tail = (
        [answer_buttons(feedback_id, shareable=shareable and answer.answered, language=language)]
        if feedback_id is not None
        else []
    )
    return cap_blocks([*blocks, *tail], keep_last=len(tail))


def private_answer_blocks(question: str, answer: Answer, *, feedback_id: int | None) -> list[dict]:
    """An `/ask` reply only the asker sees: their question above, "Share in channel" below."""
    asked = context(say("answer.you_asked", answer.language, question=escape(question)))
    blocks = answer_blocks(answer, feedback_id=feedback_id, shareable=True)
    return cap_blocks([asked, *blocks], keep_last=1 if feedback_id is not None else 0)


def asked_text(user_id: str, question: str, language: str = "en") -> str:
    """`@ann asked: …`, the line a shared answer opens with (its notification text too)."""
    line = say("answer.asked", language, user=f"<@{user_id}>", question=escape(question))
    return clip(line, MAX_CONTEXT_TEXT)


def asked_question(text: str) -> str | None:
    """The question of a shared answer's first line, as plain text (None if it is not one)."""
    asked = _asked_pattern().match(text or "")
    return plain(asked.group("question")) if asked else None


def shared_answer_blocks(
    user_id: str, question: str, answer: Answer, *, feedback_id: int
) -> list[dict]:
    """An answer the asker chose to share in the channel, naming them and their question."""
    blocks = answer_blocks(answer, feedback_id=feedback_id)
    asked = section(asked_text(user_id, question, answer.language))
    return cap_blocks([asked, *blocks], keep_last=1)


def fallback_text(answer: Answer) -> str:
    """The plain `text` Slack shows in notifications and screen readers."""
    return clip(
        escape(answer.answer) or say("answer.dont_know", answer.language), MAX_FALLBACK_TEXT
    )


def answer_buttons(feedback_id: int, *, shareable: bool = False, language: str = "en") -> dict:
    """👍/👎 (and "Share in channel" under a private answer); values carry the answer's id."""
    value = str(feedback_id)
    buttons = [
        {
            "type": "button",
            "action_id": FEEDBACK_UP,
            "text": {"type": "plain_text", "text": say("answer.helpful", language), "emoji": True},
            "value": value,
        },
        {
            "type": "button",
            "action_id": FEEDBACK_DOWN,
            "text": {
                "type": "plain_text",
                "text": say("answer.not_helpful", language),
                "emoji": True,
            },
            "value": value,
        },
    ]
    if shareable:
        buttons.append(
            {
                "type": "button",
                "action_id": SHARE_ANSWER,
                "text": {"type": "plain_text", "text": say("answer.share", language)},
                "value": value,
            }
        )
    return {"type": "actions", "block_id": "answer_feedback", "elements": buttons}


def error_reply(message: str, *, escaped: bool = False) -> tuple[str, list[dict]]:
    """Fallback text and blocks for one sentence that may echo the question, escaped (unless
    it is mrkdwn already, as bot.failures words it)."""
    text = clip(message if escaped else escape(message), MAX_FALLBACK_TEXT)
    return text, [section(f":warning: {text}")]
