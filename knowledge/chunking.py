"""Cut a Document into paragraph-sized chunks that follow its structure.

Retrieval scores a chunk as a whole, so a chunk should hold one idea: we cut at section
and paragraph boundaries, merge short neighbours up to a target size, and split inside a
paragraph only between sentences. Ids depend on source and position only, so re-ingesting
an edited file overwrites its chunks instead of adding duplicates.
"""

from __future__ import annotations

import hashlib
import re

from knowledge.models import Chunk, Document, Section
from knowledge.sentences import split_sentences
from knowledge.text import stem, stopwords, words

TARGET_CHARS = 750  # close a chunk once it reaches this size at a paragraph boundary
MIN_CHARS = 300  # a section shorter than this joins the next one instead of standing alone
SOFT_MAX_CHARS = 1000  # prefer closing early over growing past this
MAX_CHARS = 1500  # hard cap; only a single sentence longer than this is cut mid-sentence
SUMMARY_NEW_SHARE = 0.5  # a summary is indexed when more than this share of it is new


def chunk_id(source: str, position: int) -> str:
    """Stable id: the same file and position always map to the same chunk."""
    return f"{hashlib.sha1(source.encode('utf-8')).hexdigest()[:12]}-{position:04d}"


def chunk_document(document: Document) -> list[Chunk]:
    """Chunks in reading order, each with title, section heading, source and language; a
    summary that says what the body does not comes first, as a chunk of its own."""
    pieces: list[tuple[str, str]] = []  # (section heading, text)
    if _says_more(document.description, document):
        pieces.append(("", document.description))  # under the document's title
    tagged = len(pieces)  # the body's first chunk
    for heading, paragraphs in _merge_short_sections(document.sections):
        pieces.extend((heading, text) for text in _pack(paragraphs))
    about = _tags(document)
    return [
        Chunk(
            id=chunk_id(document.source, position),
            text=text,
            title=document.title,
            section=heading,
            source=document.source,
            language=document.language,
            position=position,
            about=about if position == tagged else "",
            url=document.url,
        )
        for position, (heading, text) in enumerate(pieces)
    ]


def _tags(document: Document) -> str:
    """The front matter's tags: the author's words for what the document is about, so
    retrieval ranks the body's first chunk by them too (they are never quoted)."""
    return f"Tags: {', '.join(document.tags)}." if document.tags else ""


def _says_more(summary: str, document: Document) -> bool:
    """Whether the front matter's summary/description is indexed: when most of its words
    (stems, without stopwords) are not in the body, it holds what only it can answer.

    A summary that retells the body would only compete with the passages it summarises.
    Measured 2026-12-04 with every starter-corpus summary (0-46 % new words; mostly teasers
    such as "here is the difference, the benefits and the limits") indexed: as a chunk of
    its own, 83 -> 81 of 136 right on the tuning set and 93 -> 86 of 185 on the blind set;
    prepended to the first chunk, 83 -> 79; as ranking-only text beside the tags, 84 -> 81."""
    new = _stems(summary, document.language)
    if not new:
        return False
    body = _stems(
        "\n".join([document.title, *(f"{s.heading}\n{s.text}" for s in document.sections)]),
        document.language,
    )
    return len(new - body) > SUMMARY_NEW_SHARE * len(new)


def _stems(text: str, language: str) -> set[str]:
    stop = stopwords(language)
    return {stem(word, language) for word in words(text) if word not in stop and len(word) > 1}


def _paragraphs(section: Section) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", section.text) if p.strip()]


def _merge_short_sections(sections: list[Section]) -> list[tuple[str, list[str]]]:
    """Group sections so that none is tiny: a short one carries forward into the next,
    its heading kept as a line of text so the words still count. The last group may be
    short if the document ends with a short section; it then joins the group before."""
    groups: list[tuple[str, list[str]]] = []
    heading, size = "", 0
    paragraphs: list[str] = []
    for section in sections:
        texts = _paragraphs(section)
        if not texts:
            continue
        if paragraphs and section.heading:
            texts = [section.heading, *texts]  # keep the later heading visible in the text
        if not paragraphs:
            heading = section.heading
        paragraphs.extend(texts)
        size += sum(len(text) for text in texts)
        if size >= MIN_CHARS:
            groups.append((heading, paragraphs))
            heading, paragraphs, size = "", [], 0
    if paragraphs:
        if groups and groups[-1][1] and size < MIN_CHARS:
            last_heading, last = groups[-1]
            extra = [heading, *paragraphs] if heading else paragraphs
            groups[-1] = (last_heading, [*last, *extra])
        else:
            groups.append((heading, paragraphs))
    return groups


def _pack(paragraphs: list[str]) -> list[str]:
    """Join paragraphs into chunks of about TARGET_CHARS, never above MAX_CHARS."""
    units: list[str] = []
    for paragraph in paragraphs:
        units.extend(_split_long(paragraph) if len(paragraph) > MAX_CHARS else [paragraph])
    chunks: list[str] = []
    current = ""
    for unit in units:
        candidate = f"{current}\n\n{unit}" if current else unit
        if current and _full(current, candidate):
            chunks.append(current)
            current = unit
        else:
            current = candidate
    if current:
        # A short tail would be a weak chunk of its own: attach it when it fits.
        if chunks and len(current) < MIN_CHARS and len(chunks[-1]) + len(current) + 2 <= MAX_CHARS:
            chunks[-1] = f"{chunks[-1]}\n\n{current}"
        else:
            chunks.append(current)
    return [chunk for chunk in chunks if chunk.strip()]


def _full(current: str, candidate: str) -> bool:
    """Close `current` rather than grow it into `candidate`?"""
    if len(current) >= TARGET_CHARS or len(candidate) > MAX_CHARS:
        return True
    return len(candidate) > SOFT_MAX_CHARS and len(current) >= MIN_CHARS


def _split_long(paragraph: str) -> list[str]:
    """Split an over-long paragraph between sentences into pieces of about TARGET_CHARS;
    a single sentence over MAX_CHARS is cut at word boundaries as a last resort. A list or
    table (one item per line) is split between its lines and keeps them."""
    if "\n" in paragraph.strip():
        lines: list[str] = []
        for line in (line for line in paragraph.split("\n") if line.strip()):
            lines.extend(_split_long(line) if len(line) > MAX_CHARS else [line])
        return _join(lines, "\n")
    sentences: list[str] = []
    for sentence in split_sentences(paragraph):
        sentences.extend(_split_words(sentence) if len(sentence) > MAX_CHARS else [sentence])
    return _join(sentences, " ")


def _join(units: list[str], separator: str) -> list[str]:
    """Units joined by `separator` into pieces of about TARGET_CHARS."""
    pieces: list[str] = []
    current = ""
    for unit in units:
        candidate = f"{current}{separator}{unit}" if current else unit
        if current and _full(current, candidate):
            pieces.append(current)
            current = unit
        else:
            current = candidate
    if current:
        pieces.append(current)
    return pieces


def _split_words(sentence: str) -> list[str]:
    pieces: list[str] = []
    current = ""
    for word in sentence.split():
        candidate = f"{current} {word}" if current else word
        if len(candidate) > MAX_CHARS and current:
            pieces.append(current)
            current = word[:MAX_CHARS]
        else:
            current = candidate[:MAX_CHARS]
    if current:
        pieces.append(current)
    return pieces
