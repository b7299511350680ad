"""KPI speed at scale: from the rollups, from the raw rows (`--raw`), and a naive
load-rows-into-Python baseline, side by side.

One run builds the same synthetic data (default 100k customers, 1M NPS responses, 1M
orders) in SQLite and in a throw-away PostgreSQL schema and loads it: customers and all NPS
responses through metrics.csv_import.import_csv (the path `journeybot import` takes, timed;
`--import-rows` lowers that share, the rest then goes in by Core bulk insert), orders by Core
bulk insert, after which the rollups are rebuilt (timed). It then times `compute_kpi` (value +
previous period + 13-point monthly trend) for every KPI the data feeds, p50 over `--runs`,
from the rollups and from the raw rows (asserting both give exactly the same result), and for
nps, churn_rate and revenue_share_existing a naive baseline that loads the rows as ORM
objects (a minimal declarative mapping of the same tables) and computes in Python, and
prints PASS/FAIL against the targets:

- every KPI from the rollups ≤ 100 ms at 1M rows (≤ 150 ms at 10M), on both backends,
- nps, churn_rate, revenue_share_existing ≥ 20× faster than the naive baseline,
- 1M NPS rows imported in < 60 s on SQLite (at other sizes: the time scaled to 1M rows).

    .venv/bin/python benchmarks/kpi.py [--customers 100000 --rows 1000000 --runs 5]

Heavy (a few minutes on 2 cores, a few GB of I/O and RAM): run it once, not in CI. The
exit status is 1 when a target fails; the targets are stated for 1M rows, so small trial
runs (naive Python is quick on little data) may fail the ratio.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from machine import machine
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session

from metrics.db import connect
from metrics.kpis import compute_kpi
from metrics.periods import resolve_period
from metrics.rollups import rebuild
from metrics.schema import customers, nps_responses, orders

NOW = datetime(2026, 11, 15, 12, tzinfo=UTC)
PERIOD = "2026-10"
KPIS = (
    "nps",
    "churn_rate",
    "retention_rate",
    "revenue_share_existing",
    "aov",
    "purchase_frequency",
    "clv",
)
NAIVE = ("nps", "churn_rate", "revenue_share_existing")
TARGET_ROWS = 1_000_000
MAX_KPI_MS = 100.0  # from the rollups, at 1M rows
MAX_KPI_MS_10M = 150.0
MIN_RATIO = 20.0  # SQL vs the naive ORM baseline
MAX_IMPORT_S = 60.0  # 1M NPS rows through import_csv on SQLite


def _customer_rows(n_customers: int, rng: random.Random) -> list[dict]:
    """Sign-ups over three years ending at NOW; 25 % of customers churn."""
    span = timedelta(days=3 * 365).total_seconds()
    rows = []
    for i in range(n_customers):
        up = NOW - timedelta(seconds=rng.random() * span)
        churned = up + (NOW - up) * rng.random() if rng.random() < 0.25 else None
        rows.append(
            {
                "customer_id": f"c{i}",
                "segment": rng.choice(("smb", "mid", "enterprise")),
                "country": rng.choice(("DK", "NO", "SE")),
                "signed_up_at": up,
                "churned_at": churned,
            }
        )
    return rows


def _fact_rows(
    kind: str, start: int, count: int, n_customers: int, rng: random.Random
) -> list[dict]:
    """NPS responses or orders spread over the year before NOW."""
    year = timedelta(days=365).total_seconds()
    rows = []
    for i in range(start, start + count):
        moment = NOW - timedelta(seconds=rng.random() * year)
        customer = f"c{rng.randrange(n_customers)}"
        if kind == "nps_responses":
            rows.append(
                {
                    "response_id": f"r{i}",
                    "customer_id": customer,
                    "score": rng.randint(0, 10),
                    "responded_at": moment,
                }
            )
        else:
            rows.append(
                {
                    "order_id": f"o{i}",
                    "customer_id": customer,
                    "ordered_at": moment,
                    "amount": round(rng.uniform(5, 2000), 2),
                }
            )
    return rows


def _write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="") as f:
        out = csv.DictWriter(f, fieldnames=list(rows[0]))
        out.writeheader()
        for row in rows:
            out.writerow(
                {
                    k: v.isoformat() if isinstance(v, datetime) else ("" if v is None else v)
                    for k, v in row.items()
                }
            )
    return path


_YEAR_S = 365 * 86400


def _generate_sql(engine: Engine, table: str, rows: int, n_customers: int) -> str:
    """One INSERT … SELECT of `rows` random facts over the year before NOW (`--generate`)."""
    end = int(NOW.timestamp())
    if engine.dialect.name == "postgresql":
        moment = f"to_timestamp({end} - floor(random() * {_YEAR_S}))"
        customer = f"'c' || floor(random() * {n_customers})::bigint"
        series = f"generate_series(0, {rows - 1}) AS i"
        if table == "nps_responses":
            return (
                "INSERT INTO nps_responses (response_id, customer_id, score, responded_at) "
                f"SELECT 'r' || i, {customer}, floor(random() * 11), {moment} FROM {series}"
            )
        return (
            "INSERT INTO orders (order_id, customer_id, ordered_at, amount) "
            f"SELECT 'o' || i, {customer}, {moment}, round((5 + random() * 1995)::numeric, 2) "
            f"FROM {series}"
        )
    moment = f"strftime('%Y-%m-%d %H:%M:%S.000000', {end} - abs(random()) % {_YEAR_S}, 'unixepoch')"
    customer = f"'c' || (abs(random()) % {n_customers})"
    series = (
        f"(WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq "
        f"WHERE i < {rows - 1}) SELECT i FROM seq)"
    )
    if table == "nps_responses":
        return (
            "INSERT INTO nps_responses (response_id, customer_id, score, responded_at, "
            f"consent_to_share) SELECT 'r' || i, {customer}, abs(random()) % 11, {moment}, 0 "
            f"FROM {series}"
        )
    return (
        "INSERT INTO orders (order_id, customer_id, ordered_at, amount) "
        f"SELECT 'o' || i, {customer}, {moment}, (500 + abs(random()) % 199500) / 100.0 "
        f"FROM {series}"
    )


def generate(
    engine: Engine, folder: Path, args: argparse.Namespace
) -> dict[str, tuple[int, float]]:
    """`--generate`: customers through import_csv, the facts by one INSERT … SELECT each
    (minutes instead of an hour at 10M rows), then the rollups rebuilt; all timed."""
    from metrics.csv_import import import_csv

    loads: dict[str, tuple[int, float]] = {}
    path = _write_csv(folder / "customers.csv", _customer_rows(args.customers, random.Random(7)))
    started = time.perf_counter()
    import_csv(engine, "customers", path)
    loads["customers (import_csv)"] = (args.customers, time.perf_counter() - started)
    for table in ("nps_responses", "orders"):
        started = time.perf_counter()
        with engine.begin() as conn:
            conn.exec_driver_sql(_generate_sql(engine, table, args.rows, args.customers))
        loads[f"{table} (INSERT … SELECT)"] = (args.rows, time.perf_counter() - started)
    started = time.perf_counter()
    with engine.begin() as conn:
        rebuild(conn)
    loads["all rollups (rebuild)"] = (2 * args.rows + args.customers, time.perf_counter() - started)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
    return loads


def load(engine: Engine, folder: Path, args: argparse.Namespace) -> dict[str, tuple[int, float]]:
    """Customers and the first `--import-rows` NPS responses (default: all) go through
    import_csv and are timed; any remaining NPS rows and all orders go in by Core bulk
    insert. Returns {what: (rows, seconds)}."""
    from metrics.csv_import import import_csv

    rng = random.Random(7)
    n_customers, n_rows = args.customers, args.rows
    imported = n_rows if args.import_rows is None else min(args.import_rows, n_rows)
    loads: dict[str, tuple[int, float]] = {}
    makers: tuple[tuple[str, Callable[[], list[dict]]], ...] = (
        ("customers", lambda: _customer_rows(n_customers, rng)),
        ("nps_responses", lambda: _fact_rows("nps_responses", 0, imported, n_customers, rng)),
    )
    for name, make in makers:
        rows = make()  # one table's rows in memory at a time
        if not rows:
            continue
        path = _write_csv(folder / f"{name}.csv", rows)
        rows = []
        started = time.perf_counter()
        report = import_csv(engine, name, path)
        loads[f"{name} (import_csv)"] = (report.rows, time.perf_counter() - started)
        path.unlink()
    for name, table, first in (("nps_responses", nps_responses, imported), ("orders", orders, 0)):
        done, started = first, time.perf_counter()
        while done < n_rows:
            count = min(50_000, n_rows - done)
            with engine.begin() as conn:
                conn.execute(table.insert(), _fact_rows(name, done, count, n_customers, rng))
            done += count
        if n_rows > first:
            loads[f"{name} (Core bulk insert)"] = (n_rows - first, time.perf_counter() - started)
    started = time.perf_counter()
    with engine.begin() as conn:
        rebuild(conn)  # the Core bulk inserts went past the import's rollup maintenance
    loads["all rollups (rebuild)"] = (2 * n_rows + n_customers, time.perf_counter() - started)
    if engine.dialect.name == "postgresql":
        # What autovacuum does soon after a load: statistics, and the visibility map that
        # lets the covering rollup indexes be read without the table.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    return loads


# --- the naive baseline: ORM objects into Python, arithmetic in Python -----------------------


class _Base(DeclarativeBase):
    """A minimal declarative mapping of the benchmark's tables, as an ORM app would have."""


