"""Alerts: a breach is announced once, not repeated while it lasts, and its recovery once,
over real HTTP to the Slack Web API stand-in, on SQLite and PostgreSQL, from one process or
three at once."""

from __future__ import annotations

import json
import multiprocessing
from datetime import datetime, timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.scheduling.alerts import AlertCheck, check_alerts
from metrics.alerts.rules_file import parse_rule_book
from metrics.alerts.state import current
from metrics.kpi_service import KpiService
from metrics.schema import alert_states, post_claims
from tests.alerts.alert_workers import race_for_the_alerts
from tests.alerts.kpi_rows import NOW, add_customers, add_nps, days_before
from tests.slack_web_api import SlackWebApi

CHANNEL = "C0ALERTS"
NPS_BELOW_30 = f"""
targets: {{nps: 40}}
alerts:
  - name: nps-below-30
    kpi: nps
    period: 30d
    below: 30
    channel: {CHANNEL}
"""


def check(
    engine: Engine,
    api: SlackWebApi,
    rules: str = NPS_BELOW_30,
    *,
    now: datetime = NOW,
    dry_run: bool = False,
    default_channel: str | None = None,
    language: str = "en",
) -> list[AlertCheck]:
    book = parse_rule_book(rules)
    kpis = KpiService(lambda: engine, targets=lambda: book.targets)
    client = WebClient(token="xoxb-test", base_url=api.api_url)
    return check_alerts(
        engine,
        client,
        book,
        kpis,
        default_channel=default_channel,
        language=language,
        dry_run=dry_run,
        now=now,
    )


def posts(api: SlackWebApi) -> list[dict]:
    return [call.params for call in api.calls_to("chat.postMessage")]


def first_line(params: dict) -> str:
    return params["blocks"][0]["text"]["text"]


def test_a_breach_is_announced_once_not_repeated_and_its_recovery_once(
    engine: Engine, slack_web_api: SlackWebApi
) -> None:
    add_nps(engine, [0] * 4 + [8] * 10 + [10] * 6, at=days_before(NOW, 5))  # NPS 10
    [breach] = check(engine, slack_web_api)
    assert (breach.verdict, breach.state, breach.announcement) == (
        "breached",
        "breached",
        "breached",
    )
    assert breach.posting is not None and breach.posting.outcome == "posted"
    [announced] = posts(slack_web_api)
    assert announced["channel"] == CHANNEL
    assert first_line(announced) == (
        ":rotating_light: *Net Promoter Score* is *10.0 points* for last 30 days, "
        "below the alert threshold of 30.0 points."
    )
    assert "Target: 40.0 points" in json.dumps(announced["blocks"])

    for hours in (1, 2, 3):
        [still] = check(engine, slack_web_api, now=NOW + timedelta(hours=hours))
        assert (still.state, still.posting and still.posting.outcome) == (
            "breached",
            "already_posted",
        )
    assert len(posts(slack_web_api)) == 1, "no repeat while it stays breached"

    add_nps(engine, [10] * 40, at=days_before(NOW, 1))  # (46 - 4) / 60 → NPS 70
    [back] = check(engine, slack_web_api, now=NOW + timedelta(hours=4))
    assert (back.verdict, back.state, back.announcement) == ("ok", "ok", "recovered")
    assert first_line(posts(slack_web_api)[1]) == (
        ":white_check_mark: *Net Promoter Score* is back at *70.0 points* for last 30 days, "
        "no longer below 30.0 points."
    )
    [quiet] = check(engine, slack_web_api, now=NOW + timedelta(hours=5))
    assert (quiet.state, quiet.posting and quiet.posting.outcome) == ("ok", "already_posted")
    assert len(posts(slack_web_api)) == 2

    add_nps(engine, [0] * 200, at=days_before(NOW, 1))  # a second breach is a new episode
    [again] = check(engine, slack_web_api, now=NOW + timedelta(hours=6))
    assert (again.state, again.episode, again.announcement) == ("breached", 2, "breached")
    assert len(posts(slack_web_api)) == 3


