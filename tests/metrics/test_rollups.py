"""Rollups give exactly the raw result, on SQLite and PostgreSQL, over seeded random data
written through the import (so the import's rollup maintenance is what is tested): period
edges to the microsecond, DST switches, half-hour timezones, trailing windows ending at an
odd moment, orders placed before sign-up, customers who sign up and churn inside a period,
and customers whose segment, country or sign-up changes after their rows were rolled up.

Segment rule under test: a past row counts under the customer's CURRENT segment and country
(the raw path joins customers), so changing a customer moves all their past rows."""

from __future__ import annotations

import csv
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import insert, inspect, text
from sqlalchemy.engine import Engine

from metrics import db, kpis, registry
from metrics.csv_import import import_csv
from metrics.errors import MetricsError
from metrics.measures import Aggregate, Measure, Where
from metrics.models import KpiDefinition, KpiResult
from metrics.rollups import check, rebuild
from metrics.schema import customers, nps_responses

NOW = datetime(2026, 11, 15, 12, 34, 56, 789000, tzinfo=UTC)
#: Copenhagen's DST switches in 2026 and its month edges, in UTC.
EDGES = [
    datetime(2026, 3, 29, 1, tzinfo=UTC),
    datetime(2026, 10, 25, 1, tzinfo=UTC),
    datetime(2026, 9, 30, 22, tzinfo=UTC),
    datetime(2026, 10, 31, 23, tzinfo=UTC),
    datetime(2026, 10, 1, tzinfo=UTC),
    datetime(2026, 11, 1, tzinfo=UTC),
    datetime(2026, 7, 1, tzinfo=UTC),
    datetime(2026, 1, 1, tzinfo=UTC),
    datetime(2025, 12, 31, 18, 30, tzinfo=UTC),  # Kolkata midnight
    NOW - timedelta(days=30),
]
PERIODS = ["2026-10", "2026-03", "2026-Q4", "30d", "ytd"]
TIMEZONES = ["UTC", "Europe/Copenhagen", "Asia/Kolkata"]
SEGMENTS = ["smb", "enterprise", None]
COUNTRIES = ["DK", "SE", None]


def _moment(rng: random.Random) -> datetime:
    """Half the time within a minute of an edge (often exactly on it), else anywhere."""
    if rng.random() < 0.5:
        edge = rng.choice(EDGES)
        return (
            edge
            + rng.choice([timedelta(0), timedelta(microseconds=-1)])
            + timedelta(seconds=rng.choice([0, 0, -30, 30]))
        )
    return datetime(2025, 9, 1, tzinfo=UTC) + timedelta(seconds=rng.uniform(0, 440 * 86400))


def _stamp(value: datetime | None) -> str:
    return "" if value is None else value.isoformat()


def _write(folder: Path, name: str, rows: list[dict]) -> Path:
    path = folder / f"{name}.csv"
    with path.open("w", newline="") as f:
        out = csv.DictWriter(f, fieldnames=list(rows[0]))
        out.writeheader()
        for row in rows:
            out.writerow(
                {
                    k: _stamp(v) if isinstance(v, datetime) or v is None else v
                    for k, v in row.items()
                }
            )
    return path


def _customers(rng: random.Random, count: int) -> list[dict]:
    rows = []
    for i in range(count):
        signed_up = _moment(rng) - timedelta(days=rng.choice([0, 0, 40, 200]))
        churned = None
        if rng.random() < 0.4:
            churned = max(signed_up, _moment(rng))
            if rng.random() < 0.3:  # signs up and churns within days
                churned = signed_up + timedelta(hours=rng.uniform(0, 240))
        rows.append(
            {
                "customer_id": f"c{i}",
                "segment": rng.choice(SEGMENTS) or "",
                "country": rng.choice(COUNTRIES) or "",
                "signed_up_at": signed_up,
                "churned_at": churned,
            }
        )
    return rows