class Customer(_Base):
    __table__ = customers


class NpsResponse(_Base):
    __table__ = nps_responses


class Order(_Base):
    __table__ = orders


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def naive(engine: Engine, kpi: str) -> list[float | None]:
    """Same figures as compute_kpi (current, previous, 13 trend months): the rows loaded as
    ORM entities (`Session.scalars(select(Entity)).all()`), every figure computed in Python."""
    resolved = resolve_period(PERIOD, now=NOW)
    periods = [resolved.current, resolved.previous, *resolved.series]
    lo, hi = min(p.start for p in periods), max(p.end for p in periods)
    out: list[float | None] = []
    with Session(engine) as session:
        if kpi == "nps":
            responses = session.scalars(
                select(NpsResponse).where(
                    NpsResponse.responded_at >= lo, NpsResponse.responded_at < hi
                )
            ).all()
            pairs = [(_utc(r.responded_at), r.score) for r in responses]
            for p in periods:
                scores = [score for moment, score in pairs if p.start <= moment < p.end]
                promoters = sum(s >= 9 for s in scores)
                detractors = sum(s <= 6 for s in scores)
                out.append(100 * (promoters - detractors) / len(scores) if scores else None)
            return out
        people = [
            (c.customer_id, _utc(c.signed_up_at), c.churned_at and _utc(c.churned_at))
            for c in session.scalars(select(Customer)).all()
        ]
        if kpi == "churn_rate":
            for p in periods:
                active = [
                    gone
                    for _, up, gone in people
                    if up < p.start and (gone is None or gone >= p.start)
                ]
                churned = sum(1 for gone in active if gone is not None and gone < p.end)
                out.append(100 * churned / len(active) if active else None)
            return out
        signed_up = {customer: up for customer, up, _ in people}
        bought = [
            (_utc(o.ordered_at), float(o.amount), signed_up[o.customer_id])
            for o in session.scalars(
                select(Order).where(Order.ordered_at >= lo, Order.ordered_at < hi)
            ).all()
        ]
        for p in periods:
            in_period = [(amount, up) for moment, amount, up in bought if p.start <= moment < p.end]
            total = sum(amount for amount, _ in in_period)
            existing = sum(amount for amount, up in in_period if up < p.start)
            out.append(100 * existing / total if total else None)
        return out


