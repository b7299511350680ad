"""CSV files as Excel saves them in Denmark, Norway and Sweden: `;` between values, decimal
commas, day-first dates, Windows-1252 bytes, a BOM. Detected (and said), or given as options;
on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from metrics.csv_import import import_csv
from metrics.errors import ImportRejected
from metrics.schema import customers, orders


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def nordic_customers(engine, tmp_path):
    path = _write(
        tmp_path,
        "kunder.csv",
        "customer_id;name;country;signed_up_at\r\n"
        "c1;Fjord Føde ApS;DK;05.01.2025\r\n"
        "c2;Nordlys AS;NO;31.01.2025 08:30\r\n"
        "c3;Skärgård AB;SE;2025-03-01\r\n",
    )
    report = import_csv(engine, "customers", path)
    assert (report.delimiter, report.dayfirst, report.inserted) == (";", True, 3)
    return engine


def test_a_danish_excel_file_with_semicolons_and_day_first_dates_imports(nordic_customers):
    with nordic_customers.connect() as conn:
        rows = {r.customer_id: r for r in conn.execute(select(customers))}
    assert rows["c1"].name == "Fjord Føde ApS"
    assert rows["c1"].signed_up_at.isoformat() == "2025-01-05T00:00:00+00:00"
    assert rows["c2"].signed_up_at.isoformat() == "2025-01-31T08:30:00+00:00"


@pytest.mark.parametrize(
    ("amount", "stored"),
    [
        ("1.234,50", "1234.50"),
        ("1 234,50", "1234.50"),
        ("1\u00a0234,5", "1234.50"),
        ("99,95", "99.95"),
    ],
)
def test_amounts_with_a_decimal_comma_and_grouped_thousands_are_read(
    nordic_customers, tmp_path, amount, stored
):
    path = _write(
        tmp_path,
        "ordrer.csv",
        f"order_id;customer_id;ordered_at;amount\no1;c1;31-10-2026;{amount}\n",
    )
    report = import_csv(nordic_customers, "orders", path)
    assert report.decimal_comma is True
    with nordic_customers.connect() as conn:
        row = conn.execute(select(orders)).one()
    assert row.amount == Decimal(stored)
    assert row.ordered_at.isoformat() == "2026-10-31T00:00:00+00:00"


def test_a_tab_separated_swedish_file_with_slashed_dates_imports(nordic_customers, tmp_path):
    path = _write(
        tmp_path,
        "order.tsv",
        "order_id\tcustomer_id\tordered_at\tamount\no1\tc3\t31/10/2026 14:05\t12,5\n",
    )
    report = import_csv(nordic_customers, "orders", path)
    assert (report.delimiter, report.decimal_comma, report.dayfirst) == ("\t", True, True)


def test_ambiguous_slashed_dates_need_the_order_to_be_given(nordic_customers, tmp_path):
    text = "order_id,customer_id,ordered_at,amount\no1,c1,01/02/2026,10\n"
    path = _write(tmp_path, "o.csv", text)
    with pytest.raises(ImportRejected) as caught:
        import_csv(nordic_customers, "orders", path)
    assert caught.value.errors == [
        "row 2, column ordered_at: '01/02/2026' could be day-first or month-first; "
        "pass --dayfirst or --monthfirst"
    ]
    import_csv(nordic_customers, "orders", path, dayfirst=True)
    with nordic_customers.connect() as conn:
        assert conn.execute(select(orders.c.ordered_at)).scalar_one().month == 2


def test_a_windows_1252_file_gets_a_hint_and_imports_with_its_encoding(engine, tmp_path):
    text = "customer_id;name;signed_up_at\nc1;Søren Ærø;01.02.2025\n"
    path = _write(tmp_path, "kunder.csv", text, encoding="cp1252")
    with pytest.raises(ImportRejected) as caught:
        import_csv(engine, "customers", path)
    assert str(caught.value) == (
        "kunder.csv is not UTF-8 text (first bad byte on line 2): the file looks like "
        "Windows-1252 (Excel's 'CSV'); save it as 'CSV UTF-8' or pass --encoding cp1252."
    )
    assert import_csv(engine, "customers", path, encoding="cp1252").inserted == 1
    with engine.connect() as conn:
        assert conn.execute(select(customers.c.name)).scalar_one() == "Søren Ærø"


def test_a_utf8_byte_order_mark_is_accepted(engine, tmp_path):
    path = _write(tmp_path, "c.csv", "\ufeffcustomer_id,signed_up_at\nc1,2025-01-01\n")
    assert import_csv(engine, "customers", path).inserted == 1


def test_a_semicolon_file_read_as_comma_separated_says_so(engine, tmp_path):
    path = _write(tmp_path, "c.csv", "customer_id;signed_up_at\nc1;2025-01-01\n")
    with pytest.raises(ImportRejected) as caught:
        import_csv(engine, "customers", path, delimiter=",")
    assert "the header looks semicolon-separated but was read with commas" in str(caught.value)
    assert "required column" not in str(caught.value)


def test_the_cli_says_how_it_read_the_file_and_prints_json_for_scripts(
    home, database_url, tmp_path, monkeypatch
):
    from bot.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    path = _write(tmp_path, "k.csv", "customer_id;signed_up_at\nc1;31.12.2025\nc2;01.01.2026\n")
    result = CliRunner().invoke(main, ["import", "customers", str(path)])
    assert result.exit_code == 0, result.output
    assert "(2 new, 0 updated)" in result.output
    assert result.output.endswith("Read as semicolon-separated, day-first dates.\n")
    again = CliRunner().invoke(main, ["import", "customers", str(path), "--json"])
    summary = json.loads(again.stdout)
    assert {k: summary[k] for k in ("imported", "rows", "inserted", "updated", "delimiter")} == {
        "imported": True,
        "rows": 2,
        "inserted": 0,
        "updated": 2,
        "delimiter": ";",
    }
    assert summary["problems"] == 0 and summary["seconds"] >= 0
    bad = _write(tmp_path, "b.csv", "customer_id;signed_up_at\nc1;igår\n")
    rejected = CliRunner().invoke(main, ["import", "customers", str(bad), "--json"])
    assert rejected.exit_code == 1
    failed = json.loads(rejected.stdout)
    assert (failed["imported"], failed["problems"], failed["delimiter"]) == (False, 1, ";")
    assert failed["listed"][0].startswith("row 2, column signed_up_at: 'igår' is not")
