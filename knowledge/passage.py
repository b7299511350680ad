"""A passage's structure as a reader sees it: headings, the lines under them, lists.

Chunk text keeps the document's paragraphs (blank-line separated) with Markdown emphasis
already removed by the loaders; a later section's heading stays in the text as a line of
its own. The answerer quotes from this structure: a list is answered with its items, a
heading is context for the lines under it, and prose is split into sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.sentences import split_sentences

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$")
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
_HEADING_MAX_CHARS = 90


@dataclass
class Part:
    """A heading with the prose and the list items that stand under it, in order."""

    heading: str
    lines: list[Line] = field(default_factory=list)


@dataclass(frozen=True)
class Line:
    """One quotable unit: a prose sentence, or one list item (`item` > 0: its list's number
    within the part, so consecutive items of one list share it)."""

    text: str
    item: int = 0
    lead: bool = False  # the prose line right before a list ("A feedback loop has four steps:")


def clean(text: str) -> str:
    """Text as a reader should see it: no front matter, link targets or emphasis marks."""
    text = _FRONT_MATTER.sub("", text)
    text = _LINK.sub(r"\1", text)
    return _EMPHASIS.sub("", text)


def _is_heading(paragraph: str) -> bool:
    """A short line without a sentence's end: "Common mistakes", "Slik måles NPS"."""
    if _HEADING.match(paragraph):
        return True
    line = " ".join(paragraph.split())
    return (
        "\n" not in paragraph.strip()
        and len(line) <= _HEADING_MAX_CHARS
        and not re.search(r"[.!?…:;,]$", line)
        and "=" not in line  # a formula on its own line: "CLV = m · r / (1 + d − r)"
        and not line[:1].islower()
        and not _BULLET.match(paragraph)
    )


def parts(text: str, section: str = "") -> list[Part]:
    """The passage cut at its inline headings; the first part has the chunk's section."""
    found = [Part(section)]
    lists = 0
    previous_was_item = False
    for paragraph in re.split(r"\n\s*\n", clean(text)):
        lines = [line for line in paragraph.splitlines() if line.strip()]
        if not lines:
            continue
        if len(lines) == 1 and _is_heading(lines[0]):
            heading = _HEADING.match(lines[0])
            found.append(Part(" ".join((heading.group(1) if heading else lines[0]).split())))
            previous_was_item = False
            continue
        prose: list[str] = []
        for line in lines:
            if _BULLET.match(line):
                if prose:
                    _add_prose(found[-1], " ".join(prose))
                    prose = []
                if not previous_was_item:
                    lists += 1
                    _mark_lead(found[-1])
                found[-1].lines.append(Line(" ".join(_BULLET.sub("", line).split()), item=lists))
                previous_was_item = True
            elif previous_was_item and line.startswith((" ", "\t")):
                last = found[-1].lines[-1]  # an item's continuation line
                found[-1].lines[-1] = Line(f"{last.text} {' '.join(line.split())}", last.item)
            else:
                prose.append(line)
        if prose:
            _add_prose(found[-1], " ".join(prose))
            previous_was_item = False
    return [part for part in found if part.lines]


def _add_prose(part: Part, text: str) -> None:
    part.lines.extend(Line(sentence) for sentence in split_sentences(text))


def _mark_lead(part: Part) -> None:
    if part.lines and not part.lines[-1].item:
        part.lines[-1] = Line(part.lines[-1].text, lead=True)
