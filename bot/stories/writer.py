"""Turns a story card's raw material into a short narrative, with an LLM when one is set.

Redaction runs BEFORE the material is sent to the model (the card is built redacted) and
AGAIN on the model's reply, with every known name, because a model can echo or invent
personal data. Any failure,
timeout or empty reply falls back to the card's own text: a story never waits on a model.
"""

from __future__ import annotations

import logging

import prompts
from knowledge.chat_model import ChatModel, LlmFailed
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
    llm_model: ChatModel | None,
    names: list[str],
    known_names: KnownNames | None = None,
) -> StoryCard:
    """The card with an LLM-written body, or the card unchanged (the template) without one.

    `llm_model` is the composition root's one chat model (bot/services.py `llm()`), never a
    model built here."""
    if llm_model is None:
        return card
    try:
        safe_material = redact(story_prompt(card), names=names, replacement_who=card.who)
        reply = llm_model.complete(safe_material, temperature=STORY_TEMPERATURE)
    except LlmFailed as error:  # any model failure means: use the template
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
