"""Opening the metrics database: one call that connects, checks and migrates.

Several processes (Slack replicas, the scheduler, the CLI) share one database, so
`connect` is safe to call concurrently: SQLite gets WAL and a busy timeout, migrations run
under a lock (`exclusive`: a file lock beside the SQLite file, an advisory lock on
PostgreSQL), and an up-to-date database is not touched at all. Imports take the same kind
of lock, so two at once run one after the other instead of interleaving their writes.
"""

from __future__ import annotations

import fcntl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from metrics.errors import DatabaseBusy, DatabaseUnavailable

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: Constants shared by every journeybot process; pg_advisory_lock takes a bigint.
_ADVISORY_LOCK_IDS = {"migrate": 0x6A6F75726E6579, "import": 0x6A6F75726E657A}  # "journey"…
_LOCK_POLL_SECONDS = 0.05
_SQLITE_BUSY_TIMEOUT_MS = 15_000
#: Alembic keeps the running migration in module globals (its `context` proxy), so two
#: threads of one process migrating two engines at once break each other (KeyError
#: 'config'); across processes `exclusive` serialises them, within one this lock does.
_MIGRATING_IN_THIS_PROCESS = threading.Lock()


def connect(url: str) -> Engine:
    """An Engine on a reachable database migrated to the newest schema.

    Raises DatabaseUnavailable (one sentence naming the URL without its password) when the
    server cannot be reached or the URL is unusable.
    """
    engine = create(url)
    try:
        _upgrade(engine)
    except DatabaseUnavailable:
        engine.dispose()
        raise
    except DBAPIError as error:
        engine.dispose()
        raise DatabaseUnavailable(_unreachable(engine.url, error)) from error
    return engine


def create(url: str) -> Engine:
    """An Engine with the per-backend settings journeybot relies on, without migrating."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise DatabaseUnavailable(
            f"The metrics database URL {url!r} is not a valid SQLAlchemy URL; "
            "use e.g. postgresql+psycopg://user@host/db or sqlite:///path/metrics.db."
        ) from error
    try:
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(parsed)
        kwargs: dict = {"pool_pre_ping": True}
        if parsed.get_backend_name() == "postgresql":
            kwargs["connect_args"] = {"connect_timeout": 10}
        return create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ImportError) as error:
        raise DatabaseUnavailable(
            f"No database driver for {_safe(parsed)}; "
            "install it or use a postgresql+psycopg:// or sqlite:/// URL."
        ) from error


def upgrade(url: str) -> str:
    """Migrate the database at `url` to the newest revision; returns that revision."""
    engine = connect(url)
    try:
        return current_revision(engine) or ""
    finally:
        engine.dispose()


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at (None before the first migration)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def exists(url: str) -> bool:
    """False for a SQLite file that is not there yet (opening it would create it)."""
    path = sqlite_path(url)
    return path is None or path.exists()


def sqlite_path(url: str | URL) -> Path | None:
    """The file of a SQLite URL; None for other backends and in-memory databases."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def revision_at(url: str) -> str | None:
    """The revision of the database at `url`, without migrating it (None when empty or,
    for SQLite, not created yet: reading creates no file or folder)."""
    if not exists(url):
        return None
    engine = create(url)
    try:
        return current_revision(engine)
    except DBAPIError as error:
        raise DatabaseUnavailable(_unreachable(engine.url, error)) from error
    finally:
        engine.dispose()


