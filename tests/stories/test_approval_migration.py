"""Migration 0005 (story approval) on a database with stories in it, both ways, on SQLite and
PostgreSQL: stories from before are approved; going back, an unapproved story loses its
consent flag so the old code cannot post it."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, inspect, select, text
from sqlalchemy.engine import Engine

from knowledge.language import detect
from metrics import db
from metrics.schema import metadata, stories
from metrics.stories.selection import candidates
from tests.stories.story_rows import T0

BODY = "Ordren kom hurtigt, og supporten hjalp med det samme. Tak for det!"


def _migrate(engine: Engine, revision: str, *, down: bool = False) -> None:
    config = db._alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, revision)


def test_stories_from_before_approvals_are_approved_after_the_upgrade(engine: Engine) -> None:
    _migrate(engine, "0004", down=True)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO stories (story_id, title, body, source, consent, created_at) "
                "VALUES ('old', 'Hurtig hjælp', :body, 'interview', :yes, :at)"
            ),
            {"body": BODY, "yes": True, "at": T0.replace(tzinfo=None)},
        )
    _migrate(engine, "head")
    with engine.connect() as conn:
        row = conn.execute(select(stories).where(stories.c.story_id == "old")).one()
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    assert (row.approval, row.decided_by, row.decided_at) == ("approved", None, None)
    assert [card.key for card in candidates(engine, detect_language=detect)] == ["story:old"]
    assert diffs == []


def test_going_back_keeps_unapproved_stories_from_being_posted(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(stories),
            [
                {
                    "story_id": approval,
                    "title": approval,
                    "body": BODY,
                    "source": "slack",
                    "consent": True,
                    "created_at": T0,
                    "approval": approval,
                }
                for approval in ("pending", "approved", "rejected")
            ],
        )
    _migrate(engine, "0004", down=True)
    assert "approval" not in {column["name"] for column in inspect(engine).get_columns("stories")}
    with engine.connect() as conn:
        consent = dict(conn.execute(text("SELECT story_id, consent FROM stories")).all())
    assert {key: bool(value) for key, value in consent.items()} == {
        "pending": False,
        "approved": True,
        "rejected": False,
    }
    _migrate(engine, "head")
    assert [card.key for card in candidates(engine, detect_language=detect)] == ["story:approved"]
    assert db.current_revision(engine) == db.head_revision()
