"""What a probe asserts on: the mrkdwn the bot sent, and any Slack markup still live in it."""

from __future__ import annotations

import json
import re
from typing import Any

#: Markup Slack acts on: special and user/channel/group mentions, links, and the bare
#: broadcast words (a neutralised one has a zero-width joiner after the `@`).
LIVE = re.compile(
    r"<[!@#][^>]*>|<[a-z][a-z0-9+.-]*:[^>]*>|(?<![\w@])@(?:channel|here|everyone)\b",
    re.IGNORECASE,
)


def live_markup(text: str, allowed: tuple[str, ...] = ()) -> list[str]:
    """The live markup in `text`, except the pieces we put there ourselves (`allowed`)."""
    return [found for found in LIVE.findall(text) if found not in allowed]


def mrkdwn_texts(params: dict[str, Any]) -> list[str]:
    """Every string Slack reads as mrkdwn in a message or view: the top-level `text` (the
    notification) and each mrkdwn text object in blocks or a view; plain_text is skipped."""
    texts: list[str] = []
    if isinstance(params.get("text"), str):
        texts.append(params["text"])

    def walk(node: Any) -> None:  # noqa: ANN401 (JSON)
        if isinstance(node, str) and node[:1] in "[{":
            walk(json.loads(node))
        elif isinstance(node, dict):
            if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
                texts.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(params.get("blocks"))
    walk(params.get("view"))
    return texts


def assert_nothing_live(params: dict[str, Any], allowed: tuple[str, ...] = ()) -> str:
    """Fails with the offending pieces if any mrkdwn the bot sent holds live markup;
    returns all of it joined, for further assertions."""
    texts = mrkdwn_texts(params)
    assert texts, f"no mrkdwn in {params}"
    live = [piece for text in texts for piece in live_markup(text, allowed)]
    assert live == [], f"live Slack markup sent: {live}"
    return "\n".join(texts)
