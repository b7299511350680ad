"""A signed request captured anywhere (a proxy log, a debugging session) can be sent again,
unchanged, for the five minutes its signature stays valid. Where running it twice changes
something, it must run once: a story shared, a story saved, a rating stored, a question posted.
On SQLite and PostgreSQL, since the claim that stops the replay is a database row."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from sqlalchemy import func, select

from bot.answering.feedback import store_answer
from knowledge.models import Answer
from metrics.db import connect
from metrics.schema import answer_feedback, stories
from metrics.stories.adding import add_story
from tests.bot.bot_harness import BotServer
from tests.hostile.payloads import feedback_click, story_form, wait_until

FORM = "application/x-www-form-urlencoded"
ALREADY_HANDLED = "was already handled"


def replay(bot: BotServer, body: bytes, caplog, *, handled: Callable[[], object]) -> None:
    """Sends `body` signed once, waits until it is handled, then sends the very same bytes
    (same timestamp, same signature) again and waits until the bot has decided about it."""
    caplog.set_level(logging.INFO, logger="bot.slack.dedupe")
    ts = int(time.time())
    assert bot.post(body, FORM, timestamp=ts).status == 200
    handled()
    assert bot.post(body, FORM, timestamp=ts).status == 200, "a replay is acked like any request"
    wait_until(lambda: ALREADY_HANDLED in caplog.text, "the replay to be recognised")


def count(url: str, table) -> int:  # noqa: ANN001
    with connect(url).connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_replayed_story_share_posts_once(make_bot, database_url, caplog) -> None:
    engine = connect(database_url)
    for title in ("Fast delivery", "Kind support"):
        add_story(
            engine,
            title=title,
            body=f"{title}: the customer told us so on the phone.",
            source="interview",
            consent=True,
        )
    bot: BotServer = make_bot(database_url=database_url)
    body = bot.command_form("/story", "share")
    replay(bot, body, caplog, handled=lambda: bot.api.wait_for("response_url"))
    assert len(bot.api.calls_to("chat.postMessage")) == 1


def test_a_replayed_story_form_saves_one_story(make_bot, database_url, caplog) -> None:
    bot: BotServer = make_bot(database_url=database_url)
    body = bot.action_form(story_form())
    replay(bot, body, caplog, handled=lambda: bot.api.wait_for("views.update"))
    assert count(database_url, stories) == 1


def test_a_replayed_feedback_click_stores_one_rating(make_bot, database_url, caplog) -> None:
    answer = Answer(answered=True, answer="NPS is promoters minus detractors.", language="en")
    answer_id = store_answer(
        connect(database_url),
        user_id="U0ALICE",
        channel="C0GENERAL",
        thread_ts="1.1",
        question="What is NPS?",
        answer=answer,
    )
    bot: BotServer = make_bot(database_url=database_url)
    click = feedback_click(bot)
    click["actions"][0]["value"] = str(answer_id)
    replay(
        bot, bot.action_form(click), caplog, handled=lambda: bot.api.wait_for("chat.postEphemeral")
    )
    with connect(database_url).connect() as conn:
        ratings = conn.execute(
            select(answer_feedback.c.rating).where(answer_feedback.c.rating != 0)
        ).scalars()
        assert list(ratings) == [1]


def test_a_replayed_ask_answers_once(make_bot, knowledge_home, database_url, caplog) -> None:
    bot: BotServer = make_bot(home=knowledge_home, database_url=database_url)
    body = bot.command_form("/ask", "What is churn?")
    replay(bot, body, caplog, handled=lambda: bot.api.wait_for("response_url"))
    assert len(bot.api.calls_to("response_url")) == 1  # /ask answers privately, once


def test_the_same_command_sent_twice_by_a_person_runs_twice(make_bot, database_url) -> None:
    """Only byte-identical requests are replays: Slack gives each invocation its own trigger."""
    bot: BotServer = make_bot(database_url=database_url)
    bot.command("/story", "")
    bot.command("/story", "")
    assert len(bot.api.wait_for("response_url", count=2)) == 2
