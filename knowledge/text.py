"""Text into terms, one way for every stage: indexing, retrieval, abstention, answering.

A word is a run of letters or digits, lowercased. Its stem is the Snowball stem in the
text's language (da/no/sv/en). Its concepts come from the glossary
(knowledge/glossary.py): the cross-lingual meanings it names, through its stem, an
inflection, a phrase it is part of ("personal data"), or the parts of a Scandinavian
compound (kundefrafald = kunde + frafald). Stopwords are the four languages' function
words plus the words questions are made of ("what", "hvordan", "vilka"), which say
nothing about a topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import Stemmer
from bm25s import stopwords as bm25_stopwords

from knowledge import glossary

STEMMERS = {"da": "danish", "no": "norwegian", "sv": "swedish", "en": "english"}
LANGUAGES = tuple(STEMMERS)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOPWORD_LISTS = {
    "da": "STOPWORDS_DANISH",
    "no": "STOPWORDS_NORWEGIAN",
    "sv": "STOPWORDS_SWEDISH",
    "en": "STOPWORDS_EN_PLUS",
}
# Words a question is made of that say nothing about its topic, in all four languages.
QUESTION_WORDS = frozenset(
    """
    what how why which who when where does do can should could would we our us you your
    explain tell mean means meaning define definition difference good best way ways use get
    make one also please and hvad hvordan hvorfor hvilke hvilken hvilket hvem hvornår hvor
    betyder kan skal man god gode bedste måde hva bety betyr vad hur varför vilka vilken
    vilket vem när var innebär bästa bra sätt gör gøre gjøre göra eg matter important work
    works help need example examples vigtigt viktig viktigt fungerer fungerar virker many
    much have has mange många meget mye mycket without put happened bør bör våre vårt vår
    mere mer mest ska mens medan often ofte ofta lidt litt lite redan allerede kommer komme hende
    skje hända hände menes menas gang går få får selv själv egen egne egna bare kun endnu
    ennå ännu også också hos gjør trenger behøver behöver needs tænke tenke tänka ifølge
    fått fået fikk fick got gotten akkurat præcis precis exactly fint flot flott fina
    enligt according see sees se ser finde finder finne finner hitta hittar find finds
    """.split()  # noqa: SIM905 (one word list, easy to read and extend)
)


def words(text: str) -> list[str]:
    return [match.group(0).lower() for match in _WORD.finditer(text)]


@cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(STEMMERS.get(language, "english"))


@cache
def stem(word: str, language: str) -> str:
    return _stemmer(language).stemWord(word)


@cache
def stopwords(language: str) -> frozenset[str]:
    """One language's function words and the question words (for BM25 tokens)."""
    found = set(getattr(bm25_stopwords, _STOPWORD_LISTS.get(language, "STOPWORDS_EN_PLUS")))
    found |= QUESTION_WORDS
    if language in ("da", "no"):
        found.discard("kunde")  # "customer", not the Swedish "could"
    return frozenset(found)


@cache
def _any_stopwords() -> frozenset[str]:
    """Function words of all four languages: a question's content words are the rest,
    whichever language the detector settled on."""
    found: set[str] = set()
    for language in LANGUAGES:
        found |= stopwords(language)
    found.discard("kunde")
    return frozenset(found)


@dataclass(frozen=True)
class Term:
    """One content word: its surface form, stem, and the glossary concepts it names."""

    word: str
    stem: str
    concepts: frozenset[str]

    def matches(self, other: Term) -> bool:
        return self.same_word(other) or bool(self.concepts & other.concepts)

    def same_word(self, other: Term) -> bool:
        """Same word, same stem, or one a compound/inflection of the other."""
        if self.word == other.word or (self.stem == other.stem and len(self.stem) >= 4):
            return True  # stems of 1-3 letters ("bag" from "bager") match too much
        shorter, longer = sorted((self.word, other.word), key=len)
        return len(shorter) >= 5 and longer.startswith(shorter)


def _is_content(word: str, stop: frozenset[str]) -> bool:
    if word in stop or len(word) < 2:
        return False
    # Numbers carry the question when they are years or amounts ("2027"), not list numbers.
    return not word.isdigit() or len(word) >= 3


def is_content_word(word: str) -> bool:
    """Whether a (lowercased) word can carry a topic in any of the four languages: not a
    function or question word of any of them ("the" searched with the Danish stemmer
    would otherwise rank English passages for an English question's translation)."""
    return _is_content(word, _any_stopwords())


