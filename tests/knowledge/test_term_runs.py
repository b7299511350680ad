"""knowledge.text.term_runs (phrases for comment themes) and knowledge.language.sure."""

from __future__ import annotations

from knowledge.language import sure
from knowledge.text import content_terms, term_runs


def words_of(text: str, language: str) -> list[list[str]]:
    return [[term.word for term in run] for run in term_runs(text, language)]


def test_a_stopword_filler_or_punctuation_ends_a_run_and_repeated_words_are_kept() -> None:
    assert words_of("Lang ventetid, forkert faktura og forkert faktura.", "da") == [
        ["lang", "ventetid"],
        ["forkert", "faktura"],
        ["forkert", "faktura"],
    ]
    assert words_of("Vi ventede fem dage på svar fra kundeservice - igen!", "da") == [
        ["ventede", "fem", "dage"],
        ["svar"],
        ["kundeservice"],
    ]
    # Intensifiers and "again" name no topic: "alldeles för höga priser" is about prices.
    assert words_of("Alldeles för höga priser, igen.", "sv") == [["höga", "priser"]]


def test_runs_carry_the_same_stems_and_concepts_as_content_terms() -> None:
    text = "Ventetiden i telefonkøen var lang."
    flat = [term for run in term_runs(text, "da") for term in run]
    assert flat == content_terms(text, "da")
    assert "waiting_time" in flat[0].concepts and flat[0].stem == "ventetid"


def test_a_glossary_phrase_names_its_concept_on_each_of_its_words() -> None:
    [run, *_] = term_runs("Hold time was far too long.", "en")
    assert [term.word for term in run[:2]] == ["hold", "time"]
    assert all("waiting_time" in term.concepts for term in run[:2])


def test_sure_names_a_language_only_when_the_text_clearly_speaks_it() -> None:
    assert sure("Prisen steg, uden at vi fik mere for pengene.") == "da"
    assert sure("Fast delivery and everything well packed.") == "en"
    assert sure("Snabbt svar i chatten.") is None  # no word votes: the caller decides
    assert sure("Kundeservice var hyggelig og hjelpsom.") is None  # votes split no/sv/da
    assert sure("") is None
