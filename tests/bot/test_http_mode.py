"""`journeybot serve --http`: what Slack's HTTP requests get back, before any listener logic."""

from __future__ import annotations

import json
import time

from tests.bot.bot_harness import BotServer


def test_url_verification_echoes_the_challenge(make_bot) -> None:
    bot: BotServer = make_bot()
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"})
    reply = bot.post(body.encode(), "application/json")
    assert reply.status == 200
    assert "abc123" in reply.body


def mention(ts: str, text: str = "<@UBOT0001> what is NPS?") -> dict:
    return {
        "type": "app_mention",
        "user": "U0ALICE",
        "text": text,
        "ts": ts,
        "channel": "C0GENERAL",
        "event_ts": ts,
    }


def test_a_bad_signature_gets_401_and_runs_nothing(make_bot) -> None:
    bot: BotServer = make_bot()
    assert bot.event(mention("1.1"), event_id="EvForged", secret="not-the-secret").status == 401
    assert bot.event(mention("2.2"), event_id="EvGenuine").status == 200
    bot.api.wait_for("chat.update")
    posted = bot.api.calls_to("chat.postMessage")
    assert [call.params["thread_ts"] for call in posted] == ["2.2"]


def test_a_timestamp_more_than_five_minutes_old_gets_401(make_bot) -> None:
    bot: BotServer = make_bot()
    stale = int(time.time()) - 6 * 60
    assert bot.event(mention("1.1"), event_id="EvStale", timestamp=stale).status == 401
    assert bot.event(mention("2.2"), event_id="EvFresh").status == 200
    bot.api.wait_for("chat.update")
    posted = bot.api.calls_to("chat.postMessage")
    assert [call.params["thread_ts"] for call in posted] == ["2.2"]


def test_healthz_reports_database_and_index(make_bot, knowledge_home) -> None:
    bot: BotServer = make_bot(home=knowledge_home)
    reply = bot.get("/healthz")
    assert reply.json() == {"ok": True, "database": "ok", "index": "ok"}
    assert reply.status == 200


def test_healthz_is_503_when_the_database_is_unreachable(make_bot, knowledge_home) -> None:
    bot: BotServer = make_bot(
        home=knowledge_home, database_url="postgresql+psycopg://nobody@127.0.0.1:1/none"
    )
    reply = bot.get("/healthz")
    assert reply.status == 503
    assert reply.json()["ok"] is False
    assert reply.json()["database"] != "ok"


def test_unknown_paths_are_404(make_bot) -> None:
    bot: BotServer = make_bot()
    assert bot.get("/nope").status == 404
