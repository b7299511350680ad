"""The extractive answerer: short, cited, quoted from the passages, deterministic."""

from __future__ import annotations

import re

from hand_made import MemoryIndex, chunks

from knowledge.answer import MAX_ANSWER_CHARS, SNIPPET_CHARS, extractive_answer, split_sentences
from knowledge.models import Hit


def _hits(question: str, language: str) -> list[Hit]:
    return MemoryIndex(chunks()).search(question, language)


def test_extractive_answer_cites_only_passages_it_lists_and_stays_short() -> None:
    hits = _hits("Hvad er churn, og hvordan beregner man kundefrafald?", "da")
    answer = extractive_answer("Hvad er churn, og hvordan beregner man kundefrafald?", "da", hits)

    assert answer.answered
    cited = [int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)]
    assert cited and set(cited) == set(range(1, len(answer.sources) + 1))
    assert len(answer.answer) <= MAX_ANSWER_CHARS + 20  # the citation markers
    assert 1 <= len(re.findall(r"\[\d+\]", answer.answer)) <= 4
    assert answer.sources[0].title == "Kundefrafald"
    assert all(len(source.snippet) <= SNIPPET_CHARS for source in answer.sources)


def test_every_answer_sentence_is_quoted_verbatim_from_a_retrieved_passage() -> None:
    hits = _hits("How is NPS measured?", "en")
    answer = extractive_answer("How is NPS measured?", "en", hits)
    passage_sentences = {s for hit in hits for s in split_sentences(hit.chunk.text)}

    quoted = [part.strip() for part in re.split(r"\s*\[\d+\]\s*", answer.answer) if part.strip()]
    assert quoted and all(sentence in passage_sentences for sentence in quoted)
    assert answer.sources[0].title == "Net Promoter Score"


def test_the_same_question_always_gets_the_same_answer() -> None:
    question = "What does consent mean for customer stories?"
    first = extractive_answer(question, "en", _hits(question, "en"))
    again = extractive_answer(question, "en", _hits(question, "en"))
    assert first == again
    assert "Samtycke" in first.answer


def test_an_answer_quoted_from_another_language_says_so_in_the_askers_language() -> None:
    question = "What is churn?"
    answer = extractive_answer(question, "en", _hits(question, "en"))
    assert answer.note == "The sources are in Danish; the answer quotes them."


def test_markdown_links_and_headings_do_not_reach_the_answer() -> None:
    text = "# Heading\n\nKunder er [centrum](/customer) for alt, vi gør. Det betyder noget.\n"
    assert split_sentences(text) == ["Kunder er centrum for alt, vi gør.", "Det betyder noget."]


def test_the_footer_names_only_the_languages_the_asker_may_not_read() -> None:
    from knowledge.messages import sources_language_note

    assert sources_language_note("en", ["en", "en"]) is None
    assert sources_language_note("en", ["en", "da"]) == (
        "Some sources are in Danish; the answer quotes them."
    )
    assert sources_language_note("sv", ["da", "no"]) == (
        "Källorna är på danska, norska; svaret citerar dem."
    )


def _passage(text: str, section: str) -> Hit:
    from knowledge.models import Chunk

    chunk = Chunk(
        id=f"formula-{section}",
        text=text,
        title="Kundens livstidsvärde",
        section=section,
        source="hand-made/clv.md",
        language="sv",
        position=0,
    )
    return Hit(chunk=chunk, score=1.0)


_CLV_FORMULA = (
    "journeybot räknar CLV så här:\n\n**CLV = m · r / (1 + d − r)**\n\n"
    "där m är bruttomarginalen per kund och år."
)
_CLV_EXAMPLE = "Ett exempel: CLV = 2 142 × 0,782 / (1 + 0,10 − 0,782) ≈ 5 280 kr för kunden."


def test_a_how_is_it_calculated_question_gets_the_formula_in_words_not_the_worked_example() -> None:
    hits = [_passage(_CLV_EXAMPLE, "Räkneexempel"), _passage(_CLV_FORMULA, "Formeln")]
    answer = extractive_answer("Hur räknar man ut CLV?", "sv", hits)

    assert answer.answer.startswith("CLV = m · r / (1 + d − r)")
    assert "2 142" not in answer.answer


def test_a_formula_line_is_not_quoted_when_the_question_does_not_ask_for_a_formula() -> None:
    hits = [_passage(_CLV_FORMULA, "Formeln")]
    answer = extractive_answer("Vad säger CLV om kunden?", "sv", hits)

    assert "m · r" not in answer.answer
