"""A story is labelled with the language its customer wrote it in, by the product's one
detector (knowledge/language.py), which bot/ hands to the metrics layer."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from bot.stories.posting import prepare_card
from knowledge.language import detect
from metrics.stories.adding import add_story
from metrics.stories.selection import candidates
from tests.stories.story_rows import T0, add_customer, add_nps

NORWEGIAN = (
    "Kundeservice hjalp meg å finne riktig størrelse, og pakken kom dagen etter bestillingen."
)
SWEDISH = "Leveransen kom före midsommar och supporten ringde upp samma dag, helt fantastiskt."


def test_a_norwegian_story_is_labelled_norwegian_when_the_bot_prepares_it(engine: Engine) -> None:
    add_story(
        engine, title="Riktig størrelse", body=NORWEGIAN, source="interview", consent=True, now=T0
    )
    card = prepare_card(engine, allow_repeats=False, llm_model=None)
    assert card is not None
    assert card.language == "no"
    assert (card.source_label, card.kpi_line) == ("Intervju", "Ingen KPI koblet til ennå")


def test_a_swedish_promoter_comment_is_labelled_swedish(engine: Engine) -> None:
    add_customer(engine, "c1", "Anna Svensson", country="SE")
    add_nps(engine, "n1", "c1", 10, SWEDISH, consent=True)
    [card] = candidates(engine, detect_language=detect)
    assert card.language == "sv"
    assert card.kpi_line == "NPS-betyg: 10" and card.who == "en SMB-kund i Sverige"


def test_the_customers_words_decide_the_language_not_their_country(engine: Engine) -> None:
    add_customer(engine, "c1", "Ola Nordmann", country="DK")
    add_nps(engine, "n1", "c1", 9, NORWEGIAN, consent=True)
    [card] = candidates(engine, detect_language=detect)
    assert card.language == "no"
