"""The answer shape a question asks for, read from its question words in four languages."""

from __future__ import annotations

import pytest

from knowledge.question_kind import (
    Kind,
    asks_for_our_specifics,
    counted_thing,
    figure_subject,
    kind_of,
    states_a_figure,
)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Which KPI names does /kpi accept?", Kind.LIST),
        ("Hvilke trin har kunderejsen?", Kind.LIST),
        ("Vilka är stegen i en kundresa?", Kind.LIST),
        ("Hva er de viktigste fallgruvene?", Kind.LIST),
        ("How do I share a KPI in the channel?", Kind.HOWTO),
        ("Hvordan ser jeg NPS for enterprise?", Kind.HOWTO),
        ("Hur minskar vi kundbortfallet?", Kind.HOWTO),
        ("How many responses does NPS need?", Kind.FIGURE),
        ("Hvor mange svar skal der til?", Kind.FIGURE),
        ("Hur stort var snittordervärdet?", Kind.FIGURE),
        ("Hvor lenge uten kjøp før en kunde regnes som tapt?", Kind.FIGURE),
        ("Hva ble NPS i regneeksempelet?", Kind.FIGURE),
        ("Hvad koster en licens til journeybot?", Kind.FIGURE),
        ("What does a licence cost per user?", Kind.FIGURE),
        ("Vad ligger konkurrenternas NPS på?", Kind.FIGURE),
        ("Which weekday does the story go out?", Kind.FIGURE),
        ("What was the pizza shop example about?", Kind.OTHER),
        ("When does the weekly story go out?", Kind.FIGURE),
        ("Vilka är de vanliga misstagen när man bygger kultur?", Kind.LIST),
        ("Folk slutar svara när vi frågar – vad gör vi fel?", Kind.HOWTO),
        ("What is customer churn?", Kind.DEFINITION),
        ("Vad är köpfrekvens?", Kind.DEFINITION),
        ("Kundesegmentering?", Kind.DEFINITION),
    ],
)
def test_the_question_words_say_which_shape_of_answer_is_wanted(question: str, kind: Kind) -> None:
    assert kind_of(question) == kind


def test_a_figure_is_a_number_in_digits_or_in_words_or_a_frequency() -> None:
    assert states_a_figure("Fewer than 30 responses.")
    assert states_a_figure("Spørg hvorfor fem ganger.")
    assert states_a_figure("Opdater dem mindst en gang om året.")
    assert not states_a_figure("Tal med jeres databeskyttelsesrådgiver ved tvivl.")


@pytest.mark.parametrize(
    ("question", "specific"),
    [
        ("What's our NPS target for next year?", True),
        ("What churn rate does our biggest competitor have?", True),
        ("Hvad er frafaldet hos vores største konkurrent?", True),
        ("Vilket CRM-system använder vi?", True),
        ("Hvor mange kunder har vi i Norge?", True),
        ("How do we reduce churn?", False),
        ("What four kinds of customer segments do we work with?", False),
        ("Hvad er NPS?", False),
    ],
)
def test_a_question_after_the_askers_own_value_or_choice_is_recognised(
    question: str, specific: bool
) -> None:
    assert asks_for_our_specifics(question) is specific


def test_a_how_many_question_names_what_it_counts() -> None:
    assert counted_thing("How many personas should a company have?") == "personas"
    assert counted_thing("Hvor mange kunder har vi i Norge?") == "kunder"
    assert counted_thing("Hur få svar räcker?") == "svar"
    assert counted_thing("How much does it cost?") is None


def test_a_figure_question_names_what_it_asks_the_figure_of() -> None:
    assert figure_subject("Vad blev CLV i räkneexemplet?") == "clv"
    assert figure_subject("Hva ble NPS i mars?") == "nps"
    assert figure_subject("How many personas should we have?") == "personas"


def test_number_words_are_read_in_the_texts_own_language() -> None:
    """'to' is two in Danish but a preposition in English; 'ni' is nine in Norwegian but
    'you' in Swedish."""
    assert states_a_figure("Det tager to uger.", "da")
    assert not states_a_figure("Talk to the customer first.", "en")
    assert states_a_figure("Ni av ti kunder svarer.", "no")
    assert not states_a_figure("Då förlorar ni pengar på varje ny kund.", "sv")
