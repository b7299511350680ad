"""Cross-lingual query expansion through a small, editable domain lexicon.

No offline multilingual embedding model exists here (FINDINGS.md), so an English question
would never meet a Danish passage by meaning. The lexicon (knowledge/lexicon.yaml) lists
concepts with the words that name them in da/no/sv/en; a question that names a concept
in any language is also searched with the concept's words in every language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import Stemmer
import yaml

from knowledge.lexical import LANGUAGES, STEMMERS, words

LEXICON_FILE = Path(__file__).with_name("lexicon.yaml")
_MIN_PREFIX = 4  # shorter stems ("kpi", "nps") must match a whole word


@dataclass(frozen=True)
class Concept:
    name: str
    terms: dict[str, tuple[str, ...]]  # language -> words/phrases


@cache
def load_lexicon(path: Path = LEXICON_FILE) -> tuple[Concept, ...]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return tuple(
        Concept(
            name,
            {
                language: tuple(str(term).lower() for term in entry.get(language, []) or [])
                for language in LANGUAGES
            },
        )
        for name, entry in raw.items()
    )


@cache
def _stem(term: str, language: str) -> str:
    return Stemmer.Stemmer(STEMMERS[language]).stemWord(term)


def _term_in(term: str, language: str, query_words: list[str], query_text: str) -> bool:
    parts = words(term)
    if len(parts) > 1:
        return re.search(rf"\b{re.escape(' '.join(parts))}", query_text) is not None
    if not parts:
        return False
    word = parts[0]
    stem = _stem(word, language)
    if len(stem) < _MIN_PREFIX:
        return word in query_words
    return any(candidate.startswith(stem) for candidate in query_words)


def concepts_in(query: str, path: Path = LEXICON_FILE) -> list[Concept]:
    """The lexicon concepts a query names, in any of the four languages."""
    query_words = words(query)
    query_text = " ".join(query_words)
    return [
        concept
        for concept in load_lexicon(path)
        if any(
            _term_in(term, language, query_words, query_text)
            for language, terms in concept.terms.items()
            for term in terms
        )
    ]


def expansion(query: str, path: Path = LEXICON_FILE) -> dict[str, list[str]]:
    """Per language, the words of every concept the query names (for BM25 per stemmer)."""
    found: dict[str, list[str]] = {language: [] for language in LANGUAGES}
    for concept in concepts_in(query, path):
        for language, terms in concept.terms.items():
            found[language].extend(terms)
    return found
