"""What flows through the knowledge layer: documents in, chunks indexed, answers out.

Plain pydantic models so the CLI can print them as JSON and the bot can render them as
Block Kit without either knowing how they were made.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

Language = str  # one of "da", "no", "sv", "en"


class Section(BaseModel):
    """A run of text under one heading (the heading is "" before the first one)."""

    heading: str = ""
    text: str


class Document(BaseModel):
    source: str  # path as given to ingest; the index stores it relative to the folder
    title: str
    language: Language
    tags: list[str] = Field(default_factory=list)
    description: str = ""
    url: str = ""  # where people can open it (front-matter url, HTML canonical), if known
    sections: list[Section]
    content_hash: str


class Chunk(BaseModel):
    id: str  # stable: derived from source and position, so re-ingest replaces, never duplicates
    text: str
    title: str
    section: str
    source: str
    language: Language
    position: int
    # The front matter's tags, on a document's first chunk: retrieval ranks them, the
    # answer never quotes them (they describe the text, they are not its content).
    about: str = ""
    url: str = ""  # the document's own web address, "" when it has none


class Hit(BaseModel):
    """One retrieved chunk and its fused retrieval score (higher is better; scale is the
    fusion's own, so compare hits of one search with each other, not across searches)."""

    chunk: Chunk
    score: float


class SkippedFile(BaseModel):
    path: str
    reason: str


class IngestReport(BaseModel):
    added: int = 0
    updated: int = 0
    removed: int = 0
    skipped: int = 0
    unchanged: int = 0
    chunks: int = 0
    seconds: float = 0.0
    skipped_files: list[SkippedFile] = Field(default_factory=list)


class Source(BaseModel):
    """One cited passage. `source` is the path relative to the ingested folder (never a
    server path); `url` is where people can open it, None when no web address is known."""

    title: str
    source: str
    snippet: str
    score: float
    section: str = ""
    url: str | None = None

    @property
    def label(self) -> str:
        """`Title — Section`, or the title alone when the section repeats it or is empty."""
        if not self.section or self.section == self.title:
            return self.title
        return f"{self.title} — {self.section}"


class Answer(BaseModel):
    """The `journeybot ask --json` contract (DESIGN.md), plus an optional footer note."""

    answered: bool
    answer: str
    language: Language
    sources: list[Source] = Field(default_factory=list)
    note: str | None = None  # e.g. "The language model did not answer; this is extractive."
