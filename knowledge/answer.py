"""The default answerer: the retrieved passages' own best sentences, each cited.

Deterministic and offline: sentences are scored by how many of the question's content
terms they contain (stems, compounds and the cross-lingual lexicon of question_terms),
plus small bonuses for the passage's rank, opening sentences, sentences in the asker's
language and sentences that start with a question term ("Churn is …"); the greedy pick
prefers sentences that cover question terms not yet covered and spreads over passages.
Nothing is invented: every sentence is quoted from a passage (Markdown links and
emphasis removed) and cited; the text stays in the passage's language. Command examples
("/kpi …") and worked formulas ("NPS = 55 − 20 = 35") are skipped: out of context they
mislead; a formula in words ("NPS = % of 9–10 minus % of 0–6") is kept, it is a definition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.messages import sources_language_note
from knowledge.models import Answer, Hit, Source
from knowledge.question_terms import Term, content_terms, matched

MAX_ANSWER_CHARS = 600
MAX_SENTENCES = 3
MIN_SENTENCES = 2
MAX_SENTENCE_CHARS = 320
SNIPPET_CHARS = 240
PASSAGES_CONSIDERED = 5
MIN_NEW_SOURCE_OVERLAP = 0.34  # share of question terms a sentence from a further source needs

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s.*$", re.MULTILINE)
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.MULTILINE)
# A worked formula has a number right after "=" or around "×"/"÷" ("NPS = 55 − 20 = 35");
# a definition ("NPS = % of 9–10 minus % of 0–6") is the answer to "how is it calculated?".
_NOT_PROSE = re.compile(
    r"^[/`$>]|^(?:Sources?|Kilder?|Källa|Källor):|=\s*[−–-]?\d|\d\s*[×÷*/]\s*\d", re.IGNORECASE
)
# "How is NPS calculated?" asks for the formula: its definition line and its section lead.
_ASKS_FORMULA = re.compile(
    r"\b(?:calculat|comput|formula|measur|beregn|udregn|regne|formel|måle|måles|räkna|räknar|"
    r"beräkna|mäta|mäts|mäter)",
    re.IGNORECASE,
)
_FORMULA_SECTION = re.compile(r"formel|formula|definition|definisjon|beregn|beräkn|räkna", re.I)
_DEFINITION = re.compile(r"^[\w ()·/%-]{2,40}\s=\s\S")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“«(]?[A-ZÆØÅÄÖÉ0-9])")


def clean_passage(text: str) -> str:
    """Passage text as a reader should see it: no front matter, headings, link targets."""
    text = _FRONT_MATTER.sub("", text)
    text = _HEADING.sub("\n", text)
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub("", text)
    return _BULLET.sub("", text)


def split_sentences(text: str) -> list[str]:
    sentences: list[str] = []
    for block in re.split(r"\n\s*\n|\n(?=\S)", clean_passage(text)):
        block = " ".join(block.split())
        if block:
            sentences.extend(part.strip() for part in _SENTENCE_END.split(block) if part.strip())
    return sentences


def shorten(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters, marked with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:–- ")
    return cut + "…"


@dataclass
class _Candidate:
    rank: int  # of its passage among the hits
    position: int  # within its passage
    text: str
    covered: frozenset[str]  # question words this sentence contains
    stems: frozenset[str]
    grams: frozenset[str]  # character 4-grams: catch the same sentence in da and no
    base: float


def _candidates(
    question_terms: list[Term], language: str, hits: list[Hit], formula_wanted: bool = False
) -> list[_Candidate]:
    found: list[_Candidate] = []
    for rank, hit in enumerate(hits[:PASSAGES_CONSIDERED]):
        formula_section = formula_wanted and bool(_FORMULA_SECTION.search(hit.chunk.section or ""))
        for position, sentence in enumerate(split_sentences(hit.chunk.text)):
            definition = formula_wanted and bool(_DEFINITION.match(sentence))
            if len(sentence) < 12 or (len(sentence) < 25 and not definition):
                continue  # headings and list fragments don't answer anything
            if not definition and not re.search(r"[.!…]$", sentence):
                continue  # nor do questions
            if _NOT_PROSE.search(sentence):
                continue  # command examples and worked formulas need their context
            terms = content_terms(sentence, hit.chunk.language)
            covered = frozenset(term.word for term in matched(question_terms, terms))
            overlap = len(covered) / len(question_terms) if question_terms else 0.0
            base = (
                overlap
                + 0.15 / (1 + rank)
                + (0.05 if position == 0 else 0.0)
                + (0.1 if hit.chunk.language == language else 0.0)
                + (0.1 if matched(question_terms, terms[:3]) else 0.0)  # "Churn is …"
                + (0.3 if definition else 0.1 if formula_section else 0.0)
            )
            found.append(
                _Candidate(
                    rank,
                    position,
                    shorten(sentence, MAX_SENTENCE_CHARS),
                    covered,
                    frozenset(term.stem for term in terms),
                    _grams(sentence),
                    base,
                )
            )
    return found


def _pick(candidates: list[_Candidate], question_size: int) -> list[_Candidate]:
    """Greedy: best new coverage first, no near-duplicates, within the length budget."""
    chosen: list[_Candidate] = []
    covered: set[str] = set()
    remaining = list(candidates)
    length = 0
    while remaining and len(chosen) < MAX_SENTENCES:
        best = max(remaining, key=lambda c: _gain(c, chosen, covered, question_size))
        remaining.remove(best)
        cited = {c.rank for c in chosen}
        if not best.covered and (len(chosen) >= MIN_SENTENCES or best.rank not in cited):
            continue  # off-question sentences only as context next to a cited one
        weak = question_size and len(best.covered) / question_size < MIN_NEW_SOURCE_OVERLAP
        if chosen and weak and best.rank not in cited:
            continue  # a new source must earn its citation, not share one stray word
        if chosen and length + len(best.text) + 5 > MAX_ANSWER_CHARS:
            continue
        if any(_similar(best, other) for other in chosen):
            continue
        chosen.append(best)
        covered |= best.covered
        length += len(best.text) + 5
    return chosen  # best first: the sentence that answers most leads


def _gain(
    candidate: _Candidate, chosen: list[_Candidate], covered: set[str], question_size: int
) -> tuple[float, int, int]:
    """Base score, plus newly covered question terms, minus repeats of one passage."""
    new = len(candidate.covered - covered) / question_size if question_size else 0.0
    same_passage = sum(1 for c in chosen if c.rank == candidate.rank)
    return (candidate.base + 0.3 * new - 0.1 * same_passage, -candidate.rank, -candidate.position)


def _grams(sentence: str) -> frozenset[str]:
    text = " ".join(sentence.lower().split())
    return frozenset(text[i : i + 4] for i in range(len(text) - 3))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def _similar(a: _Candidate, b: _Candidate) -> bool:
    """Near-duplicates: mostly the same stems, or (the seed articles exist in Danish and in
    Norwegian) mostly the same letters; unrelated sentences share under ~0.17 of 4-grams."""
    return _jaccard(a.stems, b.stems) > 0.5 or _jaccard(a.grams, b.grams) > 0.22


def extractive_answer(question: str, language: str, hits: list[Hit]) -> Answer:
    """A short answer quoted from `hits` (best first), each sentence followed by [n]."""
    question_terms = content_terms(question, language)
    formula_wanted = bool(_ASKS_FORMULA.search(question))
    candidates = _candidates(question_terms, language, hits, formula_wanted)
    chosen = _pick(candidates, len(question_terms))
    citation_of: dict[int, int] = {}
    parts: list[str] = []
    sources: list[Source] = []
    for candidate in chosen:
        if candidate.rank not in citation_of:
            citation_of[candidate.rank] = len(citation_of) + 1
            hit = hits[candidate.rank]
            sources.append(source_of(hit, candidate.text))
        parts.append(f"{candidate.text} [{citation_of[candidate.rank]}]")
    passage_languages = [hits[rank].chunk.language for rank in citation_of]
    return Answer(
        answered=bool(parts),
        answer=" ".join(parts),
        language=language,
        sources=sources,
        note=sources_language_note(language, passage_languages),
    )


def source_of(hit: Hit, cited_text: str | None = None) -> Source:
    """The citation entry for a passage; the snippet starts at the cited sentence."""
    text = " ".join(clean_passage(hit.chunk.text).split())
    if cited_text:
        start = text.find(cited_text.rstrip("…")[:60])
        if start > 0:
            text = text[start:]
    return Source(
        title=hit.chunk.title,
        source=hit.chunk.source,
        snippet=shorten(text, SNIPPET_CHARS),
        score=round(float(hit.score), 4),
        section=hit.chunk.section,
    )