def p50(action: Callable[[], object], runs: int, warm: bool = True) -> tuple[float, object]:
    timings, value = [], None
    if warm:
        action()  # warm caches and the statement cache
    for _ in range(runs):
        started = time.perf_counter()
        value = action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), value


Check = tuple[str, bool, str]


def bench(label: str, engine: Engine, args: argparse.Namespace, folder: Path) -> list[Check]:
    """Load, time, print; returns the target checks that apply to this backend."""
    loads = (generate if args.generate else load)(engine, folder, args)
    print(f"\n== {label} ==")
    checks: list[Check] = []
    for name, (rows, seconds) in loads.items():
        print(
            f"load {name:<36} {rows:>10,} rows in {seconds:7.1f} s  ({rows / seconds:,.0f} rows/s)"
        )
        if label == "SQLite" and name == "nps_responses (import_csv)":
            at_target = seconds * TARGET_ROWS / rows
            scaled = "" if rows == TARGET_ROWS else f" (scaled from {rows:,} rows)"
            checks.append(
                (
                    f"SQLite import of 1M NPS rows < {MAX_IMPORT_S:.0f} s",
                    at_target < MAX_IMPORT_S,
                    f"{at_target:.1f} s{scaled}",
                )
            )
    limit = MAX_KPI_MS if args.rows <= TARGET_ROWS else MAX_KPI_MS_10M
    for kpi in KPIS:
        rollup_s, result = p50(lambda kpi=kpi: compute_kpi(engine, kpi, PERIOD, now=NOW), args.runs)
        raw_s, from_rows = p50(
            lambda kpi=kpi: compute_kpi(engine, kpi, PERIOD, now=NOW, raw=True), args.raw_runs
        )
        assert result == from_rows, (kpi, result, from_rows)
        line = (
            f"{kpi:<24} rollup p50 {rollup_s * 1000:7.1f} ms   raw p50 {raw_s * 1000:8.1f} ms"
            f"   ({raw_s / rollup_s:5.1f}×)"
        )
        if kpi in NAIVE and args.naive_runs:
            naive_s, values = p50(lambda kpi=kpi: naive(engine, kpi), args.naive_runs, warm=False)
            assert abs(values[0] - result.value) < 1e-6, (kpi, values[0], result.value)
            assert (values[1] is None) == (result.previous is None), (kpi, values[1])
            ratio = naive_s / rollup_s
            line += f"   naive p50 {naive_s * 1000:9.1f} ms ({ratio:7.1f}×)"
            checks.append(
                (
                    f"{label} {kpi} ≥ {MIN_RATIO:.0f}× the naive baseline",
                    ratio >= MIN_RATIO,
                    f"{ratio:.1f}×",
                )
            )
        print(f"{line}   value {result.value:.2f} (n={result.n:,})")
        checks.append(
            (
                f"{label} {kpi} from the rollups ≤ {limit:.0f} ms",
                rollup_s * 1000 <= limit,
                f"{rollup_s * 1000:.1f} ms",
            )
        )
    return checks


