"""Mention and link injection: documents, model text, stories, CSV values and what people type
are shown as written in Slack, never obeyed. `<!channel>`, `<!here>`, `<@U…>`,
`<!subteam^…>`, a disguised `<https://evil|the official form>` or a bare `@here` in any of
them must not ping anyone or become a link, in the blocks nor in the notification text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from metrics.db import connect
from metrics.rollups import rebuild
from metrics.schema import customers, nps_responses
from metrics.stories.adding import add_story
from tests.bot.bot_harness import BotServer
from tests.hostile.markup_probe import assert_nothing_live

ALICE = "U0ALICE"
MARKUP = (
    "<!channel> <!here> <!everyone> <@U0BOSS> <!subteam^S0ADMINS> "
    "<https://evil.example/login|the official form> @here @channel"
)


def mention(ts: str, text: str) -> dict:
    return {
        "type": "app_mention",
        "user": ALICE,
        "text": text,
        "ts": ts,
        "channel": "C0GENERAL",
        "event_ts": ts,
    }


def click(bot: BotServer, action_id: str, value: str, *, user: str = ALICE) -> None:
    """A button pressed under a private (ephemeral) message, as Slack sends it."""
    bot.action(
        {
            "type": "block_actions",
            "user": {"id": user},
            "team": {"id": "T0TEST01"},
            "api_app_id": "A0TEST01",
            "channel": {"id": "C0GENERAL"},
            "container": {
                "type": "message",
                "message_ts": "9.9",
                "channel_id": "C0GENERAL",
                "is_ephemeral": True,
            },
            "response_url": bot.api.response_url("answer"),
            "trigger_id": "1.2.3",
            "actions": [{"action_id": action_id, "value": value, "type": "button"}],
        }
    )


def test_a_document_full_of_slack_markup_is_quoted_in_a_threaded_answer_not_obeyed(
    start: Callable[..., BotServer], hostile_home: Path, database_url: str
) -> None:
    bot = start(database_url, journeybot_home=hostile_home)
    bot.event(mention("100.1", "<@UBOT0001> How are expense refunds claimed?"))
    [update] = bot.api.wait_for("chat.update")
    shown = assert_nothing_live(update.params)
    assert "Expense refunds are claimed on" in shown
    assert "&lt;!channel&gt;" in shown
    assert "&lt;https://evil.example/login|the official form&gt;" in shown
    assert "*Expense refunds &lt;!channel&gt;* — How to claim &lt;@U0BOSS&gt;" in shown


def test_an_html_page_holding_markup_as_entities_is_quoted_too(
    start: Callable[..., BotServer], hostile_home: Path, database_url: str
) -> None:
    bot = start(database_url, journeybot_home=hostile_home)
    bot.event(mention("200.1", "<@UBOT0001> Who approves travel bookings?"))
    [update] = bot.api.wait_for("chat.update")
    shown = assert_nothing_live(update.params)
    assert "Travel bookings are approved by &lt;!here&gt; and &lt;@U0BOSS&gt;" in shown


def test_a_private_ask_and_its_shared_copy_quote_the_question_and_name_only_the_asker(
    start: Callable[..., BotServer], hostile_home: Path, database_url: str
) -> None:
    bot = start(database_url, journeybot_home=hostile_home)
    # As Slack sends a command's text: &, < and > as entities, links and mentions as markup.
    bot.command("/ask", "How are expense refunds claimed? &lt;!channel&gt; <!here> @everyone")
    [private] = bot.api.wait_for("response_url")
    shown = assert_nothing_live(private.params)
    assert "You asked: How are expense refunds claimed? &lt;!channel&gt; @\u200dhere" in shown
    [share] = [
        element["value"]
        for block in private.params["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == "share_answer"
    ]
    click(bot, "share_answer", share)
    [shared] = bot.api.wait_for("chat.postMessage")
    shown = assert_nothing_live(shared.params, allowed=(f"<@{ALICE}>",))
    assert shared.params["text"].startswith(f"<@{ALICE}> asked: How are expense refunds claimed?")
    assert "&lt;!subteam^S0ADMINS&gt;" in shown


def test_the_message_shortcut_stores_what_was_written_and_shows_it_escaped_once(
    start: Callable[..., BotServer], database_url: str
) -> None:
    bot = start(database_url)
    written = "Kunden skrev: &lt;3 &amp; tak til <@U0BOB>, og <!here> hørte det. @channel"
    bot.action(
        {
            "type": "message_action",
            "callback_id": "add_story",
            "team": {"id": "T0TEST01"},
            "user": {"id": ALICE},
            "api_app_id": "A0TEST01",
            "channel": {"id": "C0GENERAL"},
            "message": {"ts": "1.1", "text": written},
            "response_url": bot.api.response_url("shortcut"),
            "trigger_id": "4.5.6",
        }
    )
    [opened] = bot.api.wait_for("views.open")
    [body] = [b for b in opened.params["view"]["blocks"] if b["block_id"] == "story_body"]
    plain = "Kunden skrev: <3 & tak til @U0BOB, og @here hørte det. @channel"
    assert body["element"]["initial_value"] == plain
    add_story(connect(database_url), title="Tak", body=plain, source="slack", consent=True)
    bot.command("/story", "")
    [preview] = bot.api.wait_for("response_url")
    shown = assert_nothing_live(preview.params)
    assert "Kunden skrev: &lt;3 &amp; tak" in shown
    assert "&amp;lt;" not in shown and "&amp;amp;" not in shown


def test_a_story_holding_markup_is_shared_escaped_in_blocks_and_notification_text(
    start: Callable[..., BotServer], database_url: str
) -> None:
    bot = start(database_url)
    add_story(
        connect(database_url),
        title="Great service <!channel>",
        body=f"The customer was thrilled with the help they got. {MARKUP}",
        source="interview",
        consent=True,
    )
    bot.command("/story", "share")
    [posted] = bot.api.wait_for("chat.postMessage")
    shown = assert_nothing_live(posted.params)
    assert "thrilled" in shown and "&lt;!channel&gt;" in posted.params["text"]
    bot.api.clear()
    bot.event(
        {"type": "app_home_opened", "user": ALICE, "channel": "D0", "tab": "home"},
        event_id="EvHome",
    )
    [home] = bot.api.wait_for("views.publish")
    shown = assert_nothing_live(home.params)
    assert "*Great service &lt;!channel&gt;*" in shown


def test_kpi_breakdown_labels_from_imported_data_are_escaped(
    start: Callable[..., BotServer], database_url: str
) -> None:
    now = datetime.now(UTC)
    segments = ["<!channel>", "<https://evil.example|smb>", "@here"]
    with connect(database_url).begin() as conn:
        conn.execute(
            insert(customers),
            [
                {
                    "customer_id": f"c{i}",
                    "segment": segments[i % 3],
                    "country": "DK",
                    "signed_up_at": now - timedelta(days=400),
                }
                for i in range(9)
            ],
        )
        conn.execute(
            insert(nps_responses),
            [
                {
                    "response_id": f"r{i}",
                    "customer_id": f"c{i}",
                    "score": 9,
                    "responded_at": now - timedelta(days=2),
                }
                for i in range(9)
            ],
        )
        rebuild(conn)  # written past the import: the rollups are refreshed by hand
    bot = start(database_url)
    bot.command("/kpi", "nps 30d by=segment share")
    [posted] = bot.api.wait_for("chat.postMessage")
    shown = assert_nothing_live(posted.params)
    assert "*&lt;!channel&gt;*" in shown and "*&lt;https://evil.example|smb&gt;*" in shown


def test_error_sentences_that_echo_input_are_escaped(
    start: Callable[..., BotServer], database_url: str
) -> None:
    bot = start(database_url)
    for command, text in [
        ("/kpi", "<!channel>"),  # an unknown KPI is named back
        ("/kpi", "nps <@U0BOSS>"),  # so is a period that cannot be read
        ("/kpi", "nps 30d segment=<!here>"),  # and a segment without data
        ("/kpi", "nps 30d <!subteam^S0ADMINS>="),  # and a filter without a value
        ("/story", "<https://evil.example|preview>"),  # and an unknown /story word
    ]:
        bot.api.clear()
        bot.command(command, text)
        [reply] = bot.api.wait_for("response_url")
        assert_nothing_live(reply.params)
