"""Acks never wait on the database. A hung database (a SQLite file locked by another
connection, PostgreSQL tables locked by another session, or a "server" that accepts and never
answers) must not delay one ack: a late ack makes Slack retry, and threads waiting on the
database are threads that cannot ack anything else.

The tests are about order, not speed: every ack arrives while the database is still hung;
the database answers only afterwards, and then the work gets done."""

from __future__ import annotations

import socket
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy import inspect, text

from metrics.db import connect
from tests.bot.bot_harness import BotServer
from tests.hostile.payloads import feedback_click, mention, story_form, wait_until

UNREACHABLE_DATABASE = "postgresql+psycopg://nobody@127.0.0.1:1/none"


@dataclass
class HungDatabase:
    """A database URL whose database does not answer until `answer()` is called."""

    url: str
    _answer: Callable[[], None]
    answered: bool = False

    def answer(self) -> None:
        if not self.answered:
            self.answered = True
            self._answer()


@pytest.fixture
def hung_database(database_url: str) -> Iterator[HungDatabase]:
    """The test database, migrated, then locked by another connection until answered."""
    engine = connect(database_url)
    if engine.dialect.name == "sqlite":
        holder = sqlite3.connect(engine.url.database or "", isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")  # WAL: readers go on, every write waits

        def release() -> None:
            holder.execute("ROLLBACK")
            holder.close()

    else:
        session = engine.connect()
        tables = ", ".join(f'"{name}"' for name in inspect(session).get_table_names())
        session.execute(text(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE"))

        def release() -> None:
            session.rollback()
            session.close()

    hung = HungDatabase(database_url, release)
    try:
        yield hung
    finally:
        hung.answer()
        engine.dispose()


@dataclass
class SilentServer:
    """A TCP server that accepts connections and never says a word (a hung PostgreSQL)."""

    sock: socket.socket = field(default_factory=socket.socket)
    connections: list[socket.socket] = field(default_factory=list)

    def start(self) -> str:
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        threading.Thread(target=self._accept, daemon=True).start()
        return f"postgresql+psycopg://journeybot@127.0.0.1:{self.sock.getsockname()[1]}/metrics"

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.connections.append(connection)

    def stop(self) -> None:
        self.sock.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture
def silent_database() -> Iterator[HungDatabase]:
    server = SilentServer()
    url = server.start()
    hung = HungDatabase(url, server.stop)
    try:
        yield hung
    finally:
        hung.answer()


def every_kind_of_request(bot: BotServer) -> dict[str, Callable[[], object]]:
    dm = {**mention("2.2", "What is churn?"), "type": "message", "channel": "D0ALICE"}
    home = {"type": "app_home_opened", "user": "U0ALICE", "tab": "home", "event_ts": "3.3"}
    return {
        "a mention": lambda: bot.event(mention("1.1"), event_id="EvMention"),
        "a direct message": lambda: bot.event({**dm, "channel_type": "im"}, event_id="EvDm"),
        "App Home opened": lambda: bot.event(home, event_id="EvHome"),
        "/kpi": lambda: bot.command("/kpi", "nps"),
        "/ask": lambda: bot.command("/ask", "What is churn?"),
        "/story": lambda: bot.command("/story", ""),
        "/story share": lambda: bot.command("/story", "share"),
        "a feedback click": lambda: bot.action(feedback_click(bot)),
        "the story form submitted": lambda: bot.action(story_form()),
    }


def ack_everything(bot: BotServer, database: HungDatabase) -> dict[str, object]:
    """Sends every kind of request; each reply must arrive before the database answers."""
    replies = {}
    for name, send in every_kind_of_request(bot).items():
        reply = send()
        assert not database.answered, "the ack arrived before the database answered"
        replies[name] = reply
    return replies


def test_every_ack_arrives_while_the_database_is_locked_and_the_work_follows(
    make_bot, knowledge_home, hung_database: HungDatabase
) -> None:
    bot: BotServer = make_bot(home=knowledge_home, database_url=hung_database.url)
    replies = ack_everything(bot, hung_database)
    assert {name: reply.status for name, reply in replies.items()} == dict.fromkeys(replies, 200)
    assert replies["the story form submitted"].json()["response_action"] == "update"

    hung_database.answer()
    bot.api.wait_for("chat.update", count=2)  # the mention and the DM are answered
    bot.api.wait_for("views.publish")
    bot.api.wait_for("response_url", count=4)  # /kpi, /story, /story share, /ask (privately)
    bot.api.wait_for("chat.postEphemeral")  # the feedback click
    [saved] = bot.api.wait_for("views.update")
    assert "saved" in str(saved.params["view"]).lower()


def test_every_ack_arrives_while_the_database_server_never_answers(
    make_bot, knowledge_home, silent_database: HungDatabase
) -> None:
    bot: BotServer = make_bot(home=knowledge_home, database_url=silent_database.url)
    replies = ack_everything(bot, silent_database)
    assert {name: reply.status for name, reply in replies.items()} == dict.fromkeys(replies, 200)


def test_a_retry_whose_claim_cannot_be_checked_is_dropped_but_a_first_delivery_is_answered(
    make_bot, knowledge_home, caplog
) -> None:
    bot: BotServer = make_bot(home=knowledge_home, database_url=UNREACHABLE_DATABASE)
    assert bot.event(mention("1.1"), event_id="EvRetried", retry_num=1).status == 200
    wait_until(lambda: "it is a retry, so it is dropped" in caplog.text, "the retry to be dropped")
    assert bot.event(mention("2.2"), event_id="EvFirst").status == 200
    bot.api.wait_for("chat.update")
    assert [c.params["thread_ts"] for c in bot.api.calls_to("chat.postMessage")] == ["2.2"]
