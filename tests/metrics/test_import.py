"""`import_csv`: every row validated, one bad row rejects the whole file, re-import upserts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from metrics.csv_import import import_csv
from metrics.errors import ImportRejected
from metrics.schema import (
    checkout_sessions,
    csat_responses,
    customers,
    nps_responses,
    orders,
    stories,
    tickets,
)

CUSTOMERS = (
    "customer_id,name,segment,country,signed_up_at,churned_at",
    "c1,Fjord Foods ApS,SMB,dk,2025-01-05T10:00:00Z,",
    "c2,Nordlys AS,enterprise,NO,2025-02-01T08:00:00+01:00,2026-03-01",
    "c3,Skärgård AB,mid-market,SE,2025-03-01 12:00:00,",
)


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


@pytest.fixture
def with_customers(engine, write_csv):
    import_csv(engine, "customers", write_csv("customers.csv", *CUSTOMERS))
    return engine


def test_customers_are_imported_with_timestamps_in_utc(engine, write_csv):
    report = import_csv(engine, "customers", write_csv("customers.csv", *CUSTOMERS))
    assert (report.table, report.rows, report.inserted, report.updated) == ("customers", 3, 3, 0)
    with engine.connect() as conn:
        rows = {r.customer_id: r for r in conn.execute(select(customers))}
    assert rows["c2"].signed_up_at.isoformat() == "2025-02-01T07:00:00+00:00"
    assert rows["c3"].signed_up_at.isoformat() == "2025-03-01T12:00:00+00:00"
    assert rows["c2"].churned_at.isoformat() == "2026-03-01T00:00:00+00:00"
    assert rows["c1"].churned_at is None
    assert (rows["c1"].segment, rows["c1"].country) == ("smb", "DK")


@pytest.mark.parametrize(
    ("table", "lines", "expected"),
    [
        (
            orders,
            ("order_id,customer_id,ordered_at,amount", "o1,c1,2025-06-01T10:00:00Z,1249.50"),
            {"amount": Decimal("1249.50")},
        ),
        (
            nps_responses,
            (
                "response_id,customer_id,score,responded_at,comment,consent_to_share",
                'n1,c1,9,2025-06-01T10:00:00Z,"Hurtig levering, tak!",YES',
            ),
            {"score": 9, "comment": "Hurtig levering, tak!", "consent_to_share": True},
        ),
        (
            csat_responses,
            ("response_id,customer_id,score,responded_at", "s1,c2,4,2025-06-01T10:00:00Z"),
            {"score": 4},
        ),
        (
            tickets,
            (
                "ticket_id,customer_id,opened_at,first_response_at,resolved_at,channel",
                "t1,c3,2025-06-01T10:00:00Z,2025-06-01T10:30:00Z,2025-06-02T09:00:00Z,Chat",
            ),
            {"channel": "chat"},
        ),
        (
            checkout_sessions,
            ("session_id,customer_id,started_at,completed_at", "k1,c1,2025-06-01T10:00:00Z,"),
            {"completed_at": None},
        ),
        (
            stories,
            (
                "story_id,customer_id,title,body,source,consent,created_at",
                "st1,,Kunden ringede tilbage,Hun fik svar samme dag.,interview,0,2025-06-01",
            ),
            {"customer_id": None, "consent": False, "source": "interview"},
        ),
    ],
)
def test_each_table_imports_its_columns(with_customers, write_csv, table, lines, expected):
    report = import_csv(with_customers, table.name, write_csv(f"{table.name}.csv", *lines))
    assert (report.rows, report.inserted) == (1, 1)
    with with_customers.connect() as conn:
        row = conn.execute(select(table)).one()._mapping
    for column, value in expected.items():
        assert row[column] == value


def test_columns_may_come_in_any_order_and_optional_ones_may_be_left_out(with_customers, write_csv):
    path = write_csv(
        "nps.csv", "responded_at,score,customer_id,response_id", "2025-06-01T10:00:00Z,3,c2,n1"
    )
    import_csv(with_customers, "nps_responses", path)
    with with_customers.connect() as conn:
        row = conn.execute(select(nps_responses)).one()
    assert (row.score, row.comment, row.consent_to_share) == (3, None, False)


def test_one_bad_row_rejects_the_file_and_lists_every_problem_with_its_row(
    with_customers, write_csv
):
    path = write_csv(
        "nps.csv",
        "response_id,customer_id,score,responded_at,comment,consent_to_share",
        "n1,c1,9,2025-06-01T10:00:00Z,,no",
        "n2,c1,11,2025-06-01T10:00:00Z,,no",
        "n3,c2,7,yesterday,,maybe",
        "n4,c3,8,2025-06-01T10:00:00Z,,1",
    )
    with pytest.raises(ImportRejected) as caught:
        import_csv(with_customers, "nps_responses", path)
    assert "nps.csv was not imported: 3 problems found; nothing was written" in str(caught.value)
    assert caught.value.errors == [
        "row 3, column score: 11 is out of range (0–10)",
        "row 4, column responded_at: 'yesterday' is not an ISO 8601 timestamp (e.g. 2026-03-01T09:30:00Z)",
        "row 4, column consent_to_share: 'maybe' is not true/false, 1/0 or yes/no",
    ]
    assert count(with_customers, nps_responses) == 0


def test_row_numbers_are_file_lines_even_when_a_quoted_value_spans_lines(with_customers, write_csv):
    path = write_csv(
        "nps.csv",
        "response_id,customer_id,score,responded_at,comment,consent_to_share",
        'n1,c1,9,2025-06-01T10:00:00Z,"first line',
        'second line",no',
        "n2,c1,-1,2025-06-01T10:00:00Z,,no",
    )
    with pytest.raises(ImportRejected) as caught:
        import_csv(with_customers, "nps_responses", path)
    assert caught.value.errors == ["row 4, column score: -1 is out of range (0–10)"]


def test_sixty_bad_rows_list_fifty_and_count_the_rest(with_customers, write_csv):
    bad = [f"s{i},c1,9,2025-06-01T10:00:00Z" for i in range(60)]
    path = write_csv("csat.csv", "response_id,customer_id,score,responded_at", *bad)
    with pytest.raises(ImportRejected) as caught:
        import_csv(with_customers, "csat_responses", path)
    assert caught.value.total == 60
    assert len(caught.value.errors) == 51
    assert caught.value.errors[0] == "row 2, column score: 9 is out of range (1–5)"
    assert caught.value.errors[49] == "row 51, column score: 9 is out of range (1–5)"
    assert caught.value.errors[-1] == "… and 10 more"


def test_an_unknown_customer_is_rejected_and_nothing_is_written(with_customers, write_csv):
    path = write_csv(
        "orders.csv",
        "order_id,customer_id,ordered_at,amount",
        "o1,c1,2025-06-01T10:00:00Z,100",
        "o2,c99,2025-06-01T10:00:00Z,100",
    )
    with pytest.raises(ImportRejected) as caught:
        import_csv(with_customers, "orders", path)
    assert caught.value.errors == [
        "row 3, column customer_id: unknown customer 'c99' (import customers first)"
    ]
    assert count(with_customers, orders) == 0


def test_rules_between_columns_name_the_later_column(engine, write_csv):
    path = write_csv(
        "customers.csv",
        "customer_id,signed_up_at,churned_at",
        "c1,2025-06-01T00:00:00Z,2025-05-01T00:00:00Z",
    )
    with pytest.raises(ImportRejected) as caught:
        import_csv(engine, "customers", path)
    assert caught.value.errors == [
        "row 2, column churned_at: churned (2025-05-01 00:00) is before signed_up_at"
    ]


def test_a_ticket_resolved_before_it_was_opened_is_rejected(with_customers, write_csv):
    path = write_csv(
        "tickets.csv",
        "ticket_id,customer_id,opened_at,resolved_at",
        "t1,c1,2025-06-02T00:00:00Z,2025-06-01T00:00:00Z",
    )
    with pytest.raises(ImportRejected) as caught:
        import_csv(with_customers, "tickets", path)
    assert caught.value.errors[0].startswith("row 2, column resolved_at: resolved")


def test_an_id_twice_in_one_file_is_rejected(engine, write_csv):
    path = write_csv("customers.csv", "customer_id,signed_up_at", "c1,2025-01-01", "c1,2025-01-02")
    with pytest.raises(ImportRejected) as caught:
        import_csv(engine, "customers", path)
    assert caught.value.errors == [
        "row 3, column customer_id: 'c1' already appears on row 2; each id may appear once"
    ]


def test_a_missing_required_column_is_named(with_customers, write_csv):
    path = write_csv("orders.csv", "order_id,customer_id,amount", "o1,c1,10")
    with pytest.raises(ImportRejected, match="required column ordered_at is missing"):
        import_csv(with_customers, "orders", path)


def test_an_extra_column_is_named(with_customers, write_csv):
    path = write_csv(
        "orders.csv", "order_id,customer_id,ordered_at,amount,vat", "o1,c1,2025-06-01,10,2"
    )
    with pytest.raises(ImportRejected, match="column 'vat' is not part of orders"):
        import_csv(with_customers, "orders", path)


def test_an_unknown_table_lists_the_tables(engine, write_csv):
    with pytest.raises(ImportRejected, match="use one of: customers, orders, nps_responses"):
        import_csv(engine, "invoices", write_csv("x.csv", "a", "1"))


def test_files_that_cannot_be_read_get_one_clear_sentence(engine, tmp_path, write_csv):
    with pytest.raises(ImportRejected, match="does not exist"):
        import_csv(engine, "customers", tmp_path / "nope.csv")
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("customer_id,name,signed_up_at\nc1,Søren,2025-01-01\n".encode("latin-1"))
    with pytest.raises(ImportRejected, match=r"is not UTF-8 text \(first bad byte on line 2\)"):
        import_csv(engine, "customers", latin1)
    with pytest.raises(ImportRejected, match="is empty"):
        import_csv(engine, "customers", write_csv("empty.csv", ""))


def test_reimporting_is_idempotent_and_applies_changed_values(engine, write_csv):
    first = import_csv(engine, "customers", write_csv("customers.csv", *CUSTOMERS))
    changed = [*CUSTOMERS[:2], CUSTOMERS[2].replace("Nordlys AS", "Nordlys ASA"), CUSTOMERS[3]]
    again = import_csv(engine, "customers", write_csv("customers2.csv", *changed))
    assert (first.inserted, first.updated) == (3, 0)
    assert (again.inserted, again.updated) == (0, 3)
    assert count(engine, customers) == 3
    with engine.connect() as conn:
        name = conn.execute(select(customers.c.name).where(customers.c.customer_id == "c2"))
        assert name.scalar_one() == "Nordlys ASA"


def test_progress_is_reported_in_bytes_up_to_the_file_size(with_customers, write_csv):
    calls: list[tuple[int, int]] = []
    path = write_csv(
        "csat.csv",
        "response_id,customer_id,score,responded_at",
        *[f"s{i},c1,5,2025-06-01T10:00:00Z" for i in range(10)],
    )
    import_csv(with_customers, "csat_responses", path, progress=lambda d, t: calls.append((d, t)))
    size = path.stat().st_size
    assert calls[-1] == (size, size)


def test_the_cli_prints_a_summary_and_exits_0(home, database_url, write_csv, monkeypatch):
    from click.testing import CliRunner

    from bot.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    result = CliRunner().invoke(main, ["import", "customers", str(write_csv("c.csv", *CUSTOMERS))])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Imported 3 rows into customers (3 new, 0 updated) in ")


def test_the_cli_lists_the_rejected_rows_on_stderr_and_exits_1(
    home, database_url, write_csv, monkeypatch
):
    from click.testing import CliRunner

    from bot.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    path = write_csv("n.csv", "response_id,customer_id,score,responded_at", "n1,c9,5,2025-01-01")
    result = CliRunner().invoke(main, ["import", "nps_responses", str(path)])
    assert result.exit_code == 1
    assert "Error: n.csv was not imported: 1 problem found" in result.stderr
    assert (
        "  row 2, column customer_id: unknown customer 'c9' (import customers first)"
        in result.stderr
    )
    assert result.stdout == ""


def test_the_db_commands_report_the_revision(home, monkeypatch):
    from click.testing import CliRunner

    from bot.cli import main
    from metrics.db import head_revision

    runner = CliRunner()
    assert "is empty" in runner.invoke(main, ["db", "current"]).output
    upgraded = runner.invoke(main, ["db", "upgrade"])
    assert upgraded.exit_code == 0
    assert upgraded.output == f"The metrics database is at revision {head_revision()} (newest).\n"
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://jb:pw@127.0.0.1:1/x")
    dead = runner.invoke(main, ["db", "upgrade"])
    assert dead.exit_code == 1
    assert "Cannot reach the metrics database" in dead.stderr and "pw" not in dead.stderr


def test_reimporting_fewer_columns_keeps_the_values_of_the_columns_left_out(engine, write_csv):
    import_csv(engine, "customers", write_csv("customers.csv", *CUSTOMERS))
    nps = "response_id,customer_id,score,responded_at,comment,consent_to_share"
    import_csv(engine, "nps_responses", write_csv("n.csv", nps, "n1,c1,9,2025-06-01,Tak!,yes"))
    # Only new sign-up dates for c1 and a new score for n1: nothing else may change.
    again = import_csv(
        engine, "customers", write_csv("dates.csv", "customer_id,signed_up_at", "c1,2024-12-01")
    )
    import_csv(
        engine,
        "nps_responses",
        write_csv("s.csv", "response_id,customer_id,score,responded_at", "n1,c1,10,2025-06-01"),
    )
    assert (again.inserted, again.updated) == (0, 1)
    with engine.connect() as conn:
        c1 = conn.execute(select(customers).where(customers.c.customer_id == "c1")).one()
        n1 = conn.execute(select(nps_responses)).one()
    assert (c1.name, c1.segment, c1.country) == ("Fjord Foods ApS", "smb", "DK")
    assert c1.signed_up_at.isoformat() == "2024-12-01T00:00:00+00:00"
    assert (n1.score, n1.comment, n1.consent_to_share) == (10, "Tak!", True)


def test_an_empty_cell_in_a_column_the_file_has_does_clear_the_value(engine, write_csv):
    import_csv(engine, "customers", write_csv("customers.csv", *CUSTOMERS))
    import_csv(
        engine, "customers", write_csv("c.csv", "customer_id,name,signed_up_at", "c1,,2025-01-05")
    )
    with engine.connect() as conn:
        c1 = conn.execute(select(customers).where(customers.c.customer_id == "c1")).one()
    assert (c1.name, c1.segment) == (None, "smb")


@pytest.mark.parametrize("stamp", ["1700000000", "5", "20260301", "2026-3-1", "1.5e9"])
def test_numbers_are_not_timestamps_even_if_they_look_like_unix_seconds(
    with_customers, write_csv, stamp
):
    path = write_csv("csat.csv", "response_id,customer_id,score,responded_at", f"s1,c1,4,{stamp}")
    with pytest.raises(ImportRejected) as caught:
        import_csv(with_customers, "csat_responses", path)
    assert caught.value.errors == [
        f"row 2, column responded_at: {stamp!r} is not an ISO 8601 timestamp "
        "(e.g. 2026-03-01T09:30:00Z)"
    ]


def test_optional_timestamps_are_checked_the_same_way(with_customers, write_csv):
    path = write_csv(
        "tickets.csv",
        "ticket_id,customer_id,opened_at,resolved_at",
        "t1,c1,2025-06-01T10:00:00Z,1700000000",
    )
    with pytest.raises(ImportRejected) as caught:
        import_csv(with_customers, "tickets", path)
    assert caught.value.errors[0].startswith("row 2, column resolved_at: '1700000000' is not an")


@pytest.mark.parametrize(
    ("cell", "stored"),
    [("true", True), ("FALSE", False), ("1", True), ("0", False), ("Yes", True), (" no ", False)],
)
def test_booleans_are_the_documented_words_in_any_case(with_customers, write_csv, cell, stored):
    header = "response_id,customer_id,score,responded_at,consent_to_share"
    import_csv(
        with_customers, "nps_responses", write_csv("n.csv", header, f"n1,c1,9,2025-06-01,{cell}")
    )
    with with_customers.connect() as conn:
        assert conn.execute(select(nps_responses.c.consent_to_share)).scalar_one() is stored


@pytest.mark.parametrize("cell", ["on", "off", "y", "n", "t", "f", "2"])
def test_other_boolean_spellings_are_rejected_as_the_readme_promises(
    with_customers, write_csv, cell
):
    header = "story_id,title,body,source,consent,created_at"
    path = write_csv("s.csv", header, f"st1,T,B,interview,{cell},2025-06-01")
    with pytest.raises(ImportRejected) as caught:
        import_csv(with_customers, "stories", path)
    assert caught.value.errors == [
        f"row 2, column consent: {cell!r} is not true/false, 1/0 or yes/no"
    ]
