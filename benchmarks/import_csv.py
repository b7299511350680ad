"""CSV import speed and memory: `journeybot import nps_responses` before and after, in one run.

Generates a CSV of NPS responses (default 1M rows, 100k customers; the customers go in by
Core bulk insert), then imports it into a fresh SQLite file and a throw-away PostgreSQL
schema, each import in its own Python process so its peak RSS (VmHWM) is its own. "before"
is the code of `--baseline` (a git commit, exported with `git archive`), "after" this
checkout. Prints rows/s and peak RSS per backend and PASS/FAIL against the targets:

- ≥ 150k rows/s on both backends,
- peak RSS ≤ 300 MB (the target is stated for 10M rows).

    .venv/bin/python benchmarks/import_csv.py [--rows 1000000] [--baseline 6c015e6]

Heavy at 10M rows (a 600 MB file, minutes): run it by hand, not in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from machine import machine
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
MIN_ROWS_PER_S = 150_000
MAX_RSS_MB = 300

#: Runs in the child process: migrate, load customers, time the import, report VmHWM.
CHILD = """
import json, sys, time
from datetime import UTC, datetime
from pathlib import Path
from sqlalchemy import insert
from metrics.db import connect
from metrics.schema import customers
from metrics.csv_import import import_csv
url, csv_path, n_customers = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
engine = connect(url)
with engine.begin() as conn:
    stamp = datetime(2023, 1, 1, tzinfo=UTC)
    for start in range(0, n_customers, 50_000):
        conn.execute(insert(customers), [
            {"customer_id": f"c{i}", "signed_up_at": stamp}
            for i in range(start, min(start + 50_000, n_customers))
        ])
started = time.perf_counter()
report = import_csv(engine, "nps_responses", csv_path)
seconds = time.perf_counter() - started
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"rows": report.rows, "seconds": seconds, "peak_mb": hwm / 1024}))
"""


def generate(path: Path, rows: int, n_customers: int) -> float:
    """NPS responses over the year before 2026-11-15; returns seconds taken."""
    started = time.perf_counter()
    rng = random.Random(7)
    now = datetime(2026, 11, 15, 12, tzinfo=UTC)
    with path.open("w") as out:
        out.write("response_id,customer_id,score,responded_at,comment,consent_to_share\n")
        lines = []
        for i in range(rows):
            moment = (now - timedelta(seconds=rng.randrange(365 * 86400))).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            )
            comment = "Hurtig levering tak" if i % 10 == 0 else ""
            lines.append(
                f"r{i},c{rng.randrange(n_customers)},{rng.randint(0, 10)},{moment},"
                f"{comment},{'yes' if i % 20 == 0 else 'no'}\n"
            )
            if len(lines) == 100_000:
                out.writelines(lines)
                lines = []
        out.writelines(lines)
    return time.perf_counter() - started


def run(code_root: Path, url: str, csv_path: Path, n_customers: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code_root)}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, url, str(csv_path), str(n_customers)],
        env=env,
        cwd=code_root,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        return {"error": (result.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def databases(folder: Path) -> list[tuple[str, str, str | None]]:
    """(label, url, schema to drop afterwards)."""
    found = [("SQLite", f"sqlite:///{folder / uuid.uuid4().hex}.db", None)]
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    try:
        with create_engine(POSTGRES, isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # noqa: BLE001 - reported, SQLite still runs
        print(f"PostgreSQL skipped: {error}".splitlines()[0])
        return found
    sep = "&" if "?" in POSTGRES else "?"
    found.append(("PostgreSQL", f"{POSTGRES}{sep}options=-csearch_path%3D{schema}", schema))
    return found


def drop(schema: str) -> None:
    with create_engine(POSTGRES, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--baseline", default="", help="git commit for 'before' (default: none)")
    args = parser.parse_args()
    print(f"Machine: {machine()}")
    ok = True
    with tempfile.TemporaryDirectory(prefix="jb-import-bench-") as tmp:
        folder = Path(tmp)
        csv_path = folder / "nps_responses.csv"
        took = generate(csv_path, args.rows, args.customers)
        size_mb = csv_path.stat().st_size / 1e6
        print(f"Generated {args.rows:,} NPS rows ({size_mb:.0f} MB) in {took:.1f} s")
        versions = [("after", ROOT)]
        if args.baseline:
            base = folder / "baseline"
            base.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", args.baseline], capture_output=True, check=True
            )
            subprocess.run(["tar", "-x", "-C", str(base)], input=archive.stdout, check=True)
            versions.insert(0, ("before", base))
        for version, code_root in versions:
            for label, url, schema in databases(folder):
                try:
                    result = run(code_root, url, csv_path, args.customers)
                finally:
                    if schema:
                        drop(schema)
                if "error" in result:
                    print(f"{version:6} {label:10} failed: {result['error']}")
                    ok &= version != "after"
                    continue
                speed = result["rows"] / result["seconds"]
                line = (
                    f"{version:6} {label:10} {result['rows']:>10,} rows in "
                    f"{result['seconds']:6.1f} s = {speed:>9,.0f} rows/s, "
                    f"peak RSS {result['peak_mb']:6.0f} MB"
                )
                if version == "after":
                    fast = speed >= MIN_ROWS_PER_S
                    small = result["peak_mb"] <= MAX_RSS_MB
                    ok &= fast and small
                    line += f"  [{'PASS' if fast else 'FAIL'} ≥ {MIN_ROWS_PER_S:,} rows/s"
                    line += f", {'PASS' if small else 'FAIL'} ≤ {MAX_RSS_MB} MB]"
                print(line, flush=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
