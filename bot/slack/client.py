"""The one place a Slack WebClient is built, so every caller gets the same base URL and retries."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler, default_retry_handlers
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Settings

DEFAULT_API_URL = WebClient.BASE_URL


def retry_handlers() -> list[RetryHandler]:
    """slack_sdk's defaults (a reset or refused connection is tried once more), plus waiting
    out HTTP 429 (Retry-After) and one more try after a 500/503.

    Passing `retry_handlers` to WebClient replaces the defaults rather than adding to them,
    hence they are listed here."""
    return [
        *default_retry_handlers(),
        RateLimitErrorRetryHandler(max_retry_count=2),
        ServerErrorRetryHandler(max_retry_count=1),
    ]


def make_client(settings: Settings, token: str | None = None) -> WebClient:
    """A WebClient that honours SLACK_API_URL and retries what is worth retrying."""
    return WebClient(
        token=token or settings.slack_bot_token,
        base_url=settings.slack_api_url or DEFAULT_API_URL,
        retry_handlers=retry_handlers(),
    )
