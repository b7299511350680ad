"""Questions in words read into the `/kpi` query, per language, and routed KPI vs concept."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.answering.kpi_questions import Route, read_question
from metrics.periods import resolve_period
from metrics.registry import get_kpi

NOW = datetime(2026, 12, 10, 12, tzinfo=ZoneInfo("Europe/Copenhagen"))


def read(text: str):  # noqa: ANN201
    question = read_question(text, now=NOW)
    assert question is not None, text
    return question


@pytest.mark.parametrize(
    ("text", "kpi", "period", "segments"),
    [
        ("Hvad var vores NPS i oktober?", "nps", "2026-10", {}),
        (
            "Hvad var kundefrafaldet i forrige kvartal for enterprise?",
            "churn_rate",
            "2026-Q3",
            {"segment": "enterprise"},
        ),
        ("Hvordan ligger fastholdelsen de sidste 30 dage?", "retention_rate", "30d", {}),
        ("Hvad er vores ordreværdi i Danmark i år?", "aov", "ytd", {"country": "DK"}),
        ("Hvad var NPS i januar?", "nps", "2026-01", {}),
    ],
)
def test_danish_questions_for_our_figure_become_the_kpi_query(text, kpi, period, segments) -> None:
    question = read(text)
    assert (question.route, question.language) == (Route.KPI, "da")
    assert (question.kpi, question.period, question.segments) == (kpi, period, segments)


@pytest.mark.parametrize(
    ("text", "kpi", "period", "segments"),
    [
        ("Hvor lang tid tar det å løse saker nå?", "time_to_resolution", None, {}),
        ("Hva var kundeavgangen i fjor?", "churn_rate", "2025", {}),
        ("Hvordan har kundetilfredsheten utviklet seg siste 12 uker?", "csat", "12w", {}),
        ("Hva var NPS-en vår i Norge forrige måned?", "nps", "2026-11", {"country": "NO"}),
    ],
)
def test_norwegian_questions_for_our_figure_become_the_kpi_query(
    text, kpi, period, segments
) -> None:
    question = read(text)
    assert (question.route, question.language) == (Route.KPI, "no")
    assert (question.kpi, question.period, question.segments) == (kpi, period, segments)


@pytest.mark.parametrize(
    ("text", "kpi", "period", "segments"),
    [
        ("Hur har NPS utvecklats i år?", "nps", "ytd", {}),
        ("Vad var kundbortfallet förra kvartalet?", "churn_rate", "2026-Q3", {}),
        (
            "Hur lång är lösningstiden för smb just nu?",
            "time_to_resolution",
            None,
            {"segment": "smb"},
        ),
        ("Vad var vårt ordervärde i Sverige i fjol?", "aov", "2025", {"country": "SE"}),
    ],
)
def test_swedish_questions_for_our_figure_become_the_kpi_query(text, kpi, period, segments) -> None:
    question = read(text)
    assert (question.route, question.language) == (Route.KPI, "sv")
    assert (question.kpi, question.period, question.segments) == (kpi, period, segments)


@pytest.mark.parametrize(
    ("text", "kpi", "period", "segments"),
    [
        (
            "What's churn this quarter for enterprise?",
            "churn_rate",
            "2026-Q4",
            {"segment": "enterprise"},
        ),
        ("What was our CSAT last week?", "csat", "7d", {}),
        ("Show me AOV in Q3 2025", "aov", "2025-Q3", {}),
        ("What was retention in the third quarter?", "retention_rate", "2026-Q3", {}),
        ("How high was NPS in the last 90 days?", "nps", "90d", {}),
    ],
)
def test_english_questions_for_our_figure_become_the_kpi_query(text, kpi, period, segments) -> None:
    question = read(text)
    assert (question.route, question.language) == (Route.KPI, "en")
    assert (question.kpi, question.period, question.segments) == (kpi, period, segments)


@pytest.mark.parametrize(
    "text",
    [
        "Hvordan beregnes NPS?",
        "Hvad er kundefrafald?",
        "Hvordan beregner man kundeavgang?",
        "Hva betyr CLV?",
        "Vad betyder retention?",
        "Hur kan vi öka vår kundnöjdhet?",
        "What is churn?",
        "How can we improve our NPS?",
        "Why does retention matter?",
        "How is the Net Promoter Score calculated?",
        "What is churn rate & who counts?",
    ],
)
def test_questions_about_the_concept_go_to_the_knowledge_base(text) -> None:
    assert read(text).route is Route.CONCEPT


@pytest.mark.parametrize(
    "text",
    [
        "Hvad bliver vejret i weekenden?",
        "Hvor lang tid tar det å kjøre til Bergen?",
        "What was Apple's revenue last quarter?",
        "",
    ],
)
def test_questions_that_name_no_kpi_are_left_to_the_knowledge_base(text) -> None:
    assert read_question(text, now=NOW) is None


@pytest.mark.parametrize("text", ["NPS", "How do we calculate churn for last quarter?"])
def test_a_bare_kpi_or_a_mix_of_value_and_concept_is_asked_back(text) -> None:
    assert read(text).route is Route.UNSURE


def test_a_month_not_yet_begun_this_year_means_last_years() -> None:
    assert read("What was NPS in December?").period == "2026-12"
    early = datetime(2026, 2, 3, tzinfo=ZoneInfo("Europe/Copenhagen"))
    assert read_question("What was NPS in December?", now=early).period == "2025-12"
    assert read_question("What was NPS in Q4?", now=early).period == "2025-Q4"
    assert read_question("What was NPS last month?", now=datetime(2026, 1, 5)).period == "2025-12"


def test_country_codes_count_only_in_capitals_since_se_and_no_are_words() -> None:
    assert read("Hvordan kan jeg se vores NPS i oktober?").segments == {}
    assert read("NPS for SE in October").segments == {"country": "SE"}


def test_an_unknown_kpi_asked_for_by_value_gets_the_catalogue_sentence() -> None:
    question = read("Hvad var vores bruttomargin i oktober?")
    assert question.route is Route.KPI and question.kpi is None
    assert "bruttomargin" in question.problem and "nps" in question.problem


def test_a_period_in_words_that_is_not_understood_gets_the_accepted_forms() -> None:
    question = read("Hvad var vores NPS i sommer?")
    assert question.route is Route.KPI
    assert "2026-Q3" in question.problem and "ytd" in question.problem


@pytest.mark.parametrize(
    "text",
    [
        "NPS i oktober",
        "churn forrige kvartal",
        "csat de sidste 30 dage",
        "aov i år",
        "ttr i fjor",
        "retention Q2",
        "nps last week",
        "clv this month",
    ],
)
def test_every_period_read_is_one_resolve_period_accepts(text) -> None:
    question = read(text)
    get_kpi(question.kpi)
    resolve_period(question.period, timezone="Europe/Copenhagen", now=NOW)
