"""`journeybot kpi`: the JSON contract other tools script against, and one-sentence errors."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import insert
from sqlalchemy.engine import Engine

from bot.cli import kpi as kpi_command
from metrics.rollups import rebuild
from metrics.schema import customers, nps_responses


@click.group()
def main() -> None:
    """The `journeybot` group with only this command registered, so these tests do not
    depend on the other commands' modules."""


kpi_command.register(main)


@pytest.fixture
def cli_db(
    home: Path, database_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Engine]:
    """The CLI pointed at a migrated database holding 4 NPS responses from the last 10 days:
    10, 9, 7, 3 → 50 % promoters − 25 % detractors = 25."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(customers),
            [
                {
                    "customer_id": "c1",
                    "segment": "smb",
                    "country": "DK",
                    "signed_up_at": now - timedelta(days=400),
                }
            ],
        )
        conn.execute(
            insert(nps_responses),
            [
                {
                    "response_id": f"r{i}",
                    "customer_id": "c1",
                    "score": s,
                    "responded_at": now - timedelta(days=i + 1),
                }
                for i, s in enumerate([10, 9, 7, 3])
            ],
        )
        rebuild(conn)  # written past the import: the rollups are refreshed by hand
    yield engine


def test_kpi_json_follows_the_documented_contract(cli_db: Engine, tmp_path: Path) -> None:
    chart = tmp_path / "nps.png"
    outcome = CliRunner().invoke(
        main, ["kpi", "nps", "--period", "30d", "--json", "--by", "segment", "--chart", str(chart)]
    )
    assert outcome.exit_code == 0, outcome.output
    data = json.loads(outcome.output)
    for key in (
        "kpi",
        "title",
        "value",
        "unit",
        "n",
        "period",
        "previous",
        "delta",
        "polarity",
        "series",
        "breakdown",
    ):
        assert key in data
    assert data["kpi"] == "nps" and data["value"] == pytest.approx(25.0) and data["n"] == 4
    assert set(data["period"]) >= {"start", "end"}
    assert data["previous"] is None and data["delta"] is None
    assert data["breakdown"] == [
        {"key": "smb", "value": pytest.approx(25.0), "n": 4, "low_sample": True}
    ]
    assert data["low_sample"] is True
    assert chart.read_bytes()[:4] == b"\x89PNG"


def test_kpi_human_output_shows_value_sample_and_warning(cli_db: Engine) -> None:
    outcome = CliRunner().invoke(main, ["kpi", "nps", "--segment", "country=dk"])
    assert outcome.exit_code == 0, outcome.output
    assert "25.0 points" in outcome.output
    assert re.search(r"^n\s+4$", outcome.output, re.MULTILINE)
    assert "indicative" in outcome.output


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["kpi", "happiness"], "There is no KPI called 'happiness'"),
        (["kpi", "nps", "--period", "last fortnight"], "2026-Q3"),
        (["kpi", "nps", "--segment", "name=Bob"], "segment, country"),
        (["kpi", "nps", "--period", "2020-01"], "No NPS responses"),
        (["kpi", "nps", "--period", "9999-12"], "I don't understand the period '9999-12'"),
        (["kpi", "nps", "--period", "0000"], "I don't understand the period '0000'"),
    ],
)
def test_bad_input_is_one_sentence_and_a_non_zero_exit(
    cli_db: Engine, args: list[str], fragment: str
) -> None:
    outcome = CliRunner().invoke(main, args)
    assert outcome.exit_code == 1
    assert fragment in outcome.output
    assert "Traceback" not in outcome.output


def test_kpi_list_json_has_every_definition(home: Path) -> None:
    outcome = CliRunner().invoke(main, ["kpi", "list", "--json"])
    assert outcome.exit_code == 0, outcome.output
    names = [d["name"] for d in json.loads(outcome.output)]
    assert sorted(names) == [
        "aov",
        "checkout_completion",
        "churn_rate",
        "clv",
        "csat",
        "nps",
        "purchase_frequency",
        "retention_rate",
        "revenue_share_existing",
        "time_to_resolution",
    ]
    assert all(
        d["polarity"] in {"higher_is_better", "lower_is_better"} for d in json.loads(outcome.output)
    )


def _month_start(months_back: int) -> datetime:
    """The first of the month `months_back` before the current one (the CLI uses the clock)."""
    now = datetime.now(UTC)
    index = now.year * 12 + now.month - 1 - months_back
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def test_the_verdict_follows_the_kpis_polarity(cli_db: Engine) -> None:
    """Both KPIs rise; a rise is worse for churn and better for NPS. Months two and three
    back, clear of the fixture's responses from the last ten days."""
    before, month = _month_start(3), _month_start(2)
    old = before - timedelta(days=200)
    churn_rows = [(old, before + timedelta(days=4)), (old, month + timedelta(days=4))]
    churn_rows += [(old, month + timedelta(days=5)), (old, None)]
    nps_rows = [(before, 0), (before, 10), (month, 10), (month, 10), (month, 7), (month, 0)]
    with cli_db.begin() as conn:
        conn.execute(
            insert(customers),
            [
                {"customer_id": f"k{i}", "signed_up_at": up, "churned_at": gone}
                for i, (up, gone) in enumerate(churn_rows)
            ],
        )
        conn.execute(
            insert(nps_responses),
            [
                {
                    "response_id": f"m{i}",
                    "customer_id": "k3",
                    "score": score,
                    "responded_at": first + timedelta(days=9),
                }
                for i, (first, score) in enumerate(nps_rows)
            ],
        )
        rebuild(conn)
    period = f"{month:%Y-%m}"
    # Churn (with the fixture's c1, never churned): the month before 1 of 5 = 20 %;
    # the month 2 of the 4 still active = 50 %: ▲ 30 pp, worse.
    churn = CliRunner().invoke(main, ["kpi", "churn", "--period", period])
    assert churn.exit_code == 0, churn.output
    assert f"▲ +30.0 pp vs previous period ({before:%Y-%m}): 20.0% — worse" in churn.output
    # NPS: the month before 0, 10 → 50 − 50 = 0; the month 10, 10, 7, 0 → 50 − 25 = 25.
    nps = CliRunner().invoke(main, ["kpi", "nps", "--period", period])
    assert nps.exit_code == 0, nps.output
    assert f"▲ +25.0 points vs previous period ({before:%Y-%m}): 0.00 points — better" in nps.output


