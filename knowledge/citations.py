"""How a cited source is named and where people can open it.

A Slack user cannot open a server path, and an absolute one tells them about the server.
So a source is stored under its path relative to the folder it was ingested from, and
it links to a web page when one is known: the document's own URL (front-matter `url:`,
an HTML page's canonical link), else the base URL its folder is mapped to
(SOURCE_URL_MAP, for a wiki or drive export). The map is applied when an answer is made,
not at ingest, so changing it needs no re-ingest.

Only http(s) URLs with a host and nothing that could end or split a link are kept; the
Slack view checks again before it builds a link (bot/views/mrkdwn.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath, PureWindowsPath
from urllib.parse import quote, urlsplit

from knowledge.models import Answer

MAX_URL_CHARS = 2000
_WEB_SCHEMES = ("http", "https")
#: Characters no usable URL holds unencoded, and that would end or split a Slack link.
_NOT_IN_A_URL = re.compile(r"[\s<>|\"`\x00-\x1f\x7f]")


def web_url(value: object) -> str | None:
    """`value` if it is an http(s) URL with a host that can be linked as written, else
    None (`javascript:…`, `file:///…`, a relative path, a URL holding `|` or `>`)."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or len(url) > MAX_URL_CHARS or _NOT_IN_A_URL.search(url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. a malformed IPv6 host or port
        return None
    if parts.scheme.lower() not in _WEB_SCHEMES or not host:
        return None
    return url


def shown_name(file: Path, root: Path) -> str:
    """How an ingested file is named to people: its path relative to the folder it was
    ingested from ("confluence/Onboarding.md"), or its file name when it was named
    directly."""
    if root == file:
        return file.name
    try:
        return file.relative_to(root).as_posix()
    except ValueError:
        return file.name


def shown_source(stored: str) -> str:
    """A stored source as it may be shown. Indexes written before sources were stored
    relative hold the path as given to ingest, often absolute: only its file name is
    shown until the next ingest of that folder rewrites it."""
    for flavour in (PurePosixPath, PureWindowsPath):
        path = flavour(stored)
        if path.is_absolute() or path.drive:
            return path.name
    return stored


def parse_url_map(text: str) -> dict[str, str]:
    """`confluence/=https://wiki.example.com/display/CX/,drive/=https://drive.example.com/`
    as {folder prefix: base URL}; ValueError naming the first bad entry."""
    mapping: dict[str, str] = {}
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        prefix, equals, base = (part.strip() for part in entry.partition("="))
        if not equals:
            raise ValueError(f"the entry {entry!r} has no '=' between folder and URL")
        if not prefix or prefix.startswith(("/", "\\")) or ".." in prefix.split("/"):
            raise ValueError(
                f"the entry {entry!r} needs a folder relative to the ingested one, e.g. wiki/"
            )
        if web_url(base) is None:
            raise ValueError(f"the entry {entry!r} has no http(s) URL after '='")
        mapping[prefix] = base
    return mapping


def mapped_url(name: str, url_map: Mapping[str, str]) -> str | None:
    """The URL of the source `name` (relative path) under the longest matching prefix: the
    base URL followed by the rest of the path, URL-quoted."""
    for prefix in sorted(url_map, key=len, reverse=True):
        if name.startswith(prefix):
            return web_url(url_map[prefix] + quote(name[len(prefix) :], safe="/"))
    return None


def with_links(answer: Answer, url_map: Mapping[str, str]) -> Answer:
    """The answer with each source named as it may be shown and linked where it can be
    opened: its own URL first, else its folder's mapped URL."""
    sources = []
    for source in answer.sources:
        name = shown_source(source.source)
        url = web_url(source.url) or mapped_url(name, url_map)
        sources.append(source.model_copy(update={"source": name, "url": url}))
    return answer.model_copy(update={"sources": sources})
