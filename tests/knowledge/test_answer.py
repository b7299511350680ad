"""The extractive answerer: short, cited, quoted from the passages, deterministic."""

from __future__ import annotations

import re

from knowledge.answer import MAX_ANSWER_CHARS, SNIPPET_CHARS, extractive_answer, split_sentences
from knowledge.models import Hit
from tests.knowledge.hand_made import MemoryIndex, chunks


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

    assert "CLV = m · r / (1 + d − r)" in answer.answer  # with the line that announces it
    assert "2 142" not in answer.answer


def test_a_formula_line_is_not_quoted_when_the_question_does_not_ask_for_a_formula() -> None:
    hits = [_passage(_CLV_FORMULA, "Formeln")]
    answer = extractive_answer("Vad säger CLV om kunden?", "sv", hits)

    assert "m · r" not in answer.answer


def _guide(text: str, section: str, rank: int = 0, language: str = "en") -> Hit:
    from knowledge.models import Chunk

    chunk = Chunk(
        id=f"guide-{rank}",
        text=text,
        title="Keeping existing customers",
        section=section,
        source=f"hand-made/guide-{rank}.md",
        language=language,
        position=rank,
    )
    return Hit(chunk=chunk, score=1.0 / (1 + rank))


_LOOP = (
    "A feedback loop has four steps:\n\n"
    "1. Collect — NPS, CSAT, free text, support conversations.\n\n"
    "2. Understand — look for patterns that repeat.\n\n"
    "3. Act — fix the problem or improve the service.\n\n"
    "4. Close the loop — tell the customer what you did.\n\n"
    "The last step is the one most often skipped and the one that builds trust."
)


def test_a_which_are_the_steps_question_gets_the_list_items_each_cited() -> None:
    answer = extractive_answer("What are the steps of a feedback loop?", "en", [_guide(_LOOP, "")])

    lines = answer.answer.splitlines()
    assert lines[0] == "A feedback loop has four steps: [1]"
    assert lines[1:] == [
        "• Collect — NPS, CSAT, free text, support conversations. [1]",
        "• Understand — look for patterns that repeat. [1]",
        "• Act — fix the problem or improve the service. [1]",
        "• Close the loop — tell the customer what you did. [1]",
    ]


def test_a_heading_is_context_for_the_list_under_it_in_every_language() -> None:
    pitfalls = (
        "CLV bygger på marginen.\n\nFaldgruber\n\n"
        "- Omsætning i stedet for margin.\n- Korte perioder giver støj.\n"
        "- Gennemsnittet skjuler forskelle."
    )
    answer = extractive_answer(
        "Hvilke faldgruber er der ved CLV?", "da", [_guide(pitfalls, "", 0, "da")]
    )
    assert "• Korte perioder giver støj. [1]" in answer.answer.splitlines()


_NPS_SAMPLE = (
    "NPS is one question on a 0–10 scale. The bot flags a result as a small sample when "
    "it rests on fewer than 30 responses. Promoters answer 9 or 10."
)


def test_a_how_many_question_gets_the_sentence_with_the_figure() -> None:
    answer = extractive_answer(
        "How many NPS responses before journeybot flags a small sample?",
        "en",
        [_guide(_NPS_SAMPLE, "Reading NPS")],
    )
    assert answer.answer.startswith("The bot flags a result as a small sample when it rests")


def test_the_answer_keeps_the_best_passage_when_a_later_one_shares_more_words() -> None:
    best = _guide("Close the loop: tell the customer what you fixed, it builds trust.", "Loops", 0)
    other = _guide(
        "Customers who complained want feedback, and customer feedback loops matter.", "Misc", 1
    )
    answer = extractive_answer(
        "Should we tell a customer who complained what we fixed?", "en", [best, other]
    )
    assert answer.answer.startswith("Close the loop: tell the customer what you fixed")


def test_a_how_many_question_is_refused_when_the_best_line_states_no_figure() -> None:
    hours = _guide("Customer service answers every customer the same day, also at weekends.", "")
    answer = extractive_answer(
        "How many hours is customer service open at weekends?", "en", [hours]
    )
    assert not answer.answered


