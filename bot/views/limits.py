"""Block Kit's hard limits; Slack rejects the whole message if one is exceeded."""

from __future__ import annotations

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_CONTEXT_TEXT = 2000
MAX_ALT_TEXT = 2000
#: chat.postMessage's top-level `text` (the notification fallback) is truncated past this.
MAX_FALLBACK_TEXT = 4000


def clip(text: str, limit: int) -> str:
    """Shorten to `limit` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def split_text(text: str, limit: int = MAX_SECTION_TEXT) -> list[str]:
    """Cut long text into pieces ≤ limit, preferring paragraph, then line, then word breaks."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        if cut < limit // 2:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def header(text: str) -> dict:
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, MAX_HEADER_TEXT)}}


def section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, MAX_SECTION_TEXT)}}


def context(*texts: str) -> dict:
    elements = [
        {"type": "mrkdwn", "text": clip(text, MAX_CONTEXT_TEXT)}
        for text in texts[:MAX_CONTEXT_ELEMENTS]
    ]
    return {"type": "context", "elements": elements}


def image(file_id: str, alt_text: str) -> dict:
    """An image uploaded to Slack (files.uploadV2), shown inside the message: Slack's image
    blocks otherwise need a public URL."""
    return {
        "type": "image",
        "slack_file": {"id": file_id},
        "alt_text": clip(alt_text, MAX_ALT_TEXT),
    }


def cap_blocks(blocks: list[dict], keep_last: int = 0) -> list[dict]:
    """At most MAX_BLOCKS blocks, keeping the last `keep_last` (e.g. the buttons) intact."""
    if len(blocks) <= MAX_BLOCKS:
        return blocks
    head = blocks[: MAX_BLOCKS - keep_last - 1] if keep_last else blocks[: MAX_BLOCKS - 1]
    tail = blocks[-keep_last:] if keep_last else []
    return [*head, section("_(shortened: the full text did not fit in one Slack message)_"), *tail]