def content_terms(text: str, language: str) -> list[Term]:
    """The topic-bearing words of `text`, without stopwords, duplicates or 1-letter noise,
    each with its glossary concepts (phrases first: "personal data" is one concept)."""
    return list(_content_terms(text, language))


@lru_cache(maxsize=20_000)  # passages come back question after question
def _content_terms(text: str, language: str) -> tuple[Term, ...]:
    stop = _any_stopwords()
    all_words = words(text)
    concepts_at = glossary.concepts_at(all_words, language)
    seen: set[str] = set()
    terms: list[Term] = []
    for word, concepts in zip(all_words, concepts_at, strict=True):
        if word in seen or not (_is_content(word, stop) or _in_phrase(word, concepts, language)):
            continue
        seen.add(word)
        terms.append(Term(word, stem(word, language), frozenset(concepts)))
    return tuple(terms)


#: Words that intensify or repeat but name no topic ("alldeles för höga priser", "igen",
#: "always"): survey comments are full of them. term_runs drops them like stopwords; the
#: question-answering stages keep to `stopwords`.
FILLER_WORDS = frozenset(
    """
    igen igjen again alltid altid always aldrig aldri never really veldig väldigt jätte super
    altfor alldeles far totally helt completely bara still stadig stadigvæk fortsatt
    fortfarande even nok ganske ret rigtig riktig virkelig verkligen actually quite rather
    little mega enormt extremely ekstremt
    """.split()  # noqa: SIM905 (one word list, easy to read and extend)
)
#: Where a phrase cannot run on: sentence and clause punctuation, brackets, quotes, a dash
#: between spaces.
_CLAUSE_BREAK = re.compile(r"[.,;:!?…()\[\]{}\"“”«»]|\s[-–—]\s")


def term_runs(text: str, language: str) -> list[list[Term]]:
    """The text's content words in reading order, cut wherever a stopword, a filler word
    (FILLER_WORDS) or punctuation stands between two of them: "Lang ventetid, igen. Forkert
    faktura" → [[lang, ventetid], [forkert, faktura]]. Adjacent terms of one run are a
    phrase ("lang ventetid"); unlike content_terms, a word is kept each time it occurs, so a
    caller can count and quote."""
    return [list(run) for run in _term_runs(text, language)]


@lru_cache(maxsize=20_000)  # survey comments repeat ("Fast delivery.")
def _term_runs(text: str, language: str) -> tuple[tuple[Term, ...], ...]:
    stop = _any_stopwords() | FILLER_WORDS
    runs: list[tuple[Term, ...]] = []
    for clause in _CLAUSE_BREAK.split(text):
        clause_words = words(clause)
        run: list[Term] = []
        for word, concepts in zip(
            clause_words, glossary.concepts_at(clause_words, language), strict=True
        ):
            if _is_content(word, stop):
                run.append(Term(word, stem(word, language), frozenset(concepts)))
            elif run:
                runs.append(tuple(run))
                run = []
        if run:
            runs.append(tuple(run))
    return tuple(runs)


def _in_phrase(word: str, concepts: frozenset[str], language: str) -> bool:
    """A question word inside a glossary phrase carries it: "gang" in "komme i gang"
    (get started) is no longer the stopword "gang" (times)."""
    return len(word) >= 3 and bool(concepts) and concepts != glossary.concepts_of(word, language)


CONCEPT_MARK = "@"  # concept tokens cannot collide with words: words never contain "@"


def concept_tokens(text_words: list[str], language: str) -> list[str]:
    """The text as language-neutral tokens: each content word becomes the glossary
    concepts it names ("@churn" for churn, frafald, kundeavgang, kundbortfall), or its
    stem when it names none (names and numbers stay themselves: "hsbc", "2027"). A phrase
    counts once. So one BM25 over these tokens ranks an English question against Danish,
    Norwegian, Swedish and English passages on equal terms, with the concept's document
    frequency across all of them as its weight."""
    stop = _any_stopwords()
    tokens: list[str] = []
    previous: frozenset[str] = frozenset()
    for word, concepts in zip(text_words, glossary.concepts_at(text_words, language), strict=True):
        if not (_is_content(word, stop) or _in_phrase(word, concepts, language)):
            continue
        if concepts:
            if concepts != previous:  # the words of one phrase name it once
                tokens.extend(CONCEPT_MARK + concept_id for concept_id in sorted(concepts))
            previous = concepts
        else:
            previous = frozenset()
            tokens.append(stem(word, language))
    return tokens


def matched(question: list[Term], passage: list[Term]) -> list[Term]:
    """The question terms that some passage term matches."""
    return [term for term in question if any(term.matches(other) for other in passage)]
