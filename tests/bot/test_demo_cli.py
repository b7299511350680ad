"""`journeybot demo`, the README's first command: on an empty home it shows all three jobs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main

pytestmark = pytest.mark.slow  # seeds ~80k rows and indexes the starter corpus


def test_demo_on_a_fresh_home_shows_a_cited_answer_a_live_kpi_and_a_story(home: Path) -> None:
    result = CliRunner().invoke(main, ["demo", "--serve"])
    assert result.exit_code == 0, result.output
    out = result.output

    assert re.search(r"Knowledge base: \d{2,} passages from \d{2} articles", out)
    answer = out.split('$ journeybot ask "Hvordan beregner man NPS?"')[1].split("$ ")[0]
    assert "9–10" in answer and "[1]" in answer and "Sources:" in answer
    kpi = out.split("$ journeybot kpi nps --period 90d")[1].split("$ ")[0]
    assert re.search(r"value\s+-?\d+\.\d points", kpi) and re.search(r"n\s+[\d,]+", kpi)
    story = out.split("$ journeybot story next")[1].split("$ ")[0]
    assert "—" in story and "No consented story" not in story
    assert "To connect Slack" in out  # no tokens: says what to set instead of failing
    assert "DEBUG" not in out


def test_demo_run_twice_reports_the_same_index_without_duplicating_it(home: Path) -> None:
    first = CliRunner().invoke(main, ["demo"])
    again = CliRunner().invoke(main, ["demo"])
    assert first.exit_code == again.exit_code == 0, again.output

    def passages(out: str) -> str:
        return re.search(r"Knowledge base: ([\d,]+) passages", out).group(1)

    assert passages(first.output) == passages(again.output)
