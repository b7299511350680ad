"""The one place a Slack WebClient is built, so every caller gets the same base URL and retries."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.config import Settings

DEFAULT_API_URL = WebClient.BASE_URL


def make_client(settings: Settings, token: str | None = None) -> WebClient:
    """A WebClient that honours SLACK_API_URL and waits out HTTP 429s (Retry-After)."""
    return WebClient(
        token=token or settings.slack_bot_token,
        base_url=settings.slack_api_url or DEFAULT_API_URL,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
    )
