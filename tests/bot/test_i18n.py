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
