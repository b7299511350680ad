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

from bot import runtime
from bot.cli import kpi as kpi_command
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
    runtime.settings.cache_clear()
    runtime._engine.cache_clear()
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
    yield engine
    runtime.settings.cache_clear()
    runtime._engine.cache_clear()


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
    assert data["breakdown"] == [{"key": "smb", "value": pytest.approx(25.0), "n": 4}]
    assert data["low_sample"] is True
    assert chart.read_bytes()[:4] == b"\x89PNG"


def test_kpi_human_output_shows_value_sample_and_warning(cli_db: Engine) -> None:
    outcome = CliRunner().invoke(main, ["kpi", "nps", "--segment", "country=dk"])
    assert outcome.exit_code == 0, outcome.output
    assert "25.00 points" in outcome.output
    assert re.search(r"^n\s+4$", outcome.output, re.MULTILINE)
    assert "indicative" in outcome.output


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["kpi", "happiness"], "There is no KPI called 'happiness'"),
        (["kpi", "nps", "--period", "last month"], "2026-Q3"),
        (["kpi", "nps", "--segment", "name=Bob"], "segment, country"),
        (["kpi", "nps", "--period", "2020-01"], "No NPS responses"),
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
    runtime.settings.cache_clear()
    outcome = CliRunner().invoke(main, ["kpi", "list", "--json"])
    assert outcome.exit_code == 0, outcome.output
    names = {d["name"] for d in json.loads(outcome.output)}
    assert {
        "nps",
        "csat",
        "churn_rate",
        "retention_rate",
        "time_to_resolution",
        "clv",
        "aov",
    } <= names
    assert all(
        d["polarity"] in {"higher_is_better", "lower_is_better"} for d in json.loads(outcome.output)
    )
