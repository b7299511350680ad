"""Hand-made passages and a small in-memory index, for answerer tests that need no store.

`MemoryIndex` has the Index interface the KnowledgeBase uses (search, count, health,
ingest) and ranks chunks by shared content terms, so tests control exactly which
passages come back; it records searches so tests can prove none happened.
"""

from __future__ import annotations

from pathlib import Path

from knowledge.models import Chunk, Hit, IngestReport
from knowledge.text import content_terms, matched

PASSAGES = [
    (
        "da",
        "Kundefrafald",
        "Hvad er churn?",
        "Churn, på dansk kundefrafald, er andelen af kunder, der stopper med at handle i en "
        "periode. Man beregner det som antal mistede kunder divideret med antal kunder ved "
        "periodens start. Et lavt kundefrafald tyder på, at kunderne får værdi ud af "
        "produktet. Virksomheder følger tallet hver måned.",
    ),
    (
        "no",
        "Net Promoter Score",
        "Slik måles NPS",
        "NPS måles ved å spørre kundene hvor sannsynlig det er at de vil anbefale bedriften "
        "til en venn, på en skala fra 0 til 10. Andelen som svarer 9 eller 10 minus andelen "
        "som svarer 0 til 6 gir scoren. Scoren går fra minus 100 til 100.",
    ),
    (
        "sv",
        "Samtycke",
        "Samtycke och kunddata",
        "Samtycke betyder att kunden aktivt har godkänt att företaget använder hennes "
        "personuppgifter för ett bestämt syfte. Ett samtycke ska kunna återkallas lika lätt "
        "som det gavs. Utan samtycke får kundberättelser inte publiceras med namn.",
    ),
    (
        "en",
        "Segmentation",
        "Segmenting customers",
        "Customer segmentation divides customers into groups that share needs or behaviour. "
        "Good segments are large enough to act on and differ in what they value. Teams use "
        "segments to tailor service, offers and communication.",
    ),
]


def chunks() -> list[Chunk]:
    return [
        Chunk(
            id=f"hand-made-{n}",
            text=text,
            title=title,
            section=section,
            source=f"hand-made/{title.lower().replace(' ', '-')}.md",
            language=language,
            position=0,
        )
        for n, (language, title, section, text) in enumerate(PASSAGES)
    ]


class MemoryIndex:
    def __init__(self, chunks: list[Chunk]) -> None:
        self.chunks = chunks
        self.searches: list[tuple[str, str]] = []

    def search(self, query: str, language: str, k: int = 8) -> list[Hit]:
        self.searches.append((query, language))
        terms = content_terms(query, language)
        scored = []
        for chunk in self.chunks:
            passage = content_terms(f"{chunk.title} {chunk.text}", chunk.language)
            score = len(matched(terms, passage)) / max(len(terms), 1)
            scored.append((score, chunk.id, chunk))
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [Hit(chunk=chunk, score=score) for score, _, chunk in scored[:k]]

    def count(self) -> int:
        return len(self.chunks)

    def health(self) -> None:
        return None

    def ingest(self, paths: list[Path], progress: object = None) -> IngestReport:
        return IngestReport()
