"""Delivery claims (metrics/delivery_claims.py, claimed by bot/slack/dedupe.py): kept long
enough to stop retries and replays, not forever."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from metrics.db import connect
from metrics.delivery_claims import claim, prune
from metrics.schema import processed_events
from tests.bot.bot_harness import BotServer

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def claims(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(select(processed_events.c.event_id)).scalars())


def test_a_key_is_claimed_once(engine: Engine) -> None:
    assert claim(engine, "event:Ev1") is True
    assert claim(engine, "event:Ev1") is False
    assert claim(engine, "event:Ev2") is True


def test_claims_older_than_an_hour_are_pruned_and_newer_ones_kept(engine: Engine) -> None:
    claim(engine, "event:old", now=NOW - timedelta(hours=2))
    claim(engine, "event:recent", now=NOW - timedelta(minutes=59))
    assert prune(engine, now=NOW) == 1
    assert claims(engine) == ["event:recent"]


def test_the_bot_prunes_old_claims_while_handling_events(make_bot, knowledge_home, database_url):
    engine = connect(database_url)
    with engine.begin() as conn:
        old = datetime.now(UTC) - timedelta(days=3)
        conn.execute(insert(processed_events).values(event_id="event:EvOld", received_at=old))
    bot: BotServer = make_bot(home=knowledge_home, database_url=database_url)
    event = {
        "type": "app_mention",
        "user": "U0ALICE",
        "text": "<@UBOT0001> what is NPS?",
        "ts": "1.1",
        "channel": "C0GENERAL",
        "event_ts": "1.1",
    }
    bot.event(event, event_id="EvNew")
    bot.api.wait_for("chat.update")
    assert claims(engine) == ["event:EvNew"]