def _facts(rng: random.Random, people: list[dict], count: int) -> dict[str, list[dict]]:
    def who() -> dict:
        return rng.choice(people)

    facts: dict[str, list[dict]] = {}
    facts["nps_responses"] = [
        {
            "response_id": f"n{i}",
            "customer_id": who()["customer_id"],
            "score": rng.randint(0, 10),
            "responded_at": _moment(rng),
        }
        for i in range(count)
    ]
    facts["csat_responses"] = [
        {
            "response_id": f"s{i}",
            "customer_id": who()["customer_id"],
            "score": rng.randint(1, 5),
            "responded_at": _moment(rng),
        }
        for i in range(count)
    ]
    sessions = []
    for i in range(count):
        started = _moment(rng)
        completed = started + timedelta(minutes=5) if rng.random() < 0.6 else None
        sessions.append(
            {
                "session_id": f"k{i}",
                "customer_id": who()["customer_id"],
                "started_at": started,
                "completed_at": completed,
            }
        )
    facts["checkout_sessions"] = sessions
    orders = []
    for i in range(count):
        person = who()
        # Many orders soon after sign-up (new-customer revenue), a few before it.
        if rng.random() < 0.4:
            moment = person["signed_up_at"] + timedelta(hours=rng.uniform(-24, 24 * 60))
        else:
            moment = _moment(rng)
        orders.append(
            {
                "order_id": f"o{i}",
                "customer_id": person["customer_id"],
                "ordered_at": moment,
                "amount": f"{rng.uniform(0, 900):.2f}",
            }
        )
    facts["orders"] = orders
    tickets = []
    for i in range(count // 2):
        resolved = _moment(rng)
        tickets.append(
            {
                "ticket_id": f"t{i}",
                "customer_id": who()["customer_id"],
                "opened_at": resolved - timedelta(hours=rng.uniform(0, 80)),
                "resolved_at": resolved,
            }
        )
    facts["tickets"] = tickets
    return facts


def _both(engine: Engine, name: str, period: str, **options: object) -> KpiResult | str:
    """The rollup result, after asserting the raw one is identical (or the same error)."""
    outcomes: list[KpiResult | str] = []
    for raw in (True, False):
        try:
            outcomes.append(kpis.compute_kpi(engine, name, period, now=NOW, raw=raw, **options))
        except MetricsError as error:
            outcomes.append(f"{type(error).__name__}: {error}")
    assert outcomes[1] == outcomes[0], (name, period, options)
    return outcomes[1]


def _assert_rollups_equal_raw(engine: Engine) -> None:
    with engine.connect() as conn:
        assert check(conn) == []
    values = 0
    for definition in registry.list_kpis():
        for period in PERIODS:
            for timezone in TIMEZONES:
                result = _both(engine, definition.name, period, timezone=timezone)
                values += isinstance(result, KpiResult)
        _both(engine, definition.name, "2026-10", segments={"segment": "SMB"}, by="country")
        _both(engine, definition.name, "30d", segments={"country": "dk"}, by="segment")
    assert values > len(registry.list_kpis()) * len(PERIODS)  # mostly values, not NoData


@pytest.mark.parametrize("seed", [7])
def test_rollups_equal_the_raw_rows_through_imports_and_re_imports(
    engine: Engine, tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    people = _customers(rng, 40)
    import_csv(engine, "customers", _write(tmp_path, "customers", people))
    for table, rows in _facts(rng, people, 150).items():
        import_csv(engine, table, _write(tmp_path, table, rows))
    _assert_rollups_equal_raw(engine)

    # Customers move segment and country, sign up earlier or churn: their past rows move.
    changed = [
        {
            **person,
            "segment": rng.choice(SEGMENTS) or "",
            "country": rng.choice(COUNTRIES) or "",
            "signed_up_at": person["signed_up_at"] - timedelta(days=rng.choice([0, 35])),
        }
        for person in rng.sample(people, 15)
    ]
    import_csv(engine, "customers", _write(tmp_path, "customers", changed))
    # Responses and orders move to other days (an update by id), amounts change.
    moved = [
        {**row, "responded_at": _moment(rng)} for row in _facts(rng, people, 60)["nps_responses"]
    ]
    import_csv(engine, "nps_responses", _write(tmp_path, "nps_responses", moved))
    repriced = [
        {"order_id": f"o{i}", "customer_id": "c1", "ordered_at": _moment(rng), "amount": "12.34"}
        for i in range(0, 150, 7)
    ]
    import_csv(engine, "orders", _write(tmp_path, "orders", repriced))
    _assert_rollups_equal_raw(engine)


def test_a_kpi_of_a_known_kind_is_one_catalogue_entry(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'Share of top scores' is not in the catalogue: declared here from existing blocks,
    the engine computes it, from the rollups and raw alike, without any new code."""
    top = KpiDefinition(
        name="top_box",
        title="Top-box NPS share",
        description="Share of NPS responses scoring 10.",
        formula="responses scoring 10 ÷ all responses × 100",
        unit="%",
        polarity="higher_is_better",
        measure=Measure(
            aggregates=[
                Aggregate(name="n", table="nps_responses", agg="count"),
                Aggregate(
                    name="tens",
                    table="nps_responses",
                    agg="count",
                    where=[Where(dimension="score", op="==", value=10)],
                ),
            ],
            value="100 * tens / n",
            n="n",
        ),
        sample_unit="NPS responses",
    )
    monkeypatch.setitem(registry._BY_NAME, "top_box", top)
    with engine.begin() as conn:
        conn.execute(
            insert(customers),
            [{"customer_id": "a", "signed_up_at": datetime(2025, 1, 1, tzinfo=UTC)}],
        )
        conn.execute(
            insert(nps_responses),
            [
                {
                    "response_id": f"r{i}",
                    "customer_id": "a",
                    "score": score,
                    "responded_at": datetime(2026, 10, 2 + i, tzinfo=UTC),
                }
                for i, score in enumerate([10, 10, 9, 3])
            ],
        )
        rebuild(conn)
    result = _both(engine, "top_box", "2026-10")
    assert isinstance(result, KpiResult)
    assert (result.value, result.n, result.unit) == (50.0, 4, "%")


def test_check_names_each_difference_and_a_rebuild_clears_it(
    engine: Engine, database_url: str, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    with engine.begin() as conn:  # written past the import: the rollups do not know
        conn.execute(
            insert(customers),
            [{"customer_id": "a", "segment": "smb", "signed_up_at": datetime(2025, 1, 1)}],
        )
        conn.execute(
            insert(nps_responses),
            [
                {
                    "response_id": "r1",
                    "customer_id": "a",
                    "score": 9,
                    "responded_at": datetime(2026, 10, 2, 14, 5, tzinfo=UTC),
                }
            ],
        )
    outcome = CliRunner().invoke(main, ["db", "check"])
    assert outcome.exit_code == 1
    assert (
        "rollup_nps_responses, hour 2026-10-02 14:00 UTC (segment=smb, country=None, score=9) "
        "holds n=0 but the raw rows give n=1; run `journeybot db rebuild-rollups`."
    ) in outcome.output
    assert "rollup_signups, day 2025-01-01 UTC" in outcome.output
    rebuilt = CliRunner().invoke(main, ["db", "rebuild-rollups"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert CliRunner().invoke(main, ["db", "check"]).exit_code == 0
    raw = CliRunner().invoke(main, ["kpi", "nps", "--period", "2026-10", "--json", "--raw"])
    rolled = CliRunner().invoke(main, ["kpi", "nps", "--period", "2026-10", "--json"])
    assert raw.exit_code == 0 and raw.output == rolled.output


def test_the_migration_builds_rollups_for_existing_data_and_downgrades(engine: Engine) -> None:
    config = db._alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0005")
    assert "rollup_nps_responses" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO customers (customer_id, signed_up_at) "
                "VALUES ('a', '2025-01-01 00:00:00.000000')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO nps_responses (response_id, customer_id, score, responded_at) "
                "VALUES ('r1', 'a', 10, '2026-10-02 10:00:00.000000')"
            )
        )
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    with engine.connect() as conn:
        assert check(conn) == []
        stored = conn.execute(text("SELECT sum(n) FROM rollup_nps_responses WHERE grain = 'd'"))
        assert stored.scalar_one() == 1
    result = _both(engine, "nps", "2026-10")
    assert isinstance(result, KpiResult) and result.value == 100.0
