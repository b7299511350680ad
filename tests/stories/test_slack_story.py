"""`/story`, the add_story shortcut and the modal, spoken to a real bot over loopback HTTP."""

from __future__ import annotations

import json
from datetime import timedelta

from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.listeners.actions.story_shortcut import open_story_form
from bot.stories.posting import post_weekly_story
from metrics.schema import stories, story_posts
from tests.bot.bot_harness import BotServer
from tests.stories.story_rows import T0, add_customer, add_nps
from tests.story_payloads import view_submission

PRAISE = "Pakken kom dagen efter, og Jens fra lageret ringede selv for at sige det."
OTHER_PRAISE = "Vi fik hjælp til opsætningen på under en time, og alt virkede bagefter."
NOT_OPENED = "I could not open the story form; please try again in a moment."


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
    with bot.app.services.engine().connect() as conn:
        return conn.execute(select(stories)).all()


def test_a_story_without_consent_is_refused_with_a_field_error(story_bot: BotServer) -> None:
    reply = story_bot.action(view_submission(_values(consent=False, title="", source=None)))
    assert reply.status == 200
    body = reply.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"story_consent", "story_title", "story_source"}
    assert "consent" in body["errors"]["story_consent"]
    assert _stories(story_bot) == []


def _updated_view(bot: BotServer) -> dict:
    """The view the bot put in the modal with views.update, once the story was handled."""
    [call] = bot.api.wait_for("views.update")
    assert call.params["view_id"] == "V0STORY"
    view = call.params["view"]
    return json.loads(view) if isinstance(view, str) else view


def test_an_unknown_customer_id_brings_the_form_back_with_what_was_typed_and_why(
    story_bot: BotServer,
) -> None:
    reply = story_bot.action(view_submission(_values(customer="nobody")))
    assert reply.json()["response_action"] == "update", "the ack only says it is saving"
    view = _updated_view(story_bot)
    assert view["callback_id"] == "story_add_modal"
    assert "No customer with id 'nobody'" in view["blocks"][0]["text"]["text"]
    typed = {b["block_id"]: b["element"].get("initial_value") for b in view["blocks"][1:]}
    assert typed["story_customer"] == "nobody" and typed["story_body"] == PRAISE
    assert _stories(story_bot) == []


def test_a_valid_story_is_saved_with_consent(story_bot: BotServer) -> None:
    reply = story_bot.action(view_submission(_values()))
    assert reply.json()["response_action"] == "update"
    assert _updated_view(story_bot)["title"]["text"] == "Story saved"
    [row] = _stories(story_bot)
    assert (row.title, row.source, row.consent) == ("Hurtig levering", "interview", True)
    assert row.approval == "approved", "without STORY_APPROVERS nobody needs to approve it"


def _shortcut(bot: BotServer) -> dict:
    """The payload Slack sends for "Add as customer story" on a message."""
    return {
        "type": "message_action",
        "callback_id": "add_story",
        "team": {"id": "T0TEST01"},
        "user": {"id": "U0ALICE"},
        "api_app_id": "A0TEST01",
        "channel": {"id": "C0GENERAL"},
        "message": {"ts": "1.1", "text": PRAISE},
        "response_url": bot.api.response_url("shortcut"),
        "trigger_id": "4.5.6",
    }


def test_story_add_and_the_message_shortcut_open_the_modal(story_bot: BotServer) -> None:
    assert story_bot.command("/story", "add").status == 200
    story_bot.action(_shortcut(story_bot))
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
    engine: Engine = story_bot.app.services.engine()
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
    engine: Engine = story_bot.app.services.engine()
    add_customer(engine, "c1", "Jens Hansen")
    add_nps(engine, "n1", "c1", 10, PRAISE, consent=True)
    story_bot.command("/story", "share")
    [post] = story_bot.api.wait_for("chat.postMessage")
    assert post.params["channel"] == "C0GENERAL"
    assert "Jens" not in json.dumps(post.params, ensure_ascii=False)