def head_revision() -> str:
    """The newest revision shipped with this version of journeybot."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None, "metrics/migrations has no revisions"
    return head


def is_known_revision(revision: str) -> bool:
    """False for a revision written by a newer journeybot than this one."""
    try:
        return ScriptDirectory.from_config(_alembic_config()).get_revision(revision) is not None
    except CommandError:  # "Can't locate revision identified by …"
        return False


def _upgrade(engine: Engine) -> None:
    try:
        if current_revision(engine) == head_revision():
            return
    except OperationalError as error:
        # A brand-new SQLite file that another process or thread is creating right now can
        # answer "database is locked" to a first read; the migration lock below waits for it.
        if "locked" not in str(error):
            raise
    # Only one process migrates at a time; the others wait, then find nothing to do.
    with _MIGRATING_IN_THIS_PROCESS, exclusive(engine, "migrate"), engine.connect() as conn:
        config = _alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        conn.commit()


@contextmanager
def exclusive(engine: Engine, purpose: str, *, wait_seconds: float | None = None) -> Iterator[None]:
    """Runs the block in one journeybot process at a time per database and `purpose`
    ("migrate" or "import"): a file lock beside a SQLite file, an advisory lock on
    PostgreSQL. Waits as long as it takes, or at most `wait_seconds`, then raises
    DatabaseBusy (one sentence) without running the block."""
    path = sqlite_path(engine.url)
    if path is not None:
        with Path(f"{path}.{purpose}.lock").open("a") as lock_file:
            _acquire(lambda block: _flock(lock_file, block), engine, purpose, wait_seconds)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)
        return
    if engine.dialect.name != "postgresql":
        yield
        return
    key = {"id": _ADVISORY_LOCK_IDS[purpose]}
    with engine.connect() as conn:

        def advisory(block: bool) -> bool:
            call = "pg_advisory_lock" if block else "pg_try_advisory_lock"
            got = conn.execute(text(f"SELECT {call}(:id)"), key).scalar()
            conn.commit()
            return block or bool(got)

        _acquire(advisory, engine, purpose, wait_seconds)
        try:
            yield
        finally:
            conn.rollback()
            conn.execute(text("SELECT pg_advisory_unlock(:id)"), key)
            conn.commit()


def _flock(lock_file: object, block: bool) -> bool:
    try:
        fcntl.flock(lock_file, fcntl.LOCK_EX if block else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _acquire(
    take: Callable[[bool], bool], engine: Engine, purpose: str, wait_seconds: float | None
) -> None:
    """`take(block)` until it succeeds; blocking when the wait is unbounded."""
    if wait_seconds is None:
        take(True)
        return
    deadline = time.monotonic() + wait_seconds
    while not take(False):
        if time.monotonic() >= deadline:
            raise DatabaseBusy(
                f"Another {purpose} on the metrics database at {_safe(engine.url)} is still "
                f"running after {wait_seconds:g} s of waiting; nothing was written; "
                "run this again when it has finished."
            )
        time.sleep(_LOCK_POLL_SECONDS)


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _sqlite_engine(url: URL) -> Engine:
    if url.database and url.database != ":memory:":
        try:
            Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DatabaseUnavailable(
                f"Cannot create the folder for the metrics database {url.database}: "
                f"{error.strerror or error}; set JOURNEYBOT_HOME or DATABASE_URL to a writable place."
            ) from error
    engine = create_engine(url, connect_args={"timeout": _SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: object, _record: object) -> None:
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_TIMEOUT_MS}")
        if url.database and url.database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB: bulk imports, KPI scans
        cursor.close()

    return engine


def safe_url(url: str) -> str:
    """A database URL fit to print: without its password, saying so when one was there."""
    return _safe(make_url(url))


def _safe(url: URL) -> str:
    """The URL without its password, saying so when one was there."""
    shown = url._replace(password=None).render_as_string(hide_password=False)
    return f"{shown} (password hidden)" if url.password else shown


def _unreachable(url: URL, error: DBAPIError) -> str:
    reason = _reason(str(error.orig or error))
    if url.get_backend_name() == "sqlite":
        return (
            f"Cannot open the metrics database at {_safe(url)}: {reason}. "
            "Check DATABASE_URL or JOURNEYBOT_HOME (the folder must be writable)."
        )
    return (
        f"Cannot reach the metrics database at {_safe(url)}: {reason}. "
        "Check DATABASE_URL or start the server."
    )


_KNOWN_REASONS = (
    ("connection refused", "connection refused"),
    ("password authentication failed", "password authentication failed"),
    ("no password supplied", "the server wants a password"),
    ("timeout expired", "the connection timed out"),
    ("timed out", "the connection timed out"),
    ("could not translate host name", "unknown host name"),
    ("name or service not known", "unknown host name"),
    ("does not exist", "the database or role does not exist"),
    ("unable to open database file", "unable to open the database file"),
    ("database is locked", "the database is locked by another process"),
    ("file is not a database", "the file is not a SQLite database"),
)


def _reason(message: str) -> str:
    lowered = message.lower()
    for needle, reason in _KNOWN_REASONS:
        if needle in lowered:
            return reason
    first_line = message.strip().splitlines()[0] if message.strip() else "unknown error"
    return first_line.rstrip(".")
