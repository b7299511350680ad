"""The customer-story use cases with their settings bound once: preview, share, weekly post.

Slack's `/story`, the CLI's `journeybot story`, `journeybot demo` and the weekly job
(bot/scheduling/scheduler.py) call these, so none of them spells out STORY_ALLOW_REPEATS,
STORY_TZ or LLM_MODEL again; bot/stories/posting.py does the work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.stories.posting import PostResult, post_weekly_story, prepare_card, share_story
from knowledge.chat_model import ChatModel, LlmUnavailable
from metrics.stories.cards import StoryCard

log = logging.getLogger(__name__)


class StoryService:
    def __init__(
        self,
        engine: Callable[[], Engine],
        *,
        allow_repeats: bool = False,
        chat_model: Callable[[], ChatModel | None] = lambda: None,
        timezone: str = "UTC",
    ) -> None:
        """`chat_model` gives the composition root's one chat model (None: the template)."""
        self._engine = engine
        self.allow_repeats = allow_repeats
        self._chat_model = chat_model
        self.timezone = timezone

    @property
    def llm_model(self) -> ChatModel | None:
        """The narrator; a model that cannot be loaded means the template (a story never
        waits on a model), as any failure of the model does."""
        try:
            return self._chat_model()
        except LlmUnavailable as error:
            log.warning("stories use the template: %s", error)
            return None

    def next_card(self, client: WebClient | None = None) -> StoryCard | None:
        """The story that would be posted next (redacted; claims nothing). With a client, the
        workspace's people are redacted too."""
        return prepare_card(
            self._engine(),
            allow_repeats=self.allow_repeats,
            llm_model=self.llm_model,
            client=client,
        )

    def share(self, client: WebClient, channel: str) -> PostResult:
        """`/story share`: the same selection as the preview, posted now."""
        return share_story(
            self._engine(),
            client,
            channel,
            allow_repeats=self.allow_repeats,
            llm_model=self.llm_model,
        )

    def post_weekly(
        self, client: WebClient, channel: str, *, week: str | None = None
    ) -> PostResult:
        """This week's story (in STORY_TZ), posted once per channel and week."""
        return post_weekly_story(
            self._engine(),
            client,
            channel,
            week=week,
            timezone=self.timezone,
            allow_repeats=self.allow_repeats,
            llm_model=self.llm_model,
        )
