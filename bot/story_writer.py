"""Turns a story card's raw material into a short narrative, with an LLM when one is set.

Redaction runs BEFORE the material is sent to the model (the card is built redacted) and
AGAIN on the model's reply, with every known name, because a model can echo or invent
personal data. Any failure,
timeout or empty reply falls back to the card's own text: a story never waits on a model.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import prompts
from metrics.stories.cards import StoryCard
from metrics.stories.redaction import KnownNames, redact

log = logging.getLogger(__name__)
MAX_NARRATIVE_CHARS = 900
_LANGUAGE_NAMES = {"da": "Danish", "no": "Norwegian (Bokmål)", "sv": "Swedish", "en": "English"}
_WORKERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="story-llm")


def _reply_text(message: Any) -> str:
    content = getattr(message, "content", message)
    if isinstance(content, str):
        return content.strip()
    return "".join(
        part.get("text", "") if isinstance(part, dict) else str(part) for part in content
    ).strip()


def story_prompt(card: StoryCard) -> str:
    """prompts/story.md filled with the (already redacted) card."""
    return (
        prompts.load("story")
        .replace("{language_name}", _LANGUAGE_NAMES.get(card.language, "English"))
        .replace("{who}", card.who)
        .replace("{source_label}", card.source_label)
        .replace("{kpi_line}", card.kpi_line)
        .replace("{title}", card.title)
        .replace("{material}", card.body)
    )


def write_story(
    card: StoryCard,
    *,
    llm_model: str | None,
    names: list[str],
    known_names: KnownNames | None = None,
    timeout_seconds: float = 20.0,
) -> StoryCard:
    """The card with an LLM-written body, or the card unchanged (the template) without one."""
    if not llm_model:
        return card
    try:
        from langchain.chat_models import init_chat_model

        kwargs: dict[str, Any] = (
            {"client_kwargs": {"timeout": timeout_seconds}}
            if llm_model.startswith("ollama:")
            else {"timeout": timeout_seconds, "max_retries": 0}
        )
        chat = init_chat_model(llm_model, temperature=0.3, **kwargs)
        safe_material = redact(story_prompt(card), names=names, replacement_who=card.who)
        future = _WORKERS.submit(chat.invoke, safe_material)
        reply = _reply_text(future.result(timeout=timeout_seconds))
    except FutureTimeout:
        log.warning("story writer timed out after %ss; using the template", timeout_seconds)
        return card
    except Exception as error:  # any provider failure means: use the template
        log.warning("story writer failed (%s: %s); using the template", type(error).__name__, error)
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
