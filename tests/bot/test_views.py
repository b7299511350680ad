"""Block Kit views stay inside Slack's limits and say what they should."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot import formatting
from bot.cli.render import render_kpi
from bot.listeners.commands.kpi import BadArguments, parse
from bot.views.answer import answer_blocks
from bot.views.home import Headline, home_view
from bot.views.kpi import change_line, help_blocks, kpi_blocks
from bot.views.limits import MAX_BLOCKS, MAX_HEADER_TEXT, MAX_SECTION_TEXT, split_text
from knowledge.models import Answer, Source
from metrics.models import KpiResult, Period
from metrics.registry import list_kpis


def assert_within_limits(blocks: list[dict]) -> None:
    assert len(blocks) <= MAX_BLOCKS
    for block in blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= MAX_HEADER_TEXT
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= MAX_SECTION_TEXT
        if block["type"] == "context":
            assert len(block["elements"]) <= 10


def result(**overrides: object) -> KpiResult:
    values: dict = {
        "kpi": "churn_rate",
        "title": "Churn rate",
        "description": "Share of customers active at the start who churned.",
        "value": 5.0,
        "unit": "%",
        "n": 200,
        "period": Period(
            start=datetime(2026, 10, 1, tzinfo=UTC),
            end=datetime(2026, 11, 1, tzinfo=UTC),
            label="2026-10",
        ),
        "previous": 4.0,
        "delta": 1.0,
        "polarity": "lower_is_better",
        "low_sample": False,
        "min_sample": 30,
    }
    values.update(overrides)
    return KpiResult(**values)


@pytest.mark.parametrize(
    ("language", "abstained", "hint"),
    [
        ("da", "Det kunne jeg ikke finde i vidensbasen.", "_Prøv at omformulere spørgsmålet"),
        ("no", "Jeg fant ikke dette i kunnskapsbasen.", "_Prøv å omformulere spørsmålet"),
        ("sv", "Jag hittade inte detta i kunskapsbasen.", "_Försök formulera om frågan"),
        ("en", "I could not find this in the knowledge base.", "_Try rephrasing"),
    ],
)
def test_the_hint_under_an_unanswered_question_is_in_the_askers_language(
    language: str, abstained: str, hint: str
) -> None:
    blocks = answer_blocks(Answer(answered=False, answer=abstained, language=language))
    text = blocks[0]["text"]["text"]
    assert text.startswith(f"{abstained}\n{hint}")
    assert language == "en" or "Try rephrasing" not in text


def test_a_huge_answer_is_split_into_sections_and_capped_at_fifty_blocks() -> None:
    answer = Answer(answered=True, answer="word " * 60_000, language="en")
    blocks = answer_blocks(answer, feedback_id=7)
    assert_within_limits(blocks)
    assert blocks[-1]["type"] == "actions"  # the buttons survive the cut


def test_many_sources_fit_one_context_block() -> None:
    sources = [
        Source(title=f"T{i}" * 500, source=f"doc{i}.md", snippet="", score=1.0, section="S")
        for i in range(30)
    ]
    blocks = answer_blocks(Answer(answered=True, answer="x", language="en", sources=sources))
    assert_within_limits(blocks)
    assert all(len(e["text"]) <= 2000 for b in blocks for e in b.get("elements", []))


def test_a_source_with_a_url_is_a_link_and_one_without_names_its_path_as_code() -> None:
    sources = [
        Source(title="Web", source="a.md", snippet="", score=1, section="", url="https://e.com/a"),
        Source(title="File", source="docs/b.md", snippet="", score=1, section="Intro"),
        Source(title="Same", source="c.md", snippet="", score=1, section="Same"),
    ]
    answer = Answer(answered=True, answer="One. [1] Two. [2]", language="en", sources=sources)
    blocks = answer_blocks(answer)
    context = [e["text"] for e in blocks[-1]["elements"]]
    assert context[1:] == [
        "1. <https://e.com/a|Web>",
        "2. *File* — Intro · `docs/b.md`",
        "3. *Same* · `c.md`",  # a section that repeats the title is not shown twice
    ]
    assert blocks[0]["text"]["text"] == "One. <https://e.com/a|[1]> Two. [2]"


def test_split_text_never_exceeds_the_limit_and_loses_nothing() -> None:
    text = " ".join(f"w{i}" for i in range(5000))
    pieces = split_text(text, 300)
    assert all(len(p) <= 300 for p in pieces)
    assert " ".join(pieces).split() == text.split()


def test_churn_going_up_is_shown_as_worse_and_nps_going_up_as_better() -> None:
    assert "worse" in change_line(result())
    nps = result(kpi="nps", unit="points", polarity="higher_is_better", delta=3.0, previous=1.0)
    assert "better" in change_line(nps)
    assert "worse" in change_line(result(delta=-1.0, polarity="higher_is_better"))


def test_percent_changes_are_in_percentage_points() -> None:
    assert "+1.0 pp" in change_line(result())
    assert formatting.value(42.123, "%") == "42.1%"


def test_values_round_half_away_from_zero_to_the_precision_their_size_deserves() -> None:
    assert formatting.value(1234.5, "DKK") == "1,235 DKK"
    assert formatting.value(38.25, "points") == "38.3 points"
    assert formatting.value(2.345, "hours") == "2.35 hours"
    assert formatting.value(None, "points") == "no data"
    assert formatting.delta(-3.25, "points") == "−3.25 points"
    assert formatting.delta(0.05, "%") == "+0.1 pp"


def test_the_terminal_and_slack_show_a_kpi_with_the_same_numbers() -> None:
    nps = result(
        kpi="nps",
        title="NPS",
        unit="points",
        polarity="higher_is_better",
        value=38.25,
        previous=35.0,
        delta=3.25,
    )
    terminal = render_kpi(nps)
    slack = json.dumps(kpi_blocks(nps), ensure_ascii=False)
    for shown in ("38.3 points", "+3.25 points", "vs previous period: 35.0 points", "better"):
        assert shown in terminal and shown in slack
    assert "38.25" not in terminal and "38.2 " not in slack


def test_slack_and_the_cli_refuse_one_segment_key_with_two_values_in_the_same_words() -> None:
    from metrics.errors import BadSegment
    from metrics.segments import parse_segments

    with pytest.raises(BadSegment) as from_cli:
        parse_segments(["segment=smb", "segment=enterprise"])
    with pytest.raises(BadSegment) as from_slack:
        parse("nps segment=smb segment=enterprise")
    assert str(from_slack.value) == str(from_cli.value)


def test_a_low_sample_is_flagged_and_a_long_title_is_clipped() -> None:
    blocks = kpi_blocks(result(low_sample=True, n=4, title="T" * 400))
    assert_within_limits(blocks)
    assert any("Only 4 observations" in b.get("text", {}).get("text", "") for b in blocks)


def test_kpi_help_fits_in_limits() -> None:
    assert_within_limits(help_blocks(list_kpis()))


def test_home_view_tolerates_kpis_without_data() -> None:
    view = home_view([Headline("nps", result()), Headline("csat", problem="No CSAT rows.")], None)
    assert view["type"] == "home"
    assert_within_limits(view["blocks"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nps", ("nps", None, {}, None, False)),
        (
            "NPS 2026-Q3 segment=enterprise country=DK by=segment share",
            ("nps", "2026-Q3", {"segment": "enterprise", "country": "DK"}, "segment", True),
        ),
    ],
)
def test_kpi_command_text_is_parsed(text: str, expected: tuple) -> None:
    request = parse(text)
    assert request is not None
    query = request.query
    assert (query.name, query.period, query.segments, query.by, request.share) == expected


def test_help_and_empty_text_mean_help_and_two_periods_are_refused() -> None:
    assert parse("") is None and parse("help") is None
    with pytest.raises(BadArguments, match="at most one period"):
        parse("nps 30d 90d")


def test_a_breakdown_row_under_the_minimum_sample_says_so_beside_its_n() -> None:
    from metrics.models import BreakdownRow

    rows = [
        BreakdownRow(key="DK", value=4.0, n=400, low_sample=False),
        BreakdownRow(key="FI", value=25.0, n=4, low_sample=True),
    ]
    text = "\n".join(b.get("text", {}).get("text", "") for b in kpi_blocks(result(breakdown=rows)))
    assert "*FI*: 25.0% (n = 4, low sample)" in text
    assert "*DK*: 4.0% (n = 400)" in text


def test_a_single_observation_is_not_called_observations() -> None:
    blocks = kpi_blocks(result(low_sample=True, n=1))
    texts = [b.get("text", {}).get("text", "") for b in blocks]
    assert any("Only 1 observation (" in t for t in texts)


def test_a_story_of_markup_characters_is_escaped_whole_across_sections_within_limits() -> None:
    from bot.views.story import story_message
    from metrics.stories.cards import StoryCard

    card = StoryCard(
        key="story:1",
        title="T" * 200,
        body="<" * 3000,  # the modal's maximum; escaped it is four times as long
        who="a customer",
        source="interview",
        source_label="Interview",
        kpi_line="",
        language="en",
    )
    text, blocks = story_message(card)
    assert_within_limits(blocks)
    assert "".join(b["text"]["text"] for b in blocks if b["type"] == "section") == "&lt;" * 3000
    assert len(text) <= 4000 and "<" not in text
