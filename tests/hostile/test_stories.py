"""Customer stories in a real workspace: concurrent shares, posts whose outcome Slack never
told us, personal data that slips past redaction, and stories nobody approved.

Everything Slack-facing goes over loopback HTTP: signed requests to a real bot, and the bot's
Web API calls to the stand-in (tests/slack_web_api.py). Every test runs on SQLite and on
PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from slack_sdk import WebClient
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from bot.cli import story as story_cli
from bot.config import Settings
from bot.slack.client import make_client
from bot.slack.server import stop_server
from bot.stories.posting import post_weekly_story
from metrics.csv_import import import_csv
from metrics.schema import stories, story_posts
from metrics.stories.adding import add_story
from metrics.stories.claims import claim_week, week_status
from tests.bot.bot_harness import BotServer, bot_settings, start_bot
from tests.slack_web_api import Call, SlackWebApi
from tests.stories.story_rows import add_customer, add_nps
from tests.story_payloads import view_submission

CHANNEL = "C0STORIES"
WEEK = "2026-W49"
PRAISE = "Pakken kom dagen efter, og supporten ringede selv for at sige det. Tak!"
SHARED = "Shared the story in this channel."
BUSY = "Another story is being shared in this channel right now; nothing more was shared."
NOTHING = "No consented customer story is available right now. Add one with `/story add`."


APPROVERS = ["U0BOSS", "U0CHIEF"]


def _running_bot(
    api: SlackWebApi, home: Path, database_url: str, **overrides: object
) -> Iterator[BotServer]:
    settings = bot_settings(api, home, database_url, **overrides)
    url, app, server, thread = start_bot(settings)
    try:
        yield BotServer(url, api, app, settings)
    finally:
        for method in list(api.paused):
            api.resume(method)
        stop_server(server, thread)


@pytest.fixture
def bot(
    slack_web_api: SlackWebApi,
    home: Path,
    database_url: str,
) -> Iterator[BotServer]:
    """A bot on the test database: stories added in Slack need no approval."""
    yield from _running_bot(slack_web_api, home, database_url)


@pytest.fixture
def approving_bot(
    slack_web_api: SlackWebApi,
    home: Path,
    database_url: str,
) -> Iterator[BotServer]:
    """A bot where stories added in Slack wait for U0BOSS or U0CHIEF (STORY_APPROVERS)."""
    yield from _running_bot(slack_web_api, home, database_url, story_approvers=APPROVERS)


def _engine(bot: BotServer) -> Engine:
    return bot.app.services.engine()


def _client(api: SlackWebApi) -> WebClient:
    """The client the bot and the CLI use (bot/slack/client.py)."""
    return make_client(Settings(slack_bot_token="xoxb-test", slack_api_url=api.api_url))


def _posted(api: SlackWebApi) -> list[str]:
    return [
        json.dumps(call.params, ensure_ascii=False) for call in api.calls_to("chat.postMessage")
    ]


def _marker(claim: str, story_key: str) -> dict:
    """What a story post carries, as conversations.history returns it."""
    return {
        "event_type": "journeybot_story",
        "event_payload": {"claim": claim, "story_key": story_key},
    }


# ---- 6: concurrent shares ----------------------------------------------------------------


def test_three_story_shares_at_once_post_one_story(bot: BotServer) -> None:
    engine = _engine(bot)
    add_customer(engine, "c1", "Jens Hansen")
    add_nps(engine, "n1", "c1", 10, PRAISE, consent=True)
    # The first post is held in flight while the other two shares arrive.
    bot.api.pause("chat.postMessage")
    for _ in range(3):
        assert bot.command("/story", "share").status == 200
    bot.api.wait_for("chat.postMessage")
    early = bot.api.wait_for("response_url", count=2)
    bot.api.resume("chat.postMessage")
    replies = [c.params["text"] for c in bot.api.wait_for("response_url", count=3)]
    assert len(bot.api.calls_to("chat.postMessage")) == 1
    assert {c.params["text"] for c in early} <= {BUSY, NOTHING}
    assert replies.count(SHARED) == 1
    with engine.connect() as conn:
        [row] = conn.execute(select(story_posts)).all()
    assert row.story_key == "nps:n1" and row.iso_week == f"manual:{row.message_ts}"


# ---- 7: posts whose outcome Slack never told us -------------------------------------------


def test_a_weekly_post_slack_accepted_before_a_crash_is_found_and_not_posted_again(
    engine: Engine,
    slack_web_api: SlackWebApi,
) -> None:
    add_customer(engine, "c1", "Jens Hansen")
    add_nps(engine, "n1", "c1", 10, PRAISE, consent=True)
    crashed_at = datetime.now(UTC) - timedelta(minutes=30)
    claim_week(engine, CHANNEL, WEEK, claimed_by="crashed", now=crashed_at)
    # The crashed replica's post reached the channel; its ts never reached the database.
    posted = slack_web_api.add_history(
        CHANNEL, {"text": "Ugens kundehistorie", "metadata": _marker(WEEK, "nps:n1")}
    )
    result = post_weekly_story(engine, _client(slack_web_api), CHANNEL, week=WEEK)
    assert (result.outcome, result.message_ts) == ("already_posted", posted["ts"])
    assert slack_web_api.calls_to("chat.postMessage") == []
    status = week_status(engine, CHANNEL, WEEK)
    assert status is not None and status.message_ts == posted["ts"] and status.posted_at


def test_a_post_slack_took_but_never_answered_is_recorded_once_not_repeated(
    engine: Engine,
    slack_web_api: SlackWebApi,
) -> None:
    add_customer(engine, "c1", "Jens Hansen")
    add_nps(engine, "n1", "c1", 10, PRAISE, consent=True)
    slack_web_api.drop_once("chat.postMessage")
    first = post_weekly_story(engine, _client(slack_web_api), CHANNEL, week=WEEK)
    assert first.outcome == "posted"
    [message] = slack_web_api.posted_to(CHANNEL)
    assert message["metadata"] == _marker(WEEK, "nps:n1"), "the post says which claim it is"
    assert first.message_ts == message["ts"]
    later = datetime.now(UTC) + timedelta(minutes=15)
    again = post_weekly_story(engine, _client(slack_web_api), CHANNEL, week=WEEK, now=later)
    assert again.outcome == "already_posted"
    assert len(slack_web_api.posted_to(CHANNEL)) == 1


def test_a_client_that_resends_on_a_dropped_connection_still_posts_once(
    engine: Engine,
    slack_web_api: SlackWebApi,
) -> None:
    add_customer(engine, "c1", "Jens Hansen")
    add_nps(engine, "n1", "c1", 10, PRAISE, consent=True)
    slack_web_api.drop_once("chat.postMessage")
    # slack_sdk's default client resends a request whose connection dropped.
    resending = WebClient(token="xoxb-test", base_url=slack_web_api.api_url)
    assert post_weekly_story(engine, resending, CHANNEL, week=WEEK).outcome == "posted"
    assert len(slack_web_api.posted_to(CHANNEL)) == 1


def test_an_unanswered_post_is_looked_for_again_when_its_claim_is_taken_over(
    engine: Engine,
    slack_web_api: SlackWebApi,
) -> None:
    add_customer(engine, "c1", "Jens Hansen")
    add_nps(engine, "n1", "c1", 10, PRAISE, consent=True)
    slack_web_api.drop_once("chat.postMessage")
    slack_web_api.respond("conversations.history", {"ok": False, "error": "ratelimited"})
    first = post_weekly_story(engine, _client(slack_web_api), CHANNEL, week=WEEK)
    assert first.outcome == "outcome_unknown", "no answer and no history: we do not know"
    slack_web_api.overrides.pop("conversations.history")
    later = datetime.now(UTC) + timedelta(minutes=15)
    second = post_weekly_story(engine, _client(slack_web_api), CHANNEL, week=WEEK, now=later)
    assert second.outcome == "already_posted"
    assert len(slack_web_api.posted_to(CHANNEL)) == 1


def test_without_the_history_scope_a_possibly_posted_week_is_not_posted_blindly(
    engine: Engine,
    slack_web_api: SlackWebApi,
) -> None:
    add_customer(engine, "c1", "Jens Hansen")
    add_nps(engine, "n1", "c1", 10, PRAISE, consent=True)
    crashed_at = datetime.now(UTC) - timedelta(minutes=30)
    claim_week(engine, CHANNEL, WEEK, claimed_by="crashed", now=crashed_at)
    slack_web_api.respond(
        "conversations.history",
        {"ok": False, "error": "missing_scope", "needed": "channels:history"},
    )
    result = post_weekly_story(engine, _client(slack_web_api), CHANNEL, week=WEEK)
    assert result.outcome == "history_unreadable"
    assert slack_web_api.calls_to("chat.postMessage") == []
    assert "channels:history" in result.detail and "groups:history" in result.detail
    assert result.detail.count(". ") == 0 and result.detail.endswith("."), "one sentence"
    status = week_status(engine, CHANNEL, WEEK)
    assert status is not None and status.claimed_at == crashed_at, "the next run looks again"


def _run_cli(*args: str) -> tuple[int, str]:
    cli = click.Group("journeybot")
    story_cli.register(cli)
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_rerunning_the_cli_after_an_unanswered_post_does_not_post_twice(
    home: Path,
    engine: Engine,
    database_url: str,
    slack_web_api: SlackWebApi,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    add_customer(engine, "c1", "Jens Hansen")
    add_nps(engine, "n1", "c1", 10, PRAISE, consent=True)
    slack_web_api.drop_once("chat.postMessage")
    slack_web_api.respond("conversations.history", {"ok": False, "error": "ratelimited"})
    code, output = _run_cli("story", "post", "--channel", CHANNEL, "--week", WEEK)
    assert code == 1 and "may be in C0STORIES" in output
    slack_web_api.overrides.pop("conversations.history")
    # Ten minutes later (the claim is stale), the operator runs it again, as told.
    with engine.begin() as conn:
        conn.execute(
            update(story_posts).values(claimed_at=datetime.now(UTC) - timedelta(minutes=11))
        )
    code, output = _run_cli("story", "post", "--channel", CHANNEL, "--week", WEEK)
    assert code == 0 and output.startswith(f"Already posted for {WEEK} in {CHANNEL}"), output
    assert len(slack_web_api.posted_to(CHANNEL)) == 1


def test_a_share_that_went_out_before_a_crash_is_recorded_not_shared_again(
    bot: BotServer,
) -> None:
    engine = _engine(bot)
    add_customer(engine, "c1", "Jens Hansen")
    add_nps(engine, "n1", "c1", 10, PRAISE, consent=True)
    crashed_at = datetime.now(UTC) - timedelta(minutes=30)
    claim_week(engine, "C0GENERAL", "manual:sharing", claimed_by="crashed", now=crashed_at)
    posted = bot.api.add_history(
        "C0GENERAL",
        {"text": "Ugens kundehistorie", "metadata": _marker("manual:sharing", "nps:n1")},
    )
    bot.command("/story", "share")
    [reply] = bot.api.wait_for("response_url")
    assert "after all" in reply.params["text"]
    assert bot.api.calls_to("chat.postMessage") == []
    with engine.connect() as conn:
        [row] = conn.execute(select(story_posts)).all()
    assert (row.iso_week, row.story_key) == (f"manual:{posted['ts']}", "nps:n1")


# ---- 8: personal data ----------------------------------------------------------------------

LEAKY = (
    "Søren Jørgensen fra Nørrebrogade 12, 2. th., 2200 København N ringede på 12  34\n56 78 "
    "og sendte linkedin.com/in/soren-jorgensen; Astrid Lindqvist hjalp ham, og Kasper "
    "Bjerregaard fra lageret pakkede ordren."
)
SECRETS = ["Søren", "Jørgensen", "Nørrebrogade", "2200", "12  34", "56 78", "linkedin", "Astrid"]


def test_a_story_without_a_customer_names_nobody_known_and_no_address_number_or_link(
    bot: BotServer,
) -> None:
    engine = _engine(bot)
    add_customer(engine, "c1", "Søren Jørgensen")
    add_customer(engine, "c2", "Astrid Lindqvist")
    add_story(engine, title="Hurtig pakning", body=LEAKY, source="interview", consent=True)
    bot.api.set_users(
        [{"id": "U0KASPER", "real_name": "Kasper Bjerregaard", "profile": {"display_name": "kb"}}]
    )
    bot.command("/story", "share")
    [post] = bot.api.wait_for("chat.postMessage")
    text = json.dumps(post.params, ensure_ascii=False)
    for secret in [*SECRETS, "Kasper", "Bjerregaard"]:
        assert secret not in text, (secret, text)
    assert "[address]" in text and "[link]" in text and "[name]" in text


def test_a_promoter_comment_naming_another_customer_does_not_show_that_name(
    engine: Engine,
    slack_web_api: SlackWebApi,
) -> None:
    add_customer(engine, "c1", "Jens Hansen")
    add_customer(engine, "c2", "Astrid Lindqvist")
    add_nps(engine, "n1", "c1", 10, f"Astrid Lindqvist anbefalede jer. {PRAISE}", consent=True)
    post_weekly_story(engine, _client(slack_web_api), CHANNEL, week=WEEK)
    [posted] = _posted(slack_web_api)
    assert "Astrid" not in posted and "Lindqvist" not in posted


# ---- approval -------------------------------------------------------------------------------

STORY = "Pakken kom dagen efter, og supporten ringede selv på 12 34 56 78 for at sige det."


def _submission(body: str) -> dict:
    """The payload Slack sends when the story modal is submitted."""
    values = {
        "story_title": {"title": {"type": "plain_text_input", "value": "Hurtig levering"}},
        "story_body": {"body": {"type": "plain_text_input", "value": body}},
        "story_customer": {"customer_id": {"type": "plain_text_input", "value": None}},
        "story_source": {
            "source": {"type": "static_select", "selected_option": {"value": "slack"}}
        },
        "story_consent": {
            "consent": {"type": "checkboxes", "selected_options": [{"value": "consented"}]}
        },
    }
    return view_submission(values)


def _click(bot: BotServer, dm: Call, user: str, action_id: str) -> None:
    """An approver clicks Approve or Reject under the DM `dm` (the chat.postMessage call)."""
    [buttons] = [b for b in dm.params["blocks"] if b["type"] == "actions"]
    [button] = [e for e in buttons["elements"] if e["action_id"] == action_id]
    channel = dm.params["channel"]
    ts = next(m["ts"] for m in bot.api.posted_to(channel) if m["text"] == dm.params["text"])
    payload = {
        "type": "block_actions",
        "team": {"id": "T0TEST01"},
        "user": {"id": user},
        "api_app_id": "A0TEST01",
        "trigger_id": "7.8.9",
        "channel": {"id": channel},
        "container": {"type": "message", "message_ts": ts, "channel_id": channel},
        "message": {"ts": ts, "text": dm.params["text"], "blocks": dm.params["blocks"]},
        "response_url": bot.api.response_url("approval"),
        "actions": [{**button, "block_id": "story_approval", "action_ts": "1.0"}],
    }
    assert bot.action(payload).status == 200


def _approval(engine: Engine, story_id: str) -> tuple:
    with engine.connect() as conn:
        row = conn.execute(select(stories).where(stories.c.story_id == story_id)).one()
    return row.approval, row.decided_by, row.decided_at is not None


def _asked(bot: BotServer) -> dict[str, Call]:
    """The approvers' DMs, by DM channel (the stand-in opens D0BOSS for U0BOSS)."""
    calls = bot.api.wait_for(
        "chat.postMessage", count=2, where=lambda c: c.params["channel"].startswith("D")
    )
    return {call.params["channel"]: call for call in calls}