def report(checks: list[Check], rows: int) -> bool:
    """PASS/FAIL per target; True when all pass."""
    print("\n== targets ==")
    if rows != TARGET_ROWS:
        print(f"(the targets are stated for {TARGET_ROWS:,} rows; this run used {rows:,})")
    for name, ok, measured in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name:<60} {measured}")
    passed = all(ok for _, ok, _ in checks)
    print("all targets met" if passed else "some targets missed")
    return passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="timed compute_kpi runs per KPI")
    parser.add_argument("--raw-runs", type=int, default=3, help="timed raw runs per KPI")
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated")
    parser.add_argument(
        "--generate",
        action="store_true",
        help="facts by INSERT … SELECT instead of Python + import (for 10M rows)",
    )
    parser.add_argument(
        "--naive-runs", type=int, default=1, help="timed naive runs per KPI (each takes seconds)"
    )
    parser.add_argument(
        "--import-rows",
        type=int,
        default=None,
        help="NPS rows timed through import_csv (default: all --rows); the rest by Core bulk insert",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
    )
    args = parser.parse_args()
    print(f"machine: {machine(load=True)}")
    print(
        f"data: {args.customers:,} customers, {args.rows:,} NPS responses, {args.rows:,} orders; "
        f"period {PERIOD} (value + previous + 13-month trend per call)"
    )
    checks: list[Check] = []
    with tempfile.TemporaryDirectory() as folder:
        if "sqlite" in args.backends:
            sqlite = connect(f"sqlite:///{Path(folder) / 'bench.db'}")
            try:
                checks += bench("SQLite", sqlite, args, Path(folder))
            finally:
                sqlite.dispose()
        if "postgresql" not in args.backends:
            return _finish(checks, args)
        schema = f"jb_bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(args.postgres_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            sep = "&" if "?" in args.postgres_url else "?"
            pg = connect(f"{args.postgres_url}{sep}options=-csearch_path%3D{schema}")
            try:
                checks += bench("PostgreSQL", pg, args, Path(folder))
            finally:
                pg.dispose()
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    _finish(checks, args)


def _finish(checks: list[Check], args: argparse.Namespace) -> None:
    print(f"\nmachine at the end: {machine(load=True)}")
    if not report(checks, args.rows):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
