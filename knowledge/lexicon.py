"""Cross-lingual query expansion through a small, editable domain lexicon.

No offline multilingual embedding model exists here (FINDINGS.md), so an English question
would never meet a Danish passage by meaning. The lexicon (knowledge/lexicon.yaml) lists
concepts with the words that name them in da/no/sv/en; a question that names a concept
in any language is also searched with the concept's words in every language.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import Stemmer
import yaml

from knowledge.lexical import LANGUAGES, STEMMERS, stopwords, words

LEXICON_FILE = Path(__file__).with_name("lexicon.yaml")
_MIN_PREFIX = 3  # shorter stems must match a whole word


@dataclass(frozen=True)
class Concept:
    name: str
    terms: dict[str, tuple[str, ...]]  # language -> words/phrases


@cache
def load_lexicon(path: Path = LEXICON_FILE) -> tuple[Concept, ...]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    concepts = []
    for name, entry in raw.items():
        # YAML 1.1 reads a bare `no:` key as False; it means Norwegian here.
        by_language = {("no" if key is False else str(key)): value for key, value in entry.items()}
        concepts.append(
            Concept(
                str(name),
                {
                    language: tuple(str(term).lower() for term in by_language.get(language) or [])
                    for language in LANGUAGES
                },
            )
        )
    return tuple(concepts)


@cache
def _stem(term: str, language: str) -> str:
    return Stemmer.Stemmer(STEMMERS[language]).stemWord(term)


def concepts_in(query: str, path: Path = LEXICON_FILE) -> list[Concept]:
    """The lexicon concepts a query names, in any of the four languages."""
    found: list[Concept] = []
    for concepts in _concepts_at(words(query), path):
        found += [concept for concept in concepts if concept not in found]
    return found


def _concepts_at(query_words: list[str], path: Path) -> list[list[Concept]]:
    """For each query word, the concepts it (or a phrase it is part of) names."""
    concepts_at: list[list[Concept]] = [[] for _ in query_words]
    in_phrase: set[int] = set()
    # Phrases first: "personal data" is one concept, not "persona" + "personal" (staff).
    for phrases in (True, False):
        for concept in load_lexicon(path):
            for term_language, terms in concept.terms.items():
                for term in terms:
                    if (len(words(term)) > 1) != phrases:
                        continue
                    for position in _positions(term, term_language, query_words):
                        if not phrases and position in in_phrase:
                            continue
                        if phrases:
                            in_phrase.add(position)
                        if concept not in concepts_at[position]:
                            concepts_at[position].append(concept)
    return concepts_at


def translations(query: str, language: str, path: Path = LEXICON_FILE) -> dict[str, str]:
    """The query rewritten word for word into each language through the lexicon.

    Words (and phrases) that name a concept are replaced by the concept's words in the
    target language; other content words (names, numbers, GDPR) are kept as they are;
    the source language's stopwords are dropped. A crude translation, but it is what
    lets "What is customer churn?" meet "kundefrafald" with the Danish stemmer.
    """
    query_words = words(query)
    concepts_at = _concepts_at(query_words, path)
    stop = stopwords(language if language in LANGUAGES else "en")
    result: dict[str, str] = {}
    for target in LANGUAGES:
        out: list[str] = []
        used: set[str] = set()
        for word, concepts in zip(query_words, concepts_at, strict=True):
            if not concepts:
                if word not in stop:
                    out.append(word)
                continue
            for concept in concepts:
                if concept.name not in used:
                    used.add(concept.name)
                    out.extend(concept.terms[target])
        result[target] = " ".join(out)
    return result


def _positions(term: str, language: str, query_words: list[str]) -> list[int]:
    """Where the term occurs in the query words (phrases: every word of the phrase)."""
    parts = words(term)
    if not parts:
        return []
    stems = [_stem(part, language) for part in parts]

    def matches(word: str, part: str, stem: str) -> bool:
        return word == part if len(stem) < _MIN_PREFIX else word.startswith(stem)

    found: list[int] = []
    for start in range(len(query_words) - len(parts) + 1):
        if all(matches(query_words[start + i], parts[i], stems[i]) for i in range(len(parts))):
            found.extend(range(start, start + len(parts)))
    return found