def test_a_story_added_from_a_message_waits_for_an_approver_before_it_is_posted(
    approving_bot: BotServer,
) -> None:
    bot = approving_bot
    engine = _engine(bot)
    shortcut = {
        "type": "message_action",
        "callback_id": "add_story",
        "team": {"id": "T0TEST01"},
        "user": {"id": "U0ALICE"},
        "api_app_id": "A0TEST01",
        "channel": {"id": "C0GENERAL"},
        "message": {"ts": "1.1", "text": STORY},
        "response_url": bot.api.response_url("shortcut"),
        "trigger_id": "4.5.6",
    }
    bot.action(shortcut)
    [opened] = bot.api.wait_for("views.open")
    view = opened.params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    [body] = [
        b["element"]["initial_value"] for b in view["blocks"] if b["block_id"] == "story_body"
    ]
    reply = bot.action(_submission(body)).json()
    assert reply["response_action"] == "update"  # "Saving…": the ack never waits on the database
    [saved] = bot.api.wait_for("views.update")
    assert "waits for approval" in json.dumps(saved.params["view"])

    asked = _asked(bot)
    assert set(asked) == {"D0BOSS", "D0CHIEF"}
    dm = asked["D0BOSS"]
    assert "12 34 56 78" not in json.dumps(dm.params, ensure_ascii=False), "the card is redacted"
    [buttons] = [b for b in dm.params["blocks"] if b["type"] == "actions"]
    story_id = buttons["elements"][0]["value"]
    assert _approval(engine, story_id) == ("pending", None, False)

    bot.command("/story", "share")
    [told] = bot.api.wait_for("response_url")
    assert told.params["text"] == NOTHING, "an unapproved story is not shared"
    weekly = post_weekly_story(engine, _client(bot.api), CHANNEL, week=WEEK)
    assert weekly.outcome == "nothing_to_post", "nor posted weekly"

    _click(bot, dm, "U0BOSS", "story_approve")
    [update_call] = bot.api.wait_for("chat.update")
    assert update_call.params["text"].startswith("Approved by <@U0BOSS> on ")
    assert all(b["type"] != "actions" for b in update_call.params["blocks"]), "buttons gone"
    assert _approval(engine, story_id) == ("approved", "U0BOSS", True)

    bot.command("/story", "share")
    [shared] = bot.api.wait_for(
        "chat.postMessage", where=lambda c: c.params["channel"] == "C0GENERAL"
    )
    assert "12 34 56 78" not in json.dumps(shared.params, ensure_ascii=False)


