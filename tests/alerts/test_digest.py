"""The weekly KPI digest: the headline KPIs of a week against the week before, why the one
that moved most moved, one chart, and exactly one post per channel and ISO week, over real
HTTP to the Web API stand-in, on SQLite and PostgreSQL, from one process or three."""

from __future__ import annotations

import json
import multiprocessing
from datetime import UTC, datetime

import pytest
from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.scheduling.digest import post_digest
from bot.views.digest import digest_message
from metrics.claims import POSTS, status
from metrics.digest import biggest_mover, build_digest, last_complete_week, movement
from metrics.kpi_service import KpiService
from metrics.schema import post_claims
from tests.alerts.alert_workers import race_for_the_digest
from tests.alerts.kpi_rows import add_nps
from tests.slack_web_api import SlackWebApi

CHANNEL = "C0DIGEST"
WEEK = "2026-W48"  # Monday 23 to Sunday 29 November 2026
IN_W47 = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
IN_W48 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def seed_two_weeks(engine: Engine, *, segment: str = "smb") -> None:
    """NPS 30 in W47 (5 promoters, 2 detractors of 10) and 70 in W48 (8 and 1 of 10), and
    CSAT only in W48."""
    add_nps(engine, [10] * 5 + [8] * 3 + [0] * 2, at=IN_W47, segment=segment)
    add_nps(engine, [10] * 8 + [7] + [3], at=IN_W48, segment=segment)


def kpis(engine: Engine, targets: dict[str, float] | None = None) -> KpiService:
    return KpiService(lambda: engine, targets=lambda: targets or {})


def client(api: SlackWebApi) -> WebClient:
    return WebClient(token="xoxb-test", base_url=api.api_url)


def test_the_last_complete_week_is_the_one_before_today_in_the_given_time_zone() -> None:
    monday = datetime(2026, 11, 30, 7, 30, tzinfo=UTC)  # 08:30 in Copenhagen
    assert last_complete_week("Europe/Copenhagen", monday) == "2026-W48"
    sunday_night = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)  # Monday 00:30 in Copenhagen
    assert last_complete_week("Europe/Copenhagen", sunday_night) == "2026-W48"
    assert last_complete_week("UTC", sunday_night) == "2026-W47"
    assert last_complete_week("UTC", datetime(2027, 1, 4, 9, tzinfo=UTC)) == "2026-W53"


def test_the_digest_reports_each_kpi_against_the_week_before_and_explains_the_biggest_move(
    engine: Engine,
) -> None:
    seed_two_weeks(engine)
    digest = build_digest(kpis(engine, {"nps": 40}), ["nps", "csat", "churn"], WEEK)
    assert (digest.week, digest.previous_week) == ("2026-W48", "2026-W47")
    nps, csat, churn = digest.lines
    assert nps.result is not None
    assert (nps.result.value, nps.result.previous, nps.result.target) == (70.0, 30.0, 40.0)
    assert csat.result is None and csat.detail.startswith("No CSAT responses between 2026-11-23")
    assert churn.kpi == "churn_rate" and churn.result is not None  # customers active at start
    assert digest.mover == "nps"
    assert digest.why is not None and digest.why.change == pytest.approx(40.0)

    text, blocks = digest_message(digest, "en")
    shown = json.dumps(blocks, ensure_ascii=False)
    assert blocks[0]["text"]["text"] == "Weekly KPIs — 2026-W48"
    lines = blocks[1]["text"]["text"].splitlines()
    assert lines[0] == "Week 2026-W48 compared with the week before (2026-W47):"
    assert lines[1] == (
        ":arrow_up: *Net Promoter Score*: 70.0 points (+40.0 points) :large_green_circle: "
        "· target 40.0 points met · only 10 observations"
    )
    assert lines[2] == ":white_circle: *csat*: no data for 2026-W48"
    assert blocks[2]["text"]["text"].startswith(
        "*Biggest move:* Net Promoter Score +40.0 points. By segment: *smb* +40.0 points"
    )
    assert "By country: *DK* +40.0 points" in shown
    assert text.startswith("Weekly KPIs for 2026-W48: Net Promoter Score 70.0 points")


