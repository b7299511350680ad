"""Errors a Slack user can cause are said in their language: every error code raised in
metrics/, knowledge/ or bot/ has a catalogue sentence whose blanks the error fills, and /kpi
says its errors in the asker's Slack language over HTTP."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from bot.i18n import catalogue
from bot.slack.failures import problem_text
from metrics.errors import BadPeriod
from metrics.periods import resolve_period
from metrics.registry import get_kpi
from tests.bot.bot_harness import BotServer

ROOT = Path(__file__).resolve().parents[2]
_CODE = re.compile(r'(?<!Wording\()\bcode="(?P<code>[a-z_]+)"')  # not a period's wording


def raised_codes() -> set[str]:
    found: set[str] = set()
    for package in ("metrics", "knowledge", "bot"):
        for path in (ROOT / package).rglob("*.py"):
            found |= set(_CODE.findall(path.read_text(encoding="utf-8")))
    return found


def test_the_source_raises_error_codes_at_all() -> None:
    assert {"unknown_kpi", "bad_period", "question_empty", "kpi_not_understood"} <= raised_codes()


@pytest.mark.parametrize("code", sorted(raised_codes()))
def test_every_error_code_has_a_sentence_in_the_catalogue(code: str) -> None:
    assert f"error.{code}" in catalogue(), f"add error.{code} to bot/i18n/catalogue/errors.yaml"


def _blanks(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


@pytest.mark.parametrize(
    "make",
    [
        lambda: get_kpi("happiness"),
        lambda: resolve_period("lastweek"),
        lambda: resolve_period("2026-W60"),
        lambda: resolve_period("2026-10-15..2026-09-15"),
    ],
    ids=["unknown kpi", "bad period", "no such week", "range backwards"],
)
def test_an_errors_values_fill_every_blank_of_its_sentence(make) -> None:  # noqa: ANN001
    with pytest.raises(Exception) as raised:
        make()
    error = raised.value
    template = catalogue()[f"error.{error.code}"]["da"]
    assert _blanks(template) - {"title"} <= set(error.values)
    danish = problem_text(error, "da")
    assert danish != str(error) and "{" not in danish


def test_english_readers_get_the_errors_own_sentence_and_what_they_typed_is_escaped() -> None:
    error = BadPeriod(
        "I don't understand <!channel>.", code="bad_period", text="<!channel>", forms="30d"
    )
    assert problem_text(error, "en") == "I don't understand &lt;!channel&gt;."
    assert "&lt;!channel&gt;" in problem_text(error, "sv")


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("da-DK", "Jeg forstår ikke perioden 'lastweek'; brug "),
        ("nb-NO", "Jeg forstår ikke perioden 'lastweek'; bruk "),
        ("sv-SE", "Jag förstår inte perioden 'lastweek'; använd "),
        ("en-US", "I don't understand the period 'lastweek'; use "),
    ],
)
def test_kpi_says_a_bad_period_in_the_askers_slack_language(
    make_bot, locale: str, expected: str
) -> None:
    bot: BotServer = make_bot()
    bot.api.set_locale("U0ALICE", locale)
    bot.command("/kpi", "nps lastweek")
    [message] = [call.params for call in bot.api.wait_for("response_url")]
    assert message["text"].startswith(expected), message["text"]
    assert "30d" in message["text"]