def test_a_decided_story_ignores_later_clicks(approving_bot: BotServer) -> None:
    bot = approving_bot
    engine = _engine(bot)
    bot.action(_submission(STORY))
    asked = _asked(bot)
    _click(bot, asked["D0CHIEF"], "U0CHIEF", "story_reject")
    [first] = bot.api.wait_for("chat.update")
    assert first.params["text"].startswith("Rejected by <@U0CHIEF>")
    _click(bot, asked["D0BOSS"], "U0BOSS", "story_approve")
    [_, second] = bot.api.wait_for("chat.update", count=2)
    assert second.params["text"].startswith("Already decided: Rejected by <@U0CHIEF>")
    [story_id] = {
        b["elements"][0]["value"]
        for b in asked["D0BOSS"].params["blocks"]
        if b["type"] == "actions"
    }
    assert _approval(engine, story_id) == ("rejected", "U0CHIEF", True)
    bot.command("/story", "share")
    [told] = bot.api.wait_for("response_url")
    assert told.params["text"] == NOTHING


def test_two_approvers_clicking_at_once_make_exactly_one_decision(approving_bot: BotServer) -> None:
    bot = approving_bot
    engine = _engine(bot)
    bot.action(_submission(STORY))
    asked = _asked(bot)
    bot.api.pause("chat.update")  # both decisions are taken before either DM is updated
    _click(bot, asked["D0BOSS"], "U0BOSS", "story_approve")
    _click(bot, asked["D0CHIEF"], "U0CHIEF", "story_reject")
    bot.api.wait_for("chat.update", count=2)
    bot.api.resume("chat.update")
    texts = [c.params["text"] for c in bot.api.calls_to("chat.update")]
    [decided] = [t for t in texts if not t.startswith("Already decided")]
    [story_id] = {
        b["elements"][0]["value"]
        for b in asked["D0BOSS"].params["blocks"]
        if b["type"] == "actions"
    }
    approval, decided_by, _ = _approval(engine, story_id)
    assert decided.startswith(f"{approval.capitalize()} by <@{decided_by}>")


