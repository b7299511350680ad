"""Code run in separate OS processes by the exactly-once tests (each opens its own engine)."""

from __future__ import annotations

from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

from slack_sdk import WebClient

from bot.stories.posting import post_weekly_story
from metrics.db import connect


def race_for_the_week(
    database_url: str, api_url: str, week: str, name: str, barrier: Barrier, results: Queue
) -> None:
    """One replica: wait for the others, then try to post the week's story."""
    engine = connect(database_url)
    client = WebClient(token="xoxb-test", base_url=api_url)
    barrier.wait(timeout=60)
    result = post_weekly_story(engine, client, "C0STORIES", week=week, claimed_by=name)
    results.put((name, result.outcome, result.message_ts))
    engine.dispose()
