"""Slack mrkdwn for text we did not write: documents, LLM replies, stories, CSV values, input.

In mrkdwn `<!channel>`, `<@U123>`, `<!subteam^S1>` and `<https://evil|the official form>` are
live markup: a document holding them would make the bot ping everyone or show a disguised link.
Every untrusted string goes through `escape` before it is put in a message, a view or a
notification text; links we build ourselves go through `link`. Text arriving FROM Slack (a
message, a command) is in Slack's markup and becomes plain text with `plain` first, so it is
escaped exactly once on the way out.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

#: Zero-width joiner: `@​here` reads the same but is no broadcast word any more.
_ZWJ = "\u200d"
#: Words Slack may still turn into broadcasts without the `<!…>` markup (e.g. in some clients
#: and in notification texts); `name@here.com` is not one.
_BROADCAST = re.compile(r"(?<![\w@])@(channel|here|everyone)\b", re.IGNORECASE)
_LINK_SCHEMES = ("http", "https")
#: Characters that end or split a `<url|label>` link, or that no real URL contains.
_NOT_IN_A_LINK = re.compile(r"[\s<>|\x00-\x1f\x7f]")
#: `<…>` markup in text coming from Slack: user, channel, special mentions and links.
_SLACK_MARKUP = re.compile(r"<([^<>]*)>")


def escape(text: str) -> str:
    """Text shown as written: `&`, `<`, `>` as entities, broadcast words neutralised."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: f"@{_ZWJ}{m.group(1)}", escaped)


def safe_url(url: str) -> str | None:
    """The URL if it is an http(s) URL that fits in a Slack link, else None."""
    if not url or _NOT_IN_A_LINK.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _LINK_SCHEMES or not parts.netloc:
        return None
    return url


def link(url: str, label: str) -> str:
    """`<url|label>` with the label escaped; anything but a plain http(s) URL is not linked,
    only shown as escaped text, so `javascript:` or a URL smuggling a `|label` never links."""
    checked = safe_url(url)
    if checked is None:
        return escape(label or url)
    return f"<{checked.replace('&', '&amp;')}|{escape(label or url)}>"


def plain(slack_text: str) -> str:
    """Slack's markup as plain text: `<@U1|ann>` → `@ann`, `<@U1>` → `@U1`, `<#C1|general>` →
    `#general`, `<!here>` → `@here`, `<https://x|label>` → `label (https://x)`, entities decoded.

    For text from messages and commands that is stored or echoed: escaping it again
    later then shows what the person wrote, not `&amp;lt;`."""

    def readable(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            return f"@{label or target[1:]}"
        if target.startswith("#"):
            return f"#{label or target[1:]}"
        if target.startswith("!"):
            special = target[1:].split("^", 1)[0]
            if special == "date":
                return label
            if label:
                return label if label.startswith("@") else f"@{label}"
            return f"@{special}"
        if target.startswith("mailto:"):
            return label or target.removeprefix("mailto:")
        if label and label != target:
            return f"{label} ({target})"
        return target

    text = _SLACK_MARKUP.sub(readable, slack_text or "")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
