"""Turns a story card's raw material into a short narrative, with an LLM when one is set.

Redaction runs BEFORE the material is sent to the model (the card is built redacted) and
AGAIN on the model's reply, with every known name, because a model can echo or invent
personal data. Any failure,
timeout or empty reply falls back to the card's own text: a story never waits on a model.
"""

from __future__ import annotations

import logging

import prompts
from knowledge.chat_model import ChatModel, LlmFailed, LlmUnavailable
from metrics.stories.cards import StoryCard
from metrics.stories.redaction import KnownNames, redact

log = logging.getLogger(__name__)
MAX_NARRATIVE_CHARS = 900
#: A little freedom of wording; answers are written at 0.
STORY_TEMPERATURE = 0.3


def story_prompt(card: StoryCard) -> str:
    """prompts/story.md filled with the (already redacted) card."""
    return (
        prompts.load("story")
        .replace("{language_name}", prompts.language_name(card.language))
        .replace("{who}", card.who)
        .replace("{source_label}", card.source_label)
        .replace("{kpi_line}", card.kpi_line)
        .replace("{title}", card.title)
        .replace("{material}", card.body)
    )


def write_story(
    card: StoryCard,
    *,
    llm_model: ChatModel | str | None,
    names: list[str],
    known_names: KnownNames | None = None,
    timeout_seconds: float = 20.0,
) -> StoryCard:
    """The card with an LLM-written body, or the card unchanged (the template) without one.

    `llm_model` is the composition root's chat model (bot/services.py); a model name is
    loaded here, for callers without the services (the scheduler)."""
    if not llm_model:
        return card
    try:
        chat = (
            llm_model if isinstance(llm_model, ChatModel) else ChatModel(llm_model, timeout_seconds)
        )
        safe_material = redact(story_prompt(card), names=names, replacement_who=card.who)
        reply = chat.complete(safe_material, temperature=STORY_TEMPERATURE)
    except (LlmFailed, LlmUnavailable) as error:  # any model failure means: use the template
        log.warning("story writer failed (%s); using the template", error)
        return card
    if not reply:
        return card
    narrative = redact(
        reply[:MAX_NARRATIVE_CHARS],
        names=names,
        replacement_who=card.who,
        known_names=known_names,
    )
    return card.model_copy(update={"body": narrative})
