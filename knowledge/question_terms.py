"""Content terms of a question, matched against passage text across da/no/sv/en.

The answerer and the abstention check both ask one thing: which of the question's content
words does this passage contain? Same-language words match by Snowball stem (or by shared
prefix, for Scandinavian compounds); across languages they match through a small domain
lexicon of concepts (churn ↔ frafald ↔ kundeavgang ↔ kundbortfall …), because no offline
multilingual embedding model exists here (FINDINGS.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import Stemmer
from bm25s import stopwords as bm25_stopwords

_STEMMERS = {"da": "danish", "no": "norwegian", "sv": "swedish", "en": "english"}
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

# Words a question is made of that say nothing about its topic, in all four languages.
_QUESTION_WORDS = frozenset(
    """
    what how why which who when where does do can should explain tell mean means meaning
    define definition difference good best way ways use get make one also please and
    hvad hvordan hvorfor hvilke hvilken hvem hvornår hvor betyder kan skal man god gode
    bedste måde hva bety betyr vad hur varför vilka vilken vem när var innebär bästa bra
    sätt gör gøre gjøre göra eg matter important work works help need example examples
    vigtigt viktig viktigt eksempel exempel fungerer fungerar virker many much have has
    mange många meget mye mycket arbete arbejde arbeid without put happened bør bör våre
    vårt vår mere mer mest ska mens medan ofte ofta lidt litt lite redan allerede kommer
    komme hende skje hända hände menes menas gang går få får selv själv egen egne egna
    bare kun endnu ennå ännu også också hos gjør trenger behøver behöver needs tænke
    tenke tänka ifølge enligt according
    """.split()  # noqa: SIM905 (one word list, easy to read and extend)
)

# Concepts of the domain with the word beginnings that name them in en/da/no/sv. A token
# belongs to a concept when it starts with one of them, or (for beginnings of 5+ letters)
# contains one, so compounds such as "kundecentreret" count for both customer and centric.
_LEXICON: dict[str, tuple[str, ...]] = {
    "customer": ("customer", "client", "kunde", "kund", "klient", "clientel"),
    "centric": (
        "centric",
        "centred",
        "centered",
        "centrer",
        "sentrer",
        "sentri",
        "centri",
        "fokus",
        "focus",
    ),
    "churn": (
        "churn",
        "attrition",
        "frafald",
        "frafall",
        "kundeafgang",
        "kundeavgang",
        "bortfall",
        "afgang",
        "avgang",
        "opsig",
        "oppsig",
        "uppsäg",
        "cancel",
    ),
    "retention": ("retention", "retain", "fasthold", "bevar", "behold", "behåll", "keep"),
    "satisfaction": ("satisf", "tilfreds", "fornøy", "nöjd", "csat"),
    "loyalty": ("loyal", "lojal", "ambassad"),
    "segment": ("segment",),
    "consent": ("consent", "samtyk", "samtyc", "opt-in", "permission", "tilladel", "tillatel"),
    "privacy": (
        "privacy",
        "gdpr",
        "personal",
        "personlig",
        "persondata",
        "personvern",
        "personopplysning",
        "personuppgift",
        "privatliv",
        "integritet",
    ),
    "ethics": ("ethic", "etik", "etisk"),
    "lifetime": ("lifetime", "clv", "levetid", "livstid", "livstidsvärde"),
    "value": ("value", "værdi", "verdi", "värde", "valuable", "værdifuld", "verdifull"),
    "experience": ("experience", "oplevelse", "opplevelse", "upplevelse"),
    # Bare rejse/reise/resa is travel ("en rejse til Thailand"); the domain's journey is
    # the customer's, and compounds such as "kunderejsen" contain these beginnings.
    "journey": ("journey", "kunderejse", "kundereise", "kundresa", "touchpoint", "kontaktpunkt"),
    "measure": ("measur", "metric", "kpi", "måle", "måling", "mät", "mått", "track"),
    "nps": ("nps", "promoter", "detractor", "recommend", "anbefal", "rekommend", "net promoter"),
    "feedback": (
        "feedback",
        "tilbagemeld",
        "tilbakemeld",
        "återkoppl",
        "survey",
        "spørgeskema",
        "spørreskjema",
        "enkät",
        "undersøg",
        "undersøk",
        "undersök",
    ),
    "service": ("service", "support", "kundeservice", "kundtjänst"),
    "employee": ("employee", "staff", "medarbejd", "medarbeid", "medarbet", "ansat", "anställ"),
    "relationship": ("relation", "relasjon", "forhold"),
    "brand": ("brand", "merkevar", "varumärk"),
    "purchase": (
        "purchase",
        "buy",
        "order",
        "købes",
        "købet",
        "køber",
        "købt",
        "købs",
        "kjøp",
        "köpa",
        "köper",
        "köpt",
        "köpet",
        "köps",
        "handel",
        "handl",
    ),
    "revenue": (
        "revenue",
        "profit",
        "sales",
        "omsætning",
        "omsetning",
        "omsättning",
        "indtjening",
        "inntjening",
        "intäkt",
        "lønsom",
        "lønnsom",
        "lönsam",
    ),
    "price": ("price", "pricing", "pris"),
    "product": ("product", "produkt"),
    "communication": ("communicat", "kommunik"),
    "personalisation": ("personali", "tilpas", "anpass", "tailor"),
    "trust": ("trust", "tillid", "tillit"),
    "benefit": ("benefit", "advantage", "fordel", "fördel", "gevinst", "vinst"),
    "approach": ("approach", "tilgang", "tilnærming", "angreppssätt", "metode", "method", "metod"),
    "company": ("compan", "business", "firm", "virksomhed", "virksomhet", "bedrift", "företag"),
    "data": ("data", "analy", "information", "oplysning", "opplysning", "uppgift"),
    "strategy": ("strateg",),
    "culture": ("cultur", "kultur"),
    "complaint": ("complain", "klage", "klago", "reklamation"),
    "acquisition": (
        "acqui",
        "attract",
        "tiltræk",
        "tiltrekk",
        "attrahera",
        "värva",
        "new customer",
    ),
    "onboarding": ("onboard",),
    "sweden": ("sweden", "swedish", "sverige", "svensk"),
    "denmark": ("denmark", "danish", "danmark", "dansk"),
    "norway": ("norway", "norwegian", "norge", "norsk"),
}
# Words that begin with a concept's word but are names: "journeybot" is not a journey.
_NAMES = ("journeybot",)
# The concept that is everywhere in this domain: it places a question in the domain but
# says nothing about its topic (abstention weighs it as an ordinary word).
GENERIC_CONCEPTS = frozenset({"customer"})


@dataclass(frozen=True)
class Term:
    """One content word: its surface form, stem, and the domain concepts it names."""

    word: str
    stem: str
    concepts: frozenset[str]

    def matches(self, other: Term) -> bool:
        return self.same_word(other) or bool(self.concepts & other.concepts)

    def same_word(self, other: Term) -> bool:
        """Same word, same stem, or one a compound/inflection of the other (same language)."""
        if self.word == other.word or (self.stem == other.stem and len(self.stem) >= 4):
            return True  # stems of 1-3 letters ("bag" from "bager") match too much
        shorter, longer = sorted((self.word, other.word), key=len)
        return len(shorter) >= 5 and longer.startswith(shorter)


@cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMERS.get(language, "english"))


@cache
def _stopwords() -> frozenset[str]:
    words: set[str] = set(_QUESTION_WORDS)
    for name in (
        "STOPWORDS_EN_PLUS",
        "STOPWORDS_DANISH",
        "STOPWORDS_NORWEGIAN",
        "STOPWORDS_SWEDISH",
    ):
        words.update(getattr(bm25_stopwords, name))
    words.discard("kunde")  # Swedish "could", but Danish/Norwegian "customer"
    return frozenset(words)


@cache
def concepts_of(word: str) -> frozenset[str]:
    if word.startswith(_NAMES):
        return frozenset()
    found = set()
    for concept, beginnings in _LEXICON.items():
        for beginning in beginnings:
            if word.startswith(beginning) or (len(beginning) >= 5 and beginning in word):
                found.add(concept)
                break
    return frozenset(found)


def words(text: str) -> list[str]:
    return [match.group(0).lower() for match in _WORD.finditer(text)]


def content_terms(text: str, language: str) -> list[Term]:
    """The topic-bearing words of `text`, without stopwords, duplicates or 1-letter noise."""
    stopwords = _stopwords()
    stemmer = _stemmer(language)
    seen: set[str] = set()
    terms: list[Term] = []
    for word in words(text):
        if word in stopwords or len(word) < 2 or word.isdigit() or word in seen:
            continue
        seen.add(word)
        terms.append(Term(word, stemmer.stemWord(word), concepts_of(word)))
    return terms


def matched(question: list[Term], passage: list[Term]) -> list[Term]:
    """The question terms that some passage term matches."""
    return [term for term in question if any(term.matches(other) for other in passage)]


def how_matched(term: Term, passage: list[Term]) -> str | None:
    """How the passage meets the term: "word" (same word, stem or compound), "concept" (a
    shared domain concept), "generic" (only a generic concept such as customer), or None."""
    found = None
    for other in passage:
        if term.same_word(other):
            return "word"
        shared = term.concepts & other.concepts
        if shared - GENERIC_CONCEPTS:
            found = "concept"
        elif shared and found is None:
            found = "generic"
    return found
