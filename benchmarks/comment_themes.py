"""What comment themes (bot/answering/comment_themes.py) cost on top of `/kpi nps why`: on the demo data
and on 100k comments a period, on SQLite and PostgreSQL.

For each data set it times, p50 over `--runs` (after one warm-up, whose time is printed as
"cold": it includes loading the glossary and the stemmers once per process):
- the baseline: metrics.why.explain_change, the mix/rate split `/kpi nps why` already runs;
- comment_themes with the default sample (SAMPLE_LIMIT comments per group and period);
- at 100k, comment_themes reading every comment (no sample), once, to show what the
  sample saves.

The 100k set: 100,000 NPS answers with a comment in 2026-10 and as many in 2026-09, from
20,000 customers, scores uniform (so about 64k detractors and 18k promoters a period), each
a themed demo sentence plus a sentence with a random number, so the text caches see mostly
unique comments; 30 % consent.

    .venv/bin/python benchmarks/comment_themes.py [--comments 100000 --runs 5 --no-postgres]

A few minutes on 2 cores. Prints absolute milliseconds, the ratio to the baseline, and the
machine.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from machine import machine
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import Engine

from bot.answering.comment_themes import comment_themes
from metrics.db import connect
from metrics.demo import THEMED_COMMENTS, seed_demo
from metrics.rollups import rebuild
from metrics.schema import customers, nps_responses
from metrics.stories.selection import known_names
from metrics.why import explain_change

NOW = datetime(2026, 11, 15, 12, tzinfo=UTC)
POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
LANGUAGE = {"DK": "da", "NO": "no", "SE": "sv", "FI": "en"}
EXTRA = {
    "da": ["Ordrenummer {n}.", "Vi har været kunder i {n} dage.", "Tak for i dag."],
    "no": ["Ordrenummer {n}.", "Vi har vært kunder i {n} dager.", "Takk for i dag."],
    "sv": ["Ordernummer {n}.", "Vi har varit kunder i {n} dagar.", "Tack för idag."],
    "en": ["Order number {n}.", "We have been customers for {n} days.", "Thanks for today."],
}


def timed(call: Callable[[], object], runs: int) -> tuple[float, float]:
    """(cold ms, p50 ms of `runs` warm calls)."""
    started = time.perf_counter()
    call()
    cold = (time.perf_counter() - started) * 1000
    warm = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        warm.append((time.perf_counter() - started) * 1000)
    return cold, statistics.median(warm)


def seed_comments(engine: Engine, per_period: int, rng: random.Random) -> None:
    """`per_period` NPS answers with a comment in 2026-10 and in 2026-09 (see the module
    docstring)."""
    n_customers = 20_000
    with engine.begin() as conn:
        conn.execute(
            insert(customers),
            [
                {
                    "customer_id": f"c{i}",
                    "name": f"Kunde {i} ApS",
                    "segment": rng.choice(("smb", "mid-market", "enterprise")),
                    "country": rng.choice(tuple(LANGUAGE)),
                    "signed_up_at": NOW - timedelta(days=800),
                }
                for i in range(n_customers)
            ],
        )
    countries = {}
    rows: list[dict] = []
    number = 0
    for start in (datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 9, 1, tzinfo=UTC)):
        for _ in range(per_period):
            customer = rng.randrange(n_customers)
            country = countries.setdefault(customer, rng.choice(tuple(LANGUAGE)))
            language = LANGUAGE[country]
            score = rng.randint(0, 10)
            kind = "promoter" if score >= 9 else "detractor" if score <= 6 else None
            if kind is not None:
                theme = rng.choice(list(THEMED_COMMENTS[kind]))
                comment = " ".join(
                    (
                        rng.choice(THEMED_COMMENTS[kind][theme][language]),
                        rng.choice(EXTRA[language]).format(n=rng.randrange(10_000, 99_999)),
                    )
                )
            else:
                comment = rng.choice(EXTRA[language]).format(n=rng.randrange(10_000, 99_999))
            rows.append(
                {
                    "response_id": f"r{number}",
                    "customer_id": f"c{customer}",
                    "score": score,
                    "responded_at": start + timedelta(seconds=rng.randrange(30 * 86400)),
                    "comment": comment,
                    "consent_to_share": rng.random() < 0.3,
                }
            )
            number += 1
            if len(rows) == 20_000:
                with engine.begin() as conn:
                    conn.execute(insert(nps_responses), rows)
                rows = []
    with engine.begin() as conn:
        if rows:
            conn.execute(insert(nps_responses), rows)
        rebuild(conn)


@contextmanager
def databases(folder: Path, postgres: bool) -> Iterator[list[tuple[str, str]]]:
    """(name, url) of a fresh SQLite file and, if asked and reachable, a PostgreSQL schema."""
    urls = [("sqlite", f"sqlite:///{folder / 'themes.db'}")]
    schema = f"jb_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT") if postgres else None
    if admin is not None:
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            sep = "&" if "?" in POSTGRES_URL else "?"
            urls.append(("postgresql", f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"))
        except Exception as error:  # noqa: BLE001 (a benchmark runs on without it)
            print(f"PostgreSQL skipped: {error}")
            admin = None
    try:
        yield urls
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


def report(label: str, engine: Engine, kpi: str, period: str, runs: int, full: bool) -> None:
    known = known_names(engine)
    why = explain_change(engine, kpi, period, now=NOW)
    base_cold, base = timed(lambda: explain_change(engine, kpi, period, now=NOW), runs)
    themes = comment_themes(engine, why, known=known)
    assert themes is not None
    cold, warm = timed(lambda: comment_themes(engine, why, known=known), runs)
    counts = ", ".join(
        f"{g.group} {g.comments:,}/{g.comments_before:,} (read {g.read:,}/{g.read_before:,})"
        for g in themes.groups
    )
    print(f"{label} {kpi} {period}: {counts}")
    print(f"  why (baseline)        p50 {base:8.1f} ms  (cold {base_cold:.1f})")
    print(
        f"  themes, sampled       p50 {warm:8.1f} ms  (cold {cold:.1f})  "
        f"= {warm / base:.1f}× the baseline"
    )
    if full:
        started = time.perf_counter()
        comment_themes(engine, why, known=known, limit=10**9)
        every = (time.perf_counter() - started) * 1000
        print(f"  themes, every comment once {every:8.1f} ms  = {every / base:.1f}× the baseline")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=100_000, help="per period")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    print(machine(load=True))
    with tempfile.TemporaryDirectory() as tmp, databases(Path(tmp), not args.no_postgres) as urls:
        for name, url in urls:
            engine = connect(url.replace("themes.db", "demo.db"))
            started = time.perf_counter()
            seed_demo(engine, now=NOW)
            print(f"\n[{name}] demo data seeded in {time.perf_counter() - started:.1f} s")
            for kpi, period in (("nps", "30d"), ("nps", "90d"), ("csat", "90d")):
                report(f"[{name}] demo", engine, kpi, period, args.runs, full=False)
            engine.dispose()
        for name, url in urls:
            if name == "postgresql":  # the demo's schema: start again empty
                with create_engine(url).begin() as conn:
                    conn.execute(text("DROP TABLE IF EXISTS alembic_version CASCADE"))
                    for table in reversed(nps_responses.metadata.sorted_tables):
                        conn.execute(text(f'DROP TABLE IF EXISTS "{table.name}" CASCADE'))
            engine = connect(url)
            started = time.perf_counter()
            seed_comments(engine, args.comments, random.Random(7))
            print(
                f"\n[{name}] {args.comments:,} comments a period seeded in "
                f"{time.perf_counter() - started:.1f} s"
            )
            report(f"[{name}] {args.comments:,}", engine, "nps", "2026-10", args.runs, full=True)
            engine.dispose()


if __name__ == "__main__":
    main()