def test_churn_rising_more_than_one_point_month_over_month_is_announced_with_the_change(
    engine: Engine, slack_web_api: SlackWebApi
) -> None:
    # October: 100 active at the start, 1 churns (1.0 %). November: 99 active, 3 churn (3.03 %).
    churns = [datetime(2026, 10, 20, tzinfo=NOW.tzinfo)] + [
        datetime(2026, 11, day, tzinfo=NOW.tzinfo) for day in (3, 12, 25)
    ]
    add_customers(engine, 100, churned=churns)
    rules = """
alerts:
  - name: churn-up-1pp
    kpi: churn
    period: last-month
    rises_by: 1
  - name: nps-below-30
    kpi: nps
    below: 30
"""
    churn, nps = check(engine, slack_web_api, rules, default_channel=CHANNEL)
    assert (churn.verdict, churn.announcement) == ("breached", "breached")
    assert churn.value == pytest.approx(300 / 99)
    assert (nps.verdict, nps.announcement, nps.posting) == ("no_data", None, None)
    [announced] = posts(slack_web_api)
    assert first_line(announced) == (
        ":rotating_light: *Churn rate* rose 2.0 pp to *3.0%* for 2026-11 "
        "(previous period (2026-10): 1.0%), more than the alert threshold of 1.0 pp."
    )


def test_a_rule_with_no_data_keeps_its_state_and_announces_nothing(
    engine: Engine, slack_web_api: SlackWebApi
) -> None:
    add_nps(engine, [0] * 20, at=days_before(NOW, 5))
    check(engine, slack_web_api)
    [empty] = check(engine, slack_web_api, now=NOW + timedelta(days=60))
    assert (empty.verdict, empty.state, empty.announcement) == ("no_data", "breached", None)
    assert empty.detail.startswith("No NPS responses between 2027-01-07 12:00 and 2027-02-06 12:00")
    assert len(posts(slack_web_api)) == 1, "an empty window is not a recovery"


def test_a_dry_run_says_what_would_be_announced_and_changes_nothing(
    engine: Engine, slack_web_api: SlackWebApi
) -> None:
    add_nps(engine, [0] * 20, at=days_before(NOW, 5))
    [would] = check(engine, slack_web_api, dry_run=True)
    assert (would.verdict, would.state, would.episode, would.announcement, would.posting) == (
        "breached",
        "breached",
        1,
        "breached",
        None,
    )
    assert posts(slack_web_api) == []
    with engine.connect() as conn:
        assert conn.execute(select(alert_states)).all() == []
        assert conn.execute(select(post_claims)).all() == []
    check(engine, slack_web_api)
    [after] = check(engine, slack_web_api, dry_run=True)
    assert (after.state, after.announcement) == ("breached", None), "announced already"


def test_a_rule_without_a_channel_is_checked_and_not_posted(
    engine: Engine, slack_web_api: SlackWebApi
) -> None:
    add_nps(engine, [0] * 20, at=days_before(NOW, 5))
    [unposted] = check(engine, slack_web_api, NPS_BELOW_30.replace(f"    channel: {CHANNEL}\n", ""))
    assert (unposted.verdict, unposted.channel, unposted.posting) == ("breached", None, None)
    assert "set ALERT_CHANNEL" in unposted.detail
    assert posts(slack_web_api) == []


def test_slack_refusing_the_announcement_leaves_it_owed_to_the_next_check(
    engine: Engine, slack_web_api: SlackWebApi
) -> None:
    add_nps(engine, [0] * 20, at=days_before(NOW, 5))
    slack_web_api.respond("chat.postMessage", {"ok": False, "error": "not_in_channel"})
    [refused] = check(engine, slack_web_api)
    assert refused.posting is not None
    assert (refused.state, refused.posting.outcome, refused.detail) == (
        "breached",
        "failed",
        "not_in_channel",
    )
    del slack_web_api.overrides["chat.postMessage"]
    [retried] = check(engine, slack_web_api, now=NOW + timedelta(hours=1))
    assert retried.posting is not None and retried.posting.outcome == "posted"
    assert len([p for p in slack_web_api.posted_to(CHANNEL)]) == 1


def test_an_answer_lost_after_slack_posted_is_found_in_the_channel_not_posted_again(
    engine: Engine, slack_web_api: SlackWebApi
) -> None:
    add_nps(engine, [0] * 20, at=days_before(NOW, 5))
    slack_web_api.drop_once("chat.postMessage")
    [lost] = check(engine, slack_web_api)
    assert lost.posting is not None and lost.posting.outcome == "posted"
    [later] = check(engine, slack_web_api, now=NOW + timedelta(hours=1))
    assert later.posting is not None and later.posting.outcome == "already_posted"
    assert len(slack_web_api.posted_to(CHANNEL)) == 1


