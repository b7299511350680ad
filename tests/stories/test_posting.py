"""Posting the weekly story: exactly once per channel and ISO week, over real HTTP to a
stand-in for the Slack Web API, across processes, crashes and restarts."""

from __future__ import annotations

import json
import multiprocessing
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

import bot.stories.posting
from bot.stories.posting import post_weekly_story
from metrics.schema import nps_responses, story_posts
from metrics.stories.claims import claim_week, week_status
from tests.slack_web_api import SlackWebApi
from tests.stories.story_rows import T0, add_customer, add_nps
from tests.stories.story_workers import race_for_the_week

CHANNEL = "C0STORIES"
COMMENT = (
    "Astrid Lindqvist her: leveringen kom dagen efter, og supporten ringede mig op på 12 34 56 78."
)


def _seed(engine: Engine, consent: bool = True) -> None:
    add_customer(engine, "c1", "Astrid Lindqvist", segment="smb", country="DK")
    add_nps(engine, "n1", "c1", 10, COMMENT, consent=consent)


def _client(api: SlackWebApi) -> WebClient:
    return WebClient(token="xoxb-test", base_url=api.api_url)


def _posted_texts(api: SlackWebApi) -> list[str]:
    return [
        json.dumps(call.params, ensure_ascii=False) for call in api.calls_to("chat.postMessage")
    ]


def test_the_weekly_story_is_posted_redacted_and_recorded(
    engine: Engine, slack_web_api: SlackWebApi
) -> None:
    _seed(engine)
    result = post_weekly_story(engine, _client(slack_web_api), CHANNEL, week="2026-W48")
    assert result.outcome == "posted" and result.story_key == "nps:n1"
    [posted] = _posted_texts(slack_web_api)
    assert "Astrid" not in posted and "Lindqvist" not in posted and "12 34 56 78" not in posted
    assert "en SMB-kunde i Danmark" in posted and "NPS-score givet: 10" in posted
    status = week_status(engine, CHANNEL, "2026-W48")
    assert status is not None and status.message_ts == result.message_ts and status.posted_at


def test_the_same_week_twice_posts_once(engine: Engine, slack_web_api: SlackWebApi) -> None:
    _seed(engine)
    first = post_weekly_story(engine, _client(slack_web_api), CHANNEL, week="2026-W48")
    second = post_weekly_story(engine, _client(slack_web_api), CHANNEL, week="2026-W48")
    assert (first.outcome, second.outcome) == ("posted", "already_posted")
    assert second.message_ts == first.message_ts
    assert len(slack_web_api.calls_to("chat.postMessage")) == 1


def test_no_consent_means_no_post_and_the_week_is_skipped(
    engine: Engine, slack_web_api: SlackWebApi
) -> None:
    _seed(engine, consent=False)
    result = post_weekly_story(engine, _client(slack_web_api), CHANNEL, week="2026-W48")
    assert result.outcome == "nothing_to_post"
    assert slack_web_api.calls_to("chat.postMessage") == []
    assert week_status(engine, CHANNEL, "2026-W48") is None, "the claim is given back"


def test_consent_withdrawn_after_selection_still_stops_the_post(
    engine: Engine, slack_web_api: SlackWebApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(engine)
    real_prepare = bot.stories.posting.prepare_card

    def prepare_then_withdraw(*args: object, **kwargs: object) -> object:
        card = real_prepare(*args, **kwargs)
        with engine.begin() as conn:
            conn.execute(update(nps_responses).values(consent_to_share=False))
        return card

    monkeypatch.setattr(bot.stories.posting, "prepare_card", prepare_then_withdraw)
    result = post_weekly_story(engine, _client(slack_web_api), CHANNEL, week="2026-W48")
    assert result.outcome == "nothing_to_post"
    assert slack_web_api.calls_to("chat.postMessage") == []


def test_a_claim_left_by_a_crash_is_taken_over_and_posted_by_the_next_run(
    engine: Engine, slack_web_api: SlackWebApi
) -> None:
    _seed(engine)
    crashed_at = datetime.now(UTC) - timedelta(minutes=30)
    assert (
        claim_week(engine, CHANNEL, "2026-W48", claimed_by="crashed", now=crashed_at).state == "won"
    )
    result = post_weekly_story(
        engine, _client(slack_web_api), CHANNEL, week="2026-W48", claimed_by="next"
    )
    assert result.outcome == "posted"
    status = week_status(engine, CHANNEL, "2026-W48")
    assert status is not None and status.claimed_by == "next"
    assert len(slack_web_api.calls_to("chat.postMessage")) == 1


def test_a_fresh_claim_by_another_process_is_left_alone(
    engine: Engine, slack_web_api: SlackWebApi
) -> None:
    _seed(engine)
    claim_week(engine, CHANNEL, "2026-W48", claimed_by="busy", now=datetime.now(UTC))
    result = post_weekly_story(engine, _client(slack_web_api), CHANNEL, week="2026-W48")
    assert result.outcome == "in_progress_elsewhere"
    assert slack_web_api.calls_to("chat.postMessage") == []


def test_slack_refusing_the_post_frees_the_week_for_a_retry(
    engine: Engine, slack_web_api: SlackWebApi
) -> None:
    _seed(engine)
    slack_web_api.respond("chat.postMessage", {"ok": False, "error": "channel_not_found"})
    result = post_weekly_story(engine, _client(slack_web_api), CHANNEL, week="2026-W48")
    assert (result.outcome, result.detail) == ("failed", "channel_not_found")
    assert week_status(engine, CHANNEL, "2026-W48") is None


def test_only_a_stale_claim_can_be_taken_over_and_only_once(engine: Engine) -> None:
    old = T0 - timedelta(hours=1)
    assert claim_week(engine, CHANNEL, "2026-W45", claimed_by="a", now=old).state == "won"
    taken = claim_week(engine, CHANNEL, "2026-W45", claimed_by="b", now=T0)
    assert (taken.state, taken.taken_over_from) == ("won", old), "says whose post to look for"
    assert claim_week(engine, CHANNEL, "2026-W45", claimed_by="c", now=T0).state == "held"


def test_four_processes_racing_for_the_same_week_post_exactly_once(
    engine: Engine, database_url: str, slack_web_api: SlackWebApi
) -> None:
    _seed(engine)
    # fork: the children start in milliseconds; each opens its own engine, and none touches
    # the parent's server thread or pooled connections.
    procs = multiprocessing.get_context("fork")
    barrier, results = procs.Barrier(4), procs.Queue()
    workers = [
        procs.Process(
            target=race_for_the_week,
            args=(database_url, slack_web_api.api_url, "2026-W48", f"p{n}", barrier, results),
        )
        for n in range(4)
    ]
    for worker in workers:
        worker.start()
    outcomes = sorted(results.get(timeout=90)[1] for _ in workers)
    for worker in workers:
        worker.join(timeout=30)
    assert outcomes.count("posted") == 1, outcomes
    assert set(outcomes) <= {"posted", "already_posted", "in_progress_elsewhere"}
    assert len(slack_web_api.calls_to("chat.postMessage")) == 1
    with engine.connect() as conn:
        rows = conn.execute(select(story_posts)).all()
    assert len(rows) == 1 and rows[0].message_ts is not None
