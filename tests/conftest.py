"""Fixtures shared by every test: an isolated JOURNEYBOT_HOME and empty databases.

Metrics tests run against SQLite and PostgreSQL. PostgreSQL is the server at
127.0.0.1:5432 (override with TEST_POSTGRES_URL); each test gets a schema of its own, so
test runs never see each other's rows. With CI=true a missing server fails the run; on a
laptop without one those tests skip and say what is missing.
"""

from __future__ import annotations

import os
import tempfile
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
#: Fixtures every folder may use: the Slack Web API stand-in, and a running bot on loopback.
pytest_plugins = ("tests.slack_web_api", "tests.bot.bot_fixtures")


def _postgres_or_skip() -> None:
    try:
        with create_engine(POSTGRES_URL).connect() as conn:
            conn.execute(text("select 1"))
    except OperationalError as error:
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"CI needs PostgreSQL at {POSTGRES_URL}: {error}") from error
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_URL} (set TEST_POSTGRES_URL)")


def pytest_configure(config: pytest.Config) -> None:
    """Session fixtures and subprocesses too: the default JOURNEYBOT_HOME is under
    XDG_DATA_HOME, which must never be the real user data folder during tests."""
    os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="journeybot-xdg-")
    os.environ.pop("JOURNEYBOT_HOME", None)


@pytest.fixture(autouse=True)
def xdg_data_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own XDG_DATA_HOME, so a test that forgets the `home` fixture
    writes to a temporary folder, never to ~/.local/share/journeybot."""
    folder = tmp_path_factory.mktemp("xdg-data")
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    monkeypatch.delenv("JOURNEYBOT_HOME", raising=False)
    return folder


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
