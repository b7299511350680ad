"""Code run in separate OS processes by the exactly-once alert and digest tests (each opens
its own engine and Slack client, as a replica does)."""

from __future__ import annotations

from datetime import datetime
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

from slack_sdk import WebClient

from bot.scheduling.alerts import check_alerts
from metrics.alerts.rules_file import parse_rule_book
from metrics.db import connect
from metrics.kpi_service import KpiService


def race_for_the_alerts(
    database_url: str,
    api_url: str,
    rules: str,
    now: datetime,
    name: str,
    barrier: Barrier,
    results: Queue,
) -> None:
    """One replica: wait for the others, then check every rule and announce what is owed."""
    engine = connect(database_url)
    client = WebClient(token="xoxb-test", base_url=api_url)
    book = parse_rule_book(rules)
    barrier.wait(timeout=60)
    checks = check_alerts(
        engine,
        client,
        book,
        KpiService(lambda: engine),
        default_channel="C0ALERTS",
        language="en",
        now=now,
        claimed_by=name,
    )
    outcomes = [(c.rule, c.state, c.posting.outcome if c.posting else None) for c in checks]
    results.put((name, outcomes))
    engine.dispose()


def race_for_the_digest(
    database_url: str, api_url: str, week: str, name: str, barrier: Barrier, results: Queue
) -> None:
    """One replica: wait for the others, then post the week's digest."""
    from bot.scheduling.digest import post_digest

    engine = connect(database_url)
    client = WebClient(token="xoxb-test", base_url=api_url)
    barrier.wait(timeout=60)
    posted = post_digest(
        engine, client, KpiService(lambda: engine), "C0DIGEST", week, ["nps"], claimed_by=name
    )
    results.put((name, posted.posting.outcome, posted.posting.message_ts))
    engine.dispose()
