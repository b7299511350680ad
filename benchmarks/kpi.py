"""KPI speed at scale: SQL computed in the database vs a naive load-rows-into-Python baseline.

One run builds the same synthetic data (default 100k customers, 1M NPS responses, 1M
orders) in SQLite and in a throw-away PostgreSQL schema, loads it (import rate
measured through metrics.csv_import.import_csv on customers + the first 100k NPS rows; the
rest by Core bulk insert to stay within minutes), then times `compute_kpi` (value + previous period + 13-point monthly
trend) for nps, churn_rate and revenue_share_existing, p50 over several runs, against a
baseline that SELECTs the raw rows and computes the same figures in Python.

    .venv/bin/python benchmarks/kpi.py [--customers 100000 --rows 1000000 --runs 5]

Heavy (minutes, a few GB of I/O): run it once, not in CI.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import Engine

from metrics.db import connect
from metrics.kpis import compute_kpi
from metrics.periods import resolve_period
from metrics.schema import customers, nps_responses, orders

NOW = datetime(2026, 11, 15, 12, tzinfo=UTC)
PERIOD = "2026-10"
KPIS = ("nps", "churn_rate", "revenue_share_existing")


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}"


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


def load(engine: Engine, folder: Path, args: argparse.Namespace) -> dict[str, float]:
    """All customers and the first `--import-rows` NPS responses go through import_csv (the
    path `journeybot import` takes) and are timed; the remaining rows go in by Core bulk
    insert, only to reach 1M rows within minutes on a shared machine."""
    from metrics.csv_import import import_csv

    rng = random.Random(7)
    n_customers, n_rows = args.customers, args.rows
    imported = min(args.import_rows, n_rows)
    rates: dict[str, float] = {}
    for name, rows in (
        ("customers", _customer_rows(n_customers, rng)),
        ("nps_responses", _fact_rows("nps_responses", 0, imported, n_customers, rng)),
    ):
        path = _write_csv(folder / f"{name}.csv", rows)
        started = time.perf_counter()
        import_csv(engine, name, path)
        rates[f"{name} (import_csv)"] = len(rows) / (time.perf_counter() - started)
    for name, table, first in (("nps_responses", nps_responses, imported), ("orders", orders, 0)):
        done, started = first, time.perf_counter()
        while done < n_rows:
            count = min(50_000, n_rows - done)
            with engine.begin() as conn:
                conn.execute(table.insert(), _fact_rows(name, done, count, n_customers, rng))
            done += count
        if n_rows > first:
            rates[f"{name} (Core bulk insert)"] = (n_rows - first) / (time.perf_counter() - started)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    return rates


# --- the naive baseline: rows into Python, arithmetic in Python ------------------------------


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def naive(engine: Engine, kpi: str) -> list[float | None]:
    """Same figures as compute_kpi (current, previous, 13 trend months), computed in Python."""
    resolved = resolve_period(PERIOD, now=NOW)
    periods = [resolved.current, resolved.previous, *resolved.series]
    lo, hi = min(p.start for p in periods), max(p.end for p in periods)
    with engine.connect() as conn:
        if kpi == "nps":
            rows = conn.execute(
                select(nps_responses).where(
                    nps_responses.c.responded_at >= lo, nps_responses.c.responded_at < hi
                )
            ).all()
            pairs = [(_utc(r.responded_at), r.score) for r in rows]
            out = []
            for p in periods:
                scores = [score for moment, score in pairs if p.start <= moment < p.end]
                out.append(
                    None
                    if not scores
                    else 100
                    * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores))
                    / len(scores)
                )
            return out
        if kpi == "churn_rate":
            rows = conn.execute(select(customers)).all()
            out = []
            for p in periods:
                active = [
                    r
                    for r in rows
                    if _utc(r.signed_up_at) < p.start
                    and (r.churned_at is None or _utc(r.churned_at) >= p.start)
                ]
                churned = sum(
                    1 for r in active if r.churned_at is not None and _utc(r.churned_at) < p.end
                )
                out.append(100 * churned / len(active) if active else None)
            return out
        rows = conn.execute(
            select(orders.c.ordered_at, orders.c.amount, customers.c.signed_up_at)
            .join(customers, customers.c.customer_id == orders.c.customer_id)
            .where(orders.c.ordered_at >= lo, orders.c.ordered_at < hi)
        ).all()
        out = []
        for p in periods:
            in_period = [r for r in rows if p.start <= _utc(r.ordered_at) < p.end]
            total = sum(float(r.amount) for r in in_period)
            existing = sum(float(r.amount) for r in in_period if _utc(r.signed_up_at) < p.start)
            out.append(100 * existing / total if total else None)
        return out


def p50(action: Callable[[], object], runs: int) -> tuple[float, object]:
    timings, value = [], None
    action()  # warm caches and the statement cache
    for _ in range(runs):
        started = time.perf_counter()
        value = action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), value


def bench(label: str, engine: Engine, args: argparse.Namespace, folder: Path) -> None:
    rates = load(engine, folder, args)
    print(f"\n== {label} ==")
    for name, rate in rates.items():
        print(f"load {name:<36} {rate:>10,.0f} rows/s")
    runs = args.runs
    for kpi in KPIS:
        sql_s, result = p50(lambda kpi=kpi: compute_kpi(engine, kpi, PERIOD, now=NOW), runs)
        naive_s, values = p50(lambda kpi=kpi: naive(engine, kpi), max(1, runs // 2))
        assert abs(values[0] - result.value) < 1e-6, (kpi, values[0], result.value)
        print(
            f"{kpi:<24} SQL p50 {sql_s * 1000:8.1f} ms   naive p50 {naive_s * 1000:9.1f} ms   "
            f"ratio {naive_s / sql_s:6.1f}×   value {result.value:.2f} (n={result.n:,})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--import-rows",
        type=int,
        default=100_000,
        help="NPS rows timed through import_csv; the rest go in by Core bulk insert",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
    )
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(
        f"data: {args.customers:,} customers, {args.rows:,} NPS responses, {args.rows:,} orders; "
        f"period {PERIOD} (value + previous + 13-month trend per call)"
    )
    with tempfile.TemporaryDirectory() as folder:
        sqlite = connect(f"sqlite:///{Path(folder) / 'bench.db'}")
        try:
            bench("SQLite", sqlite, args, Path(folder))
        finally:
            sqlite.dispose()
        schema = f"jb_bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(args.postgres_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            sep = "&" if "?" in args.postgres_url else "?"
            pg = connect(f"{args.postgres_url}{sep}options=-csearch_path%3D{schema}")
            try:
                bench("PostgreSQL", pg, args, Path(folder))
            finally:
                pg.dispose()
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
