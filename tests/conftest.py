"""Fixtures shared by every test: an isolated JOURNEYBOT_HOME and empty databases.

Metrics tests run against SQLite and PostgreSQL. PostgreSQL is the server at
127.0.0.1:5432 (override with TEST_POSTGRES_URL); each test gets a schema of its own, so
test runs never see each other's rows. With CI=true a missing server fails the run; on a
laptop without one those tests skip and say what is missing.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
DOCUMENTS = Path(__file__).resolve().parent / "data" / "documents"


def _postgres_or_skip() -> None:
    try:
        with create_engine(POSTGRES_URL).connect() as conn:
            conn.execute(text("select 1"))
    except OperationalError as error:
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"CI needs PostgreSQL at {POSTGRES_URL}: {error}") from error
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_URL} (set TEST_POSTGRES_URL)")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh JOURNEYBOT_HOME; no `.env` from the developer's checkout leaks in."""
    monkeypatch.setenv("JOURNEYBOT_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    for name in (
        "DATABASE_URL",
        "LLM_MODEL",
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "SLACK_SIGNING_SECRET",
        "CHROMA_HOST",
    ):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "home"


@pytest.fixture(scope="session")
def documents_dir() -> Path:
    """Real-world-shaped documents we wrote (front matter, a scraped page with furniture).

    Tests never read outside the repository; evaluations over outside document sets live in
    benchmarks/ and take the folder as an argument."""
    return DOCUMENTS


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'metrics.db'}"
        return
    _postgres_or_skip()
    schema = f"jb_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated, empty metrics database (SQLite and PostgreSQL), disposed afterwards."""
    from metrics.db import connect

    engine = connect(database_url)
    try:
        yield engine
    finally:
        engine.dispose()
