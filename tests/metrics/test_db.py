"""Opening the metrics database: migrations, per-backend settings and clear failures."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from metrics import db
from metrics.errors import DatabaseUnavailable
from metrics.schema import metadata


def test_migrations_create_exactly_the_tables_the_schema_declares(engine):
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diffs == []
    assert set(inspect(engine).get_table_names()) == set(metadata.tables) | {"alembic_version"}


def test_the_database_is_at_the_newest_revision_after_connect(engine):
    assert db.current_revision(engine) == db.head_revision()


def test_connecting_again_is_idempotent_and_keeps_the_data(engine, database_url):
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO processed_events (event_id, received_at) VALUES ('e1', :at)"),
            {"at": "2026-01-01 00:00:00"},
        )
    again = db.connect(database_url)
    try:
        with again.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM processed_events")).scalar() == 1
    finally:
        again.dispose()


def test_two_processes_starting_at_once_both_end_up_migrated(database_url):
    results: list[str] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            results.append(db.upgrade(database_url))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results == [db.head_revision()] * 3


def test_sqlite_enforces_foreign_keys_and_uses_wal(tmp_path: Path):
    engine = db.connect(f"sqlite:///{tmp_path / 'deep' / 'folder' / 'metrics.db'}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        engine.dispose()
    assert (tmp_path / "deep" / "folder" / "metrics.db").is_file()


def test_a_dead_server_gives_one_sentence_without_the_password():
    with pytest.raises(DatabaseUnavailable) as caught:
        db.connect("postgresql+psycopg://jb:s3cret@127.0.0.1:1/metrics")
    message = str(caught.value)
    assert message == (
        "Cannot reach the metrics database at postgresql+psycopg://jb@127.0.0.1:1/metrics "
        "(password hidden): connection refused. Check DATABASE_URL or start the server."
    )
    assert "s3cret" not in message


def test_a_malformed_url_is_reported_as_unusable():
    with pytest.raises(DatabaseUnavailable, match="not a valid SQLAlchemy URL"):
        db.connect("not a url")


def test_every_migration_can_be_undone_and_redone_keeping_the_rows(engine):
    from alembic import command

    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO customers (customer_id, signed_up_at) "
                "VALUES ('c1', '2026-01-01 00:00:00')"
            )
        )
    config = db._alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
        rows = conn.execute(text("SELECT count(*) FROM customers")).scalar_one()
    assert diffs == [] and rows == 1
    assert db.current_revision(engine) == db.head_revision()
    names = {index["name"] for index in inspect(engine).get_indexes("nps_responses")}
    assert "ix_nps_responses_responded_at_covering" in names


def _migrate(engine, revision: str) -> None:
    from alembic import command

    config = db._alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        if revision == "head" or revision > (db.current_revision(engine) or ""):
            command.upgrade(config, revision)
        else:
            command.downgrade(config, revision)


def test_migration_0004_keeps_one_vote_per_person_and_answer_and_can_be_undone(engine):
    """Before 0004 each click added a row; upgrading links votes to their answer and keeps
    each person's newest vote, downgrading keeps the votes."""
    _migrate(engine, "0003")
    row = (
        "INSERT INTO answer_feedback (id, created_at, user_id, channel, thread_ts, question, "
        "answer, sources, rating) VALUES (:id, '2026-01-01 00:00:00', :user, 'C1', :thread, "
        ":question, 'A', '[]', :rating)"
    )
    old_rows = [
        (1, "U0ASKER", "1.1", "Q", 0),  # the answer
        (2, "U0BOB", "1.1", "Q", 1),  # Bob 👍 …
        (3, "U0BOB", "1.1", "Q", -1),  # … then 👎: his vote is 👎
        (4, "U0CAROL", "1.1", "Q", 1),
        (5, "U0BOB", "9.9", "Q", -1),  # a vote whose answer row is gone: kept, unlinked
    ]
    with engine.begin() as conn:
        for id_, user, thread, question, rating in old_rows:
            conn.execute(
                text(row),
                {"id": id_, "user": user, "thread": thread, "question": question, "rating": rating},
            )
    _migrate(engine, "head")
    with engine.connect() as conn:
        votes = conn.execute(
            text("SELECT id, user_id, rating, answer_id FROM answer_feedback ORDER BY id")
        ).all()
    assert [tuple(v) for v in votes] == [
        (1, "U0ASKER", 0, None),
        (3, "U0BOB", -1, 1),
        (4, "U0CAROL", 1, 1),
        (5, "U0BOB", -1, None),
    ]
    _migrate(engine, "0003")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM answer_feedback")).scalar_one() == 4
    _migrate(engine, "head")
    assert db.current_revision(engine) == db.head_revision()