def test_who_is_our_question_is_refused_when_the_passage_names_nobody() -> None:
    officer = _guide("Tal med jeres databeskyttelsesrådgiver ved tvivl.", "", 0, "da")
    assert not extractive_answer(
        "Hvem er vores databeskyttelsesrådgiver?", "da", [officer]
    ).answered
    named = _guide(
        "Jeres databeskyttelsesrådgiver er Mette Holm fra juridisk afdeling.", "", 0, "da"
    )
    assert extractive_answer("Hvem er vores databeskyttelsesrådgiver?", "da", [named]).answered


def test_a_question_after_our_own_figure_or_choice_is_refused_when_the_line_states_none() -> None:
    """General guidance about NPS, competitors or CRM systems does not say what the
    asker's organisation aims for, has or uses; a line that states it does."""
    about = _guide("NPS er et mål for loyalitet og anbefalingsvilje.", "", 0, "no")
    assert not extractive_answer("Hva er NPS-målet vårt for neste år?", "no", [about]).answered
    crm = _guide("Ett CRM-system samlar köp, ärenden och samtal på ett ställe.", "", 0, "sv")
    assert not extractive_answer("Vilket CRM-system använder vi?", "sv", [crm]).answered
    ours = _guide("Vårt CRM-system är HubSpot, som alla säljare har tillgång till.", "", 0, "sv")
    assert extractive_answer("Vilket CRM-system använder vi?", "sv", [ours]).answered
    target = _guide("NPS-målet for neste år er 45, opp fra 38 i år.", "", 0, "no")
    assert extractive_answer("Hva er NPS-målet vårt for neste år?", "no", [target]).answered


def test_a_how_many_question_is_answered_only_from_a_passage_that_names_what_it_counts() -> None:
    """A margin per customer per year is a figure, but not a number of questions a day."""
    margin = _guide("The margin is 30 % per active customer, counted over 365 days.", "CLV")
    assert not extractive_answer(
        "How many questions can I ask journeybot per day?", "en", [margin]
    ).answered
    limits = _guide("You can ask journeybot up to 200 questions per day.", "Limits")
    assert extractive_answer(
        "How many questions can I ask journeybot per day?", "en", [limits]
    ).answered


def test_a_what_was_the_figure_question_gets_the_worked_result_that_names_it() -> None:
    """The result of a worked example is a formula line; for "what was CLV?" it is the
    answer, ahead of lines that only share the example's other words."""
    example = _guide(
        "Tredje kvartalet 2026 har 92 dagar.\n\n"
        "Varje aktiv kund handlade i snitt för 1 800 kr under kvartalet.\n\n"
        "CLV = 2 142 × 0,782 / (1 + 0,10 − 0,782) ≈ 5 280 kr.",
        "Räkneexempel",
        0,
        "sv",
    )
    answer = extractive_answer(
        "Vad blev CLV i räkneexemplet för tredje kvartalet?", "sv", [example]
    )
    assert answer.answered and "5 280 kr" in answer.answer.split("[1]")[0]


def test_an_example_question_in_the_usage_guide_does_not_answer_the_question_it_quotes() -> None:
    """'/ask hvordan beregnes NPS?' shows how to ask; the formula answers."""
    formula = _guide(
        "NPS = andelen svar med 9–10 i procent minus andelen svar med 0–6 i procent.",
        "Formlen i journeybot",
        0,
        "da",
    )
    usage = _guide(
        "Der er tre måder at spørge på:\n\n"
        "- Nævn botten i en kanal: @journeybot hvad er NPS?\n"
        "- Skriv til den i en direkte besked (DM).\n"
        "- Brug kommandoen /ask hvordan beregnes NPS? Kun du ser det svar.",
        "Stil et spørgsmål",
        1,
        "da",
    )
    answer = extractive_answer("Hvordan beregner man NPS?", "da", [formula, usage])
    assert "9–10" in answer.answer and "/ask" not in answer.answer
