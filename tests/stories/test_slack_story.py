"""`/story`, the add_story shortcut and the modal, spoken to a real bot over loopback HTTP."""

from __future__ import annotations

import json

from bot_harness import BotServer
from conftest import view_submission
from sqlalchemy import select
from sqlalchemy.engine import Engine
from story_rows import add_customer, add_nps

from bot.runtime import metrics_engine
from metrics.schema import stories

PRAISE = "Pakken kom dagen efter, og Jens fra lageret ringede selv for at sige det."


def _values(
    title: str = "Hurtig levering",
    body: str = PRAISE,
    customer: str | None = None,
    source: str | None = "interview",
    consent: bool = True,
) -> dict:
    return {
        "story_title": {"title": {"type": "plain_text_input", "value": title}},
        "story_body": {"body": {"type": "plain_text_input", "value": body}},
        "story_customer": {"customer_id": {"type": "plain_text_input", "value": customer}},
        "story_source": {
            "source": {
                "type": "static_select",
                "selected_option": {"value": source} if source else None,
            }
        },
        "story_consent": {
            "consent": {
                "type": "checkboxes",
                "selected_options": [{"value": "consented"}] if consent else [],
            }
        },
    }


def _stories(bot: BotServer) -> list:
    with metrics_engine(bot.settings).connect() as conn:
        return conn.execute(select(stories)).all()


def test_a_story_without_consent_is_refused_with_a_field_error(story_bot: BotServer) -> None:
    reply = story_bot.action(view_submission(_values(consent=False, title="", source=None)))
    assert reply.status == 200
    body = reply.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"story_consent", "story_title", "story_source"}
    assert "consent" in body["errors"]["story_consent"]
    assert _stories(story_bot) == []


def test_an_unknown_customer_id_is_an_error_on_that_field(story_bot: BotServer) -> None:
    reply = story_bot.action(view_submission(_values(customer="nobody")))
    assert reply.json()["errors"].keys() == {"story_customer"}
    assert _stories(story_bot) == []


def test_a_valid_story_is_saved_with_consent(story_bot: BotServer) -> None:
    reply = story_bot.action(view_submission(_values()))
    assert reply.json()["response_action"] == "update"
    [row] = _stories(story_bot)
    assert (row.title, row.source, row.consent) == ("Hurtig levering", "interview", True)


def test_story_add_and_the_message_shortcut_open_the_modal(story_bot: BotServer) -> None:
    assert story_bot.command("/story", "add").status == 200
    story_bot.action(
        {
            "type": "message_action",
            "callback_id": "add_story",
            "team": {"id": "T0TEST01"},
            "user": {"id": "U0ALICE"},
            "api_app_id": "A0TEST01",
            "channel": {"id": "C0GENERAL"},
            "message": {"ts": "1.1", "text": PRAISE},
            "response_url": story_bot.api.response_url("shortcut"),
            "trigger_id": "4.5.6",
        }
    )
    calls = story_bot.api.wait_for("views.open", count=2)
    views = [
        json.loads(c.params["view"]) if isinstance(c.params["view"], str) else c.params["view"]
        for c in calls
    ]
    assert all(view["callback_id"] == "story_add_modal" for view in views)
    prefilled = [
        block["element"].get("initial_value")
        for view in views
        for block in view["blocks"]
        if block["block_id"] == "story_body"
    ]
    assert PRAISE in prefilled


def test_the_preview_is_ephemeral_and_says_so_when_nothing_is_consented(
    story_bot: BotServer,
) -> None:
    engine: Engine = metrics_engine(story_bot.settings)
    add_customer(engine, "c1", "Jens Hansen")
    add_nps(engine, "n1", "c1", 10, PRAISE, consent=False)
    story_bot.command("/story", "")
    [reply] = story_bot.api.wait_for("response_url")
    assert reply.params["response_type"] == "ephemeral"
    assert "No consented customer story" in reply.params["text"]
    story_bot.command("/story", "share")
    story_bot.api.wait_for("response_url", count=2)
    assert story_bot.api.calls_to("chat.postMessage") == [], "never in the channel"


def test_share_posts_the_redacted_story_in_the_channel(story_bot: BotServer) -> None:
    engine: Engine = metrics_engine(story_bot.settings)
    add_customer(engine, "c1", "Jens Hansen")
    add_nps(engine, "n1", "c1", 10, PRAISE, consent=True)
    story_bot.command("/story", "share")
    [post] = story_bot.api.wait_for("chat.postMessage")
    assert post.params["channel"] == "C0GENERAL"
    assert "Jens" not in json.dumps(post.params, ensure_ascii=False)