def test_someone_who_is_not_an_approver_cannot_decide(approving_bot: BotServer) -> None:
    bot = approving_bot
    bot.action(_submission(STORY))
    asked = _asked(bot)
    _click(bot, asked["D0BOSS"], "U0MALLORY", "story_approve")
    [told] = bot.api.wait_for("chat.postEphemeral")
    assert told.params["user"] == "U0MALLORY" and "STORY_APPROVERS" in told.params["text"]
    [story_id] = {
        b["elements"][0]["value"]
        for b in asked["D0BOSS"].params["blocks"]
        if b["type"] == "actions"
    }
    assert _approval(_engine(bot), story_id) == ("pending", None, False)
    assert bot.api.calls_to("chat.update") == []


def test_stories_an_operator_imports_count_as_approved(
    approving_bot: BotServer, tmp_path: Path
) -> None:
    csv_file = tmp_path / "stories.csv"
    csv_file.write_text(
        "story_id,title,body,source,consent,created_at\n"
        f'imported,Hurtig levering,"{STORY}",interview,true,2026-11-02T09:00:00Z\n',
        encoding="utf-8",
    )
    import_csv(_engine(approving_bot), "stories", csv_file)
    approving_bot.command("/story", "share")
    [shared] = approving_bot.api.wait_for("chat.postMessage")
    assert shared.params["channel"] == "C0GENERAL"
    assert _approval(_engine(approving_bot), "imported") == ("approved", None, False)