def test_breakdown_rows_under_the_minimum_sample_are_marked(cli_db: Engine) -> None:
    outcome = CliRunner().invoke(main, ["kpi", "nps", "--period", "30d", "--by", "segment"])
    assert outcome.exit_code == 0, outcome.output
    assert re.search(r"^  smb\s+25\.0 points  n = 4 \(low sample\)$", outcome.output, re.M)


def test_the_warning_says_observation_for_a_single_one(cli_db: Engine) -> None:
    outcome = CliRunner().invoke(main, ["kpi", "nps", "--period", "2d"])
    assert outcome.exit_code == 0, outcome.output
    assert "only 1 observation (< 30): indicative" in outcome.output


@pytest.mark.parametrize(
    ("suffix", "magic"), [("svg", b"<?xml"), ("pdf", b"%PDF-"), ("PNG", b"\x89PNG")]
)
def test_the_chart_is_written_in_the_format_its_file_name_asks_for(
    cli_db: Engine, tmp_path: Path, suffix: str, magic: bytes
) -> None:
    chart = tmp_path / f"nps.{suffix}"
    outcome = CliRunner().invoke(main, ["kpi", "nps", "--period", "30d", "--chart", str(chart)])
    assert outcome.exit_code == 0, outcome.output
    assert chart.read_bytes().startswith(magic)
    assert f"chart written to {chart}" in outcome.output


@pytest.mark.parametrize("name", ["nps.jpg", "nps"])
def test_a_chart_file_name_of_another_format_is_one_sentence_and_nothing_written(
    cli_db: Engine, tmp_path: Path, name: str
) -> None:
    chart = tmp_path / name
    outcome = CliRunner().invoke(main, ["kpi", "nps", "--period", "30d", "--chart", str(chart)])
    assert outcome.exit_code != 0
    assert ".png, .svg or .pdf" in outcome.output
    assert "Traceback" not in outcome.output and len(outcome.output.strip().splitlines()) == 1
    assert not chart.exists()