def test_the_biggest_move_is_measured_in_points_or_percent_and_small_samples_yield(
    engine: Engine,
) -> None:
    seed_two_weeks(engine)
    [nps] = build_digest(kpis(engine), ["nps"], WEEK).results
    assert movement(nps) == pytest.approx(40.0)
    big_order = nps.model_copy(
        update={"kpi": "aov", "unit": "DKK", "value": 600.0, "previous": 400.0, "delta": 200.0}
    )
    assert movement(big_order) == pytest.approx(50.0), "+50 % weighs like 50 points"
    assert biggest_mover([nps, big_order]) is big_order
    small = big_order.model_copy(update={"low_sample": True})
    solid = nps.model_copy(update={"low_sample": False})
    assert biggest_mover([solid, small]) is solid, "a solid move beats a bigger noisy one"
    assert biggest_mover([nps.model_copy(update={"kpi": "clv"})]) is None, "why cannot split clv"


def test_the_digest_is_posted_once_per_channel_and_week_with_its_chart_in_the_thread(
    engine: Engine, slack_web_api: SlackWebApi
) -> None:
    seed_two_weeks(engine)
    first = post_digest(engine, client(slack_web_api), kpis(engine), CHANNEL, WEEK, ["nps"])
    assert (first.posting.outcome, first.chart_posted) == ("posted", True)
    second = post_digest(engine, client(slack_web_api), kpis(engine), CHANNEL, WEEK, ["nps"])
    assert second.posting.outcome == "already_posted"
    assert second.posting.message_ts == first.posting.message_ts
    [posted] = slack_web_api.calls_to("chat.postMessage")
    assert posted.params["metadata"]["event_payload"] == {"claim": "digest:2026-W48"}
    [upload] = slack_web_api.calls_to("files.completeUploadExternal")
    assert upload.params["thread_ts"] == first.posting.message_ts
    assert [u.filename for u in slack_web_api.uploads.values()] == ["kpis-2026-W48.png"]
    other = post_digest(engine, client(slack_web_api), kpis(engine), "C0OTHER", WEEK, ["nps"])
    assert other.posting.outcome == "posted", "another channel gets its own"


def test_a_week_without_data_posts_nothing_and_stays_free(
    engine: Engine, slack_web_api: SlackWebApi
) -> None:
    result = post_digest(engine, client(slack_web_api), kpis(engine), CHANNEL, WEEK, ["nps"])
    assert result.posting.outcome == "nothing_to_post"
    assert slack_web_api.calls_to("chat.postMessage") == []
    assert status(engine, POSTS, CHANNEL, "digest:2026-W48") is None


def test_group_names_from_the_data_are_escaped_in_the_why_line(
    engine: Engine, slack_web_api: SlackWebApi
) -> None:
    seed_two_weeks(engine, segment="<!channel> & co")
    post_digest(engine, client(slack_web_api), kpis(engine), CHANNEL, WEEK, ["nps"])
    [posted] = slack_web_api.calls_to("chat.postMessage")
    shown = json.dumps(posted.params["blocks"], ensure_ascii=False)
    assert "<!channel>" not in shown
    assert "*&lt;!channel&gt; &amp; co* +40.0 points" in shown


def test_the_digest_speaks_the_channel_language(engine: Engine, slack_web_api: SlackWebApi) -> None:
    seed_two_weeks(engine)
    post_digest(engine, client(slack_web_api), kpis(engine), CHANNEL, WEEK, ["nps"], language="da")
    [posted] = slack_web_api.calls_to("chat.postMessage")
    blocks = posted.params["blocks"]
    assert blocks[0]["text"]["text"] == "Ugens KPI'er — 2026-W48"
    assert blocks[2]["text"]["text"].startswith("*Største bevægelse:* Net Promoter Score +40.0")


@pytest.mark.slow
def test_three_processes_post_the_weeks_digest_exactly_once(
    engine: Engine, database_url: str, slack_web_api: SlackWebApi
) -> None:
    seed_two_weeks(engine)
    procs = multiprocessing.get_context("fork")
    barrier, results = procs.Barrier(3), procs.Queue()
    workers = [
        procs.Process(
            target=race_for_the_digest,
            args=(database_url, slack_web_api.api_url, WEEK, f"p{n}", barrier, results),
        )
        for n in range(3)
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
        rows = conn.execute(select(post_claims)).all()
    assert len(rows) == 1 and rows[0].message_ts is not None