def test_the_rule_name_label_and_filter_are_escaped_and_numbers_come_from_the_formatter(
    engine: Engine, slack_web_api: SlackWebApi
) -> None:
    add_nps(engine, [0] * 20, at=days_before(NOW, 5), segment="smb & <!here>")
    rules = f"""
alerts:
  - name: ent.nps
    label: "<!channel> ping @here <https://evil.example|the official form>"
    kpi: nps
    segments: {{segment: "smb & <!here>"}}
    below: 30
    channel: {CHANNEL}
"""
    check(engine, slack_web_api, rules)
    [announced] = posts(slack_web_api)
    shown = json.dumps(announced["blocks"], ensure_ascii=False)
    assert "<!channel>" not in shown and "<!here>" not in shown and "<https://" not in shown
    assert (
        "&lt;!channel&gt; ping @\u200dhere &lt;https://evil.example|the official form&gt;" in shown
    )
    assert "segment=smb &amp; &lt;!here&gt;" in shown
    assert "<!" not in announced["text"]


def test_the_announcement_speaks_the_rules_or_the_channels_language(
    engine: Engine, slack_web_api: SlackWebApi
) -> None:
    add_nps(engine, [0] * 20, at=days_before(NOW, 5))
    danish = NPS_BELOW_30 + "    language: da\n"
    check(engine, slack_web_api, danish, language="sv")
    assert "under alarmgrænsen på 30.0 points" in first_line(posts(slack_web_api)[0])


@pytest.mark.slow
def test_three_processes_announce_a_breach_once_and_its_recovery_once(
    engine: Engine, database_url: str, slack_web_api: SlackWebApi
) -> None:
    add_nps(engine, [0] * 20, at=days_before(NOW, 5))

    def race(now: datetime) -> list[tuple]:
        # fork: the children start in milliseconds; each opens its own engine and client.
        procs = multiprocessing.get_context("fork")
        barrier, results = procs.Barrier(3), procs.Queue()
        workers = [
            procs.Process(
                target=race_for_the_alerts,
                args=(
                    database_url,
                    slack_web_api.api_url,
                    NPS_BELOW_30,
                    now,
                    f"p{n}",
                    barrier,
                    results,
                ),
            )
            for n in range(3)
        ]
        for worker in workers:
            worker.start()
        outcomes = [results.get(timeout=90)[1][0] for _ in workers]
        for worker in workers:
            worker.join(timeout=30)
        return outcomes

    breached = race(NOW)
    assert {state for _, state, _ in breached} == {"breached"}, breached
    assert sorted(outcome for *_, outcome in breached).count("posted") == 1, breached
    assert len(posts(slack_web_api)) == 1

    add_nps(engine, [10] * 100, at=days_before(NOW, 1))
    recovered = race(NOW + timedelta(hours=1))
    assert {state for _, state, _ in recovered} == {"ok"}, recovered
    assert sorted(outcome for *_, outcome in recovered).count("posted") == 1, recovered
    assert len(posts(slack_web_api)) == 2
    state = current(engine, "nps-below-30", CHANNEL)
    assert state is not None and (state.state, state.episode) == ("ok", 1)
    with engine.connect() as conn:
        keys = sorted(conn.execute(select(post_claims.c.claim_key)).scalars())
    assert keys == ["alert:nps-below-30:1:breached", "alert:nps-below-30:1:recovered"]


def test_a_breach_that_was_never_announced_gets_no_recovery_message(
    engine: Engine, slack_web_api: SlackWebApi
) -> None:
    add_nps(engine, [0] * 20, at=days_before(NOW, 5))
    slack_web_api.respond("chat.postMessage", {"ok": False, "error": "not_in_channel"})
    check(engine, slack_web_api)
    del slack_web_api.overrides["chat.postMessage"]
    add_nps(engine, [10] * 200, at=days_before(NOW, 1))
    [would] = check(engine, slack_web_api, now=NOW + timedelta(hours=1), dry_run=True)
    assert (would.state, would.announcement) == ("ok", None)
    [back] = check(engine, slack_web_api, now=NOW + timedelta(hours=1))
    assert (back.state, back.announcement, back.posting) == ("ok", None, None)
    assert back.detail == "Recovered from a breach that was never announced; nothing posted."
    assert slack_web_api.posted_to(CHANNEL) == []
