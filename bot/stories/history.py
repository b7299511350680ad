"""Finding a story post that Slack accepted but we never recorded.

Slack has no idempotency key: when chat.postMessage times out, or the process dies after Slack
accepted the post, only the channel knows whether the story went out. Every story post carries
message metadata naming its claim (bot/slack/post_once.py's `marker`), so before posting again for a claim
that may have posted, the bot reads the channel's recent history (since that claim was made,
a bounded number of messages) and looks for it. When the history cannot be read, the answer
is "unknown", never "not posted".
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

EVENT_TYPE = "journeybot_story"
PAGE_SIZE = 200
MAX_PAGES = 5
#: Slack's clock and ours may differ a little; look that much further back.
CLOCK_SKEW = timedelta(minutes=5)


class HistoryUnreadable(Exception):
    """The channel's history could not be read; the message says what to do."""


class FoundPost(BaseModel):
    """A marked message in the channel for the claim we were looking for, and what its marker
    carries besides the claim (a story's `story_key`)."""

    message_ts: str
    payload: dict[str, str] = {}


def _unreadable(channel: str, reason: str, what: str = "story") -> HistoryUnreadable:
    fix = (
        "give the app the channels:history scope (groups:history for a private channel), "
        "reinstall it and run again"
        if reason == "missing_scope"
        else "check that the bot is in the channel and run again"
    )
    return HistoryUnreadable(
        f"Cannot read {channel}'s history ({reason}) to check whether the {what} already went "
        f"out, so nothing was posted to avoid posting it twice: {fix}."
    )


def find_unrecorded_post(
    client: WebClient,
    channel: str,
    claim_key: str,
    *,
    since: datetime,
    recorded: set[str],
    event_type: str = EVENT_TYPE,
    what: str = "story",
) -> FoundPost | None:
    """The message marked `event_type` posted for `claim_key` since `since` whose ts is not in
    `recorded` (a story, unless told otherwise), or None. Raises HistoryUnreadable when Slack will not say (scope, membership, network,
    or more messages since then than we read)."""
    oldest = f"{(since - CLOCK_SKEW).timestamp():.6f}"
    cursor: str | None = None
    try:
        for _ in range(MAX_PAGES):
            page = client.conversations_history(
                channel=channel,
                oldest=oldest,
                limit=PAGE_SIZE,
                include_all_metadata=True,
                cursor=cursor,
            )
            for message in page.get("messages") or []:
                metadata = message.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if (
                    metadata.get("event_type") == event_type
                    and payload.get("claim") == claim_key
                    and message.get("ts") not in recorded
                ):
                    extra = {k: str(v) for k, v in payload.items() if k != "claim"}
                    return FoundPost(message_ts=message["ts"], payload=extra)
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not page.get("has_more") or not cursor:
                return None
    except SlackApiError as error:
        reason = str(error.response.get("error", "unknown_error"))
        raise _unreadable(channel, reason, what) from error
    except OSError as error:
        raise _unreadable(channel, type(error).__name__, what) from error
    raise _unreadable(channel, f"more than {PAGE_SIZE * MAX_PAGES} messages since the claim", what)
