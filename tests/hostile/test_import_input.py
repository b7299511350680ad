"""CSV files from real systems: placeholder and overflowing timestamps, NUL bytes, and two
imports of one file at once. Each is refused or serialised the same way on SQLite and
PostgreSQL, with the line to fix, and nothing half-written."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.cli import main
from metrics.csv_import import import_csv
from metrics.db import exclusive
from metrics.errors import DatabaseBusy, ImportRejected
from metrics.schema import customers


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(customers)).scalar_one()


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "customers.csv"
    path.write_text(text, encoding="utf-8")
    return path


# --- extreme timestamps ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("stamp", "reason"),
    [
        ("0001-01-01T00:00:00", "'0001-01-01T00:00:00' is outside the years 1900–2999"),
        ("0001-01-01T00:00:00+01:00", "'0001-01-01T00:00:00+01:00' is outside the years"),
        ("9999-12-31T23:59:59", "'9999-12-31T23:59:59' is outside the years 1900–2999"),
        ("9999-12-31T23:59:59-01:00", "'9999-12-31T23:59:59-01:00' is outside the years"),
        ("1899-12-31T23:59:59Z", "'1899-12-31T23:59:59Z' is outside the years 1900–2999"),
        ("-0001-01-01", "'-0001-01-01' is not an ISO 8601 timestamp"),
        ("99999-01-01", "'99999-01-01' is not an ISO 8601 timestamp"),
        ("2026-01-01T00:00:00+99:00", "is not an ISO 8601 timestamp"),
    ],
)
def test_an_extreme_timestamp_is_refused_with_its_row_and_column(
    engine: Engine, tmp_path: Path, stamp: str, reason: str
) -> None:
    path = _write(
        tmp_path,
        f"customer_id,signed_up_at\nc1,2026-01-01T00:00:00Z\nc2,{stamp}\n",
    )
    with pytest.raises(ImportRejected) as error:
        import_csv(engine, "customers", path)
    assert len(error.value.errors) == 1
    assert error.value.errors[0].startswith("row 3, column signed_up_at: ")
    assert reason in error.value.errors[0]
    assert _count(engine) == 0


def test_the_first_and_last_supported_moments_import(engine: Engine, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "customer_id,signed_up_at\nc1,1900-01-01T00:00:00Z\nc2,2999-12-31T23:59:59.999999Z\n",
    )
    assert import_csv(engine, "customers", path).inserted == 2


# --- NUL bytes ------------------------------------------------------------------------


def test_a_nul_byte_is_refused_with_its_line_on_every_backend(
    engine: Engine, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        'customer_id,name,signed_up_at\nc1,"two\nlines",2026-01-01\nc2,Ann\x00e,2026-01-01\n'
        "c3\x00,Bo,2026-01-01\n",
    )
    with pytest.raises(ImportRejected) as error:
        import_csv(engine, "customers", path)
    assert error.value.errors == [
        "row 4, column name: contains a NUL byte (\\x00), which cannot be stored; remove it",
        "row 5, column customer_id: contains a NUL byte (\\x00), which cannot be stored; remove it",
    ]
    assert _count(engine) == 0


# --- two imports at once --------------------------------------------------------------


def test_an_import_while_another_one_writes_waits_at_most_its_bound_then_says_so(
    engine: Engine, tmp_path: Path
) -> None:
    path = _write(tmp_path, "customer_id,signed_up_at\nc1,2026-01-01\n")
    with exclusive(engine, "import"), pytest.raises(DatabaseBusy) as error:  # "the other import"
        import_csv(engine, "customers", path, wait_seconds=0)
    assert str(error.value).startswith("Another import on the metrics database at ")
    assert str(error.value).endswith(
        "is still running after 0 s of waiting; nothing was written; run this again when it "
        "has finished."
    )
    assert _count(engine) == 0


def test_an_import_waits_for_the_running_one_then_updates_what_it_wrote(
    engine: Engine, tmp_path: Path
) -> None:
    path = _write(tmp_path, "customer_id,signed_up_at\nc1,2026-01-01\nc2,2026-01-02\n")
    validated = threading.Event()
    outcome: list[object] = []

    def second_import() -> None:
        def progress(done: int, total: int) -> None:
            if done == total:  # the file is read and staged; the merge comes next
                validated.set()

        try:
            outcome.append(import_csv(engine, "customers", path, progress=progress))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcome.append(error)

    thread = threading.Thread(target=second_import)
    with exclusive(engine, "import"):  # the first import, writing c1 and c2
        with engine.begin() as conn:
            conn.execute(
                customers.insert(),
                [
                    {"customer_id": "c1", "signed_up_at": datetime(2025, 1, 1, tzinfo=UTC)},
                    {"customer_id": "c2", "signed_up_at": datetime(2025, 1, 1, tzinfo=UTC)},
                ],
            )
        thread.start()
        assert validated.wait(60)
        assert thread.is_alive(), "the second import waits for the first to finish"
    thread.join(60)
    assert [(r.inserted, r.updated) for r in outcome] == [(0, 2)]  # type: ignore[attr-defined]
    assert _count(engine) == 2


def test_the_cli_says_in_one_sentence_that_another_import_is_running(
    home: Path,
    database_url: str,
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import metrics.csv_import

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setattr(metrics.csv_import, "IMPORT_WAIT_SECONDS", 0.0)
    path = _write(tmp_path, "customer_id,signed_up_at\nc1,2026-01-01\n")
    with exclusive(engine, "import"):
        result = CliRunner().invoke(main, ["import", "customers", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: Another import on the metrics database at ")
    assert result.output.count("\n") == 1
    assert _count(engine) == 0
