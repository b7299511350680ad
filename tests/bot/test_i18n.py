"""The message catalogue: every sentence in four languages, with the same blanks to fill."""

from __future__ import annotations

import string

import pytest

from bot.i18n import LANGUAGES, catalogue, language_or_fallback, say


def _placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_every_message_has_all_four_languages_with_the_same_placeholders(key: str) -> None:
    texts = catalogue()[key]
    assert set(texts) == set(LANGUAGES), f"{key} lacks {set(LANGUAGES) - set(texts)}"
    english = _placeholders(texts["en"])
    for language in LANGUAGES:
        assert _placeholders(texts[language]) == english, f"{key} [{language}]"


def test_a_message_is_said_in_the_asked_language_and_falls_back_to_english() -> None:
    assert say("kpi_question.show", "da", kpi="NPS") == "Vis vores NPS"
    assert say("kpi_question.show", "nb-NO", kpi="NPS") == "Vis vår NPS"
    assert say("kpi_question.show", "sv-SE", kpi="NPS") == "Visa vår NPS"
    assert say("kpi_question.show", "fr-FR", kpi="NPS") == "Show our NPS"
    assert say("kpi_question.show", None, kpi="NPS") == "Show our NPS"


def test_slack_locales_map_to_our_four_languages() -> None:
    assert [
        language_or_fallback(code) for code in ("da-DK", "nn-NO", "nb", "sv_SE", "en-GB", "de")
    ] == [
        "da",
        "no",
        "no",
        "sv",
        "en",
        "en",
    ]


def test_an_unknown_key_is_a_programming_error_not_an_empty_message() -> None:
    with pytest.raises(KeyError):
        say("no.such.key", "en")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_shared_answers_first_line_is_read_back_in_every_language(language: str) -> None:
    from bot.views.answer import asked_question, asked_text

    line = asked_text("U0ANNE", "Hvad er NPS & <churn>?", language)
    assert asked_question(line) == "Hvad er NPS & <churn>?"


#: (percent, thousands, signed change in points, day) as each language writes them.
FORMATS = {
    "da": ("3,9\u00a0%", "2.127", "+14,5 point", "1. okt. 2026"),
    "no": ("3,9\u00a0%", "2\u00a0127", "+14,5 poeng", "1. okt. 2026"),
    "sv": ("3,9\u00a0%", "2\u00a0127", "+14,5 poäng", "1 okt. 2026"),
    "en": ("3.9%", "2,127", "+14.5 points", "Oct 1, 2026"),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_writes_numbers_percentages_and_days_its_own_way(language: str) -> None:
    from datetime import date

    from bot import formatting

    percent, thousands, change, day = FORMATS[language]
    assert formatting.value(3.94, "%", locale=language) == percent
    assert formatting.count(2127, locale=language) == thousands
    assert formatting.delta(14.5, "points", locale=language) == change
    assert formatting.day(date(2026, 10, 1), locale=language) == day


def test_the_formatter_defaults_to_english_as_the_cli_prints() -> None:
    from bot import formatting

    assert formatting.value(1234.5, "DKK") == "1,235 DKK"
    assert formatting.delta(-0.25, "%") == "−0.3 pp"  # halves away from zero
    assert formatting.value(1234.5, "DKK", locale="da") == "1.235 DKK"