def test_when_slack_will_not_open_the_form_the_user_is_told_to_try_again(
    story_bot: BotServer,
) -> None:
    story_bot.api.respond("views.open", {"ok": False, "error": "expired_trigger_id"})
    reply = story_bot.command("/story", "add")
    assert reply.status == 200, "an error in the ack handler would be an HTTP 500 to Slack"
    assert reply.body == NOT_OPENED
    # A shortcut's ack shows nothing in Slack, so the sentence goes to its response_url.
    assert story_bot.action(_shortcut(story_bot)).status == 200
    [told] = story_bot.api.wait_for("response_url")
    assert (told.params["response_type"], told.params["text"]) == ("ephemeral", NOT_OPENED)


def test_the_form_is_reported_as_not_opened_when_slack_cannot_be_reached() -> None:
    unreachable = WebClient(token="xoxb-test", base_url="http://127.0.0.1:9/api/", timeout=2)
    assert open_story_form(unreachable, "1.2.3", {"type": "modal"}) is False


def test_a_shared_story_is_recorded_and_neither_shared_again_nor_posted_weekly(
    story_bot: BotServer,
) -> None:
    engine: Engine = story_bot.app.services.engine()
    add_customer(engine, "c1", "Jens Hansen")
    add_nps(engine, "n1", "c1", 10, PRAISE, consent=True)
    story_bot.command("/story", "share")
    [post] = story_bot.api.wait_for("chat.postMessage")
    story_bot.api.wait_for("response_url")
    with engine.connect() as conn:
        [row] = conn.execute(select(story_posts)).all()
    assert (row.channel, row.story_key) == ("C0GENERAL", "nps:n1")
    assert row.posted_at is not None and row.iso_week == f"manual:{row.message_ts}"
    assert post.params["channel"] == "C0GENERAL"

    story_bot.command("/story", "share")
    [_, again] = story_bot.api.wait_for("response_url", count=2)
    assert "No consented customer story" in again.params["text"]
    client = WebClient(token="xoxb-test", base_url=story_bot.api.api_url)
    weekly = post_weekly_story(engine, client, "C0STORIES", week="2026-W48")
    assert weekly.outcome == "nothing_to_post"
    assert len(story_bot.api.calls_to("chat.postMessage")) == 1


def test_share_posts_the_story_the_preview_showed(story_bot: BotServer) -> None:
    engine: Engine = story_bot.app.services.engine()
    add_customer(engine, "c1", "Jens Hansen", segment="smb")
    add_customer(engine, "c2", "Eva Berg", segment="enterprise")
    add_customer(engine, "c3", "Ole Dahl", segment="smb")
    add_nps(engine, "old", "c1", 10, PRAISE, consent=True, at=T0 - timedelta(days=30))
    add_nps(engine, "new", "c2", 10, OTHER_PRAISE, consent=True, at=T0)
    add_nps(engine, "mid", "c3", 10, f"{PRAISE} Igen.", consent=True, at=T0 - timedelta(days=5))
    client = WebClient(token="xoxb-test", base_url=story_bot.api.api_url)
    assert post_weekly_story(engine, client, "C0STORIES", week="2026-W40").story_key == "nps:new"
    assert post_weekly_story(engine, client, "C0STORIES", week="2026-W41").story_key == "nps:mid"
    story_bot.api.clear()
    story_bot.command("/story", "")
    [preview] = story_bot.api.wait_for("response_url")
    story_bot.command("/story", "share")
    [shared] = story_bot.api.wait_for("chat.postMessage")
    story_bot.api.wait_for("response_url", count=2)  # "Shared…" comes once it is recorded
    assert shared.params["text"] == preview.params["text"]
    with engine.connect() as conn:
        keys = conn.execute(select(story_posts.c.story_key).order_by(story_posts.c.id)).scalars()
        assert list(keys) == ["nps:new", "nps:mid", "nps:old"]
