"""What the hourly alert check and the weekly digest cost, against the plain KPI computations
they are made of, in the same run.

Seeds the demo data (metrics.demo, 3,000 customers) into a throw-away SQLite file, or uses
`--database-url` (e.g. a copy of production), then times, p50 over `--runs`:

- baseline: `KpiService.compute` for each rule's query (the figures alone);
- `check_alerts(dry_run=True)`: the shipped rules (metrics/targets.yaml), verdicts and the
  state read — what every replica does every hour before it posts anything;
- `check_alerts` for real, after the first run (nothing owed: the steady state each hour);
- baseline: `compute` for each digest KPI of the last complete week;
- `build_digest`: those KPIs plus the why of the biggest mover;
- `render_panels`: the combined chart.

    .venv/bin/python benchmarks/alerts_digest.py [--runs 7] [--database-url URL]

Ratios are against the baseline measured in the same run; the machine and load are printed.
No targets: this says where the time goes (the KPIs), not whether a budget is met.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from machine import machine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from slack_sdk import WebClient  # noqa: E402

from bot.scheduling.alerts import check_alerts  # noqa: E402
from metrics.alerts.rules_file import load_rule_book, parse_rule_book  # noqa: E402
from metrics.chart import render_panels  # noqa: E402
from metrics.db import connect  # noqa: E402
from metrics.demo import seed_demo  # noqa: E402
from metrics.digest import build_digest, last_complete_week  # noqa: E402
from metrics.kpi_query import KpiQuery  # noqa: E402
from metrics.kpi_service import KpiService  # noqa: E402
from tests.slack_web_api import start_slack_web_api  # noqa: E402

DIGEST_KPIS = ["nps", "csat", "churn_rate", "checkout_completion", "aov"]


def p50_ms(work: Callable[[], object], runs: int) -> float:
    work()  # warm: imports, first connection, caches
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url
    if url is None:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='jb-bench-')}/metrics.db"
        seed_demo(connect(url))
    engine = connect(url)
    shipped = load_rule_book()
    # The shipped rules name no channel: give them one, so the real check settles state.
    book = parse_rule_book(
        "alerts:\n"
        + "".join(
            f"  - name: {r.name}\n    kpi: {r.kpi}\n    period: {r.period}\n"
            f"    {r.condition.kind}: {r.condition.threshold}\n    channel: C0BENCH\n"
            for r in shipped.alerts
        )
    )
    kpis = KpiService(lambda: engine, targets=lambda: shipped.targets)
    api, stop = start_slack_web_api()
    client = WebClient(token="xoxb-bench", base_url=api.api_url)
    week = last_complete_week("UTC")

    def check(dry_run: bool) -> object:
        return check_alerts(
            engine, client, book, kpis, default_channel=None, language="en", dry_run=dry_run
        )

    check(False)  # announce what is owed once; later runs are the hourly steady state
    rows = {
        "rule figures alone (baseline)": p50_ms(
            lambda: [kpis.compute(rule.query()) for rule in book.alerts], args.runs
        ),
        "alerts check --dry-run": p50_ms(lambda: check(True), args.runs),
        "alerts check (steady state)": p50_ms(lambda: check(False), args.runs),
        "digest KPIs alone (baseline)": p50_ms(
            lambda: [kpis.compute(KpiQuery(name=n, period=week)) for n in DIGEST_KPIS], args.runs
        ),
        "build_digest (with why)": p50_ms(lambda: build_digest(kpis, DIGEST_KPIS, week), args.runs),
    }
    digest = build_digest(kpis, DIGEST_KPIS, week)
    rows["render_panels (5 KPIs)"] = p50_ms(
        lambda: render_panels(digest.results, "Weekly KPIs"), args.runs
    )
    stop()
    print(f"{machine(load=True)}; {engine.dialect.name}; week {week}; p50 of {args.runs}")
    alerts_base = rows["rule figures alone (baseline)"]
    digest_base = rows["digest KPIs alone (baseline)"]
    for name, ms in rows.items():
        base = alerts_base if "alerts" in name or "rule" in name else digest_base
        ratio = f"{ms / base:5.2f}×" if "render" not in name else "      "
        print(f"  {name:<32} {ms:9.1f} ms  {ratio}")


if __name__ == "__main__":
    main()
