"""Writing validated import rows: a staging table filled batch by batch, then one merge.

Rows go first into a temporary table of this connection (PostgreSQL: COPY, which the
server parses while Python validates the next rows; SQLite: executemany), each with its
line number. Nothing there is visible to anyone else. Under the import lock, one
transaction then checks what only the database knows (customers that do not exist, by
line), counts which ids are already present, merges with INSERT … ON CONFLICT DO UPDATE of
the file's columns only, and reports the span of time the rows touch so work that must
commit with them (rollups) can follow in the same transaction. Memory stays one batch.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Table
from sqlalchemy.engine import Connection

from metrics.schema import customers

STAGING = "journeybot_import_staging"


class WrittenRows(BaseModel):
    """What a merge changed: counts, and the earliest and latest timestamp among the new
    values and the values they replaced (every timestamp column, UTC), so a rollup knows
    which days to refresh. None when the table has no timestamps."""

    table: str
    inserted: int
    updated: int
    first: datetime | None
    last: datetime | None

    def days(self) -> Iterator[datetime]:
        """Midnight UTC of each day from `first` to `last`."""
        if self.first is None or self.last is None:
            return
        day = self.first.replace(hour=0, minute=0, second=0, microsecond=0)
        while day <= self.last:
            yield day
            day = datetime.fromordinal(day.toordinal() + 1).replace(tzinfo=UTC)


class StagingWriter:
    """Stages rows `(line, value, …)` in the order of `columns`, then merges them."""

    def __init__(self, conn: Connection, table: Table, columns: list[str]) -> None:
        self.conn = conn
        self.table = table
        self.columns = columns
        self.key = next(iter(table.primary_key.columns)).name
        self.postgres = conn.dialect.name == "postgresql"
        self.stamps = [c.name for c in table.columns if type(c.type).__name__ == "UtcDateTime"]
        self._copy: Any = None
        kinds = [type(table.c[name].type).__name__ for name in columns]
        self._conversions = [
            (index + 1, _SQLITE_FORMS[kind])
            for index, kind in enumerate(kinds)
            if kind in _SQLITE_FORMS
        ]
        self._copy_context: Any = None

    # --- staging ----------------------------------------------------------------------

    def open(self) -> None:
        names = ", ".join(f"{_q(c)} {self._type(c)}" for c in self.columns)
        self.conn.exec_driver_sql(
            f"DROP TABLE IF EXISTS temp.{STAGING}"
            if not self.postgres
            else f"DROP TABLE IF EXISTS pg_temp.{STAGING}"
        )
        self.conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {STAGING} (line BIGINT, {names})")
        if self.postgres:
            # Naive timestamps are UTC, as everywhere in journeybot.
            self.conn.exec_driver_sql("SET LOCAL TIME ZONE 'UTC'")
            cursor = self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            columns = ", ".join(_q(c) for c in ["line", *self.columns])
            self._copy_context = cursor.copy(f"COPY {STAGING} ({columns}) FROM STDIN")
            self._copy = self._copy_context.__enter__()

    def stage(self, rows: list[tuple[Any, ...]]) -> None:
        if self.postgres:
            write = self._copy.write_row
            for row in rows:
                write(row)
            return
        marks = ", ".join("?" * (len(self.columns) + 1))
        self.conn.exec_driver_sql(
            f"INSERT INTO {STAGING} VALUES ({marks})", [self._sqlite(row) for row in rows]
        )

    def close(self) -> None:
        """Ends the COPY (the server has then parsed every staged row)."""
        if self._copy_context is not None:
            context, self._copy_context = self._copy_context, None
            context.__exit__(None, None, None)

    def abort(self) -> None:
        if self._copy_context is not None:
            context, self._copy_context = self._copy_context, None
            with contextlib.suppress(Exception):  # the import is failing anyway
                context.__exit__(RuntimeError, RuntimeError("import aborted"), None)

    def drop(self) -> None:
        self.conn.exec_driver_sql(f"DROP TABLE IF EXISTS {STAGING}")

    # --- checks and merge -------------------------------------------------------------

    def unknown_customers(self, limit: int) -> tuple[int, list[tuple[int, str]]]:
        """Staged rows whose customer does not exist: (how many, the first `limit` as
        (line, customer_id))."""
        if "customer_id" not in self.columns or self.table.name == "customers":
            return 0, []
        where = (
            f"FROM {STAGING} s WHERE s.customer_id IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {customers.name} c WHERE c.customer_id = s.customer_id)"
        )
        total = self.conn.exec_driver_sql(f"SELECT count(*) {where}").scalar_one()
        if not total:
            return 0, []
        first = self.conn.exec_driver_sql(
            f"SELECT s.line, s.customer_id {where} ORDER BY s.line LIMIT {int(limit)}"
        ).all()
        return total, [(line, customer) for line, customer in first]

    def merge(self) -> WrittenRows:
        """Upsert the staged rows into the table; returns counts and the time span."""
        key, table = _q(self.key), self.table.name
        old_stamps = [c for c in self.stamps]
        new_stamps = [c for c in self.stamps if c in self.columns]
        spans = ", ".join(f"min(t.{_q(c)}), max(t.{_q(c)})" for c in old_stamps)
        existing = self.conn.exec_driver_sql(
            f"SELECT count(*){', ' + spans if spans else ''} "
            f"FROM {STAGING} s JOIN {table} t ON t.{key} = s.{key}"
        ).one()
        spans = ", ".join(f"min({_q(c)}), max({_q(c)})" for c in new_stamps)
        staged = self.conn.exec_driver_sql(
            f"SELECT count(*){', ' + spans if spans else ''} FROM {STAGING}"
        ).one()
        columns = ", ".join(_q(c) for c in self.columns)
        changed = [c for c in self.columns if c != self.key]
        action = (
            "DO UPDATE SET " + ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in changed)
            if changed
            else "DO NOTHING"
        )
        # "WHERE true": SQLite's parser needs it before ON CONFLICT in INSERT … SELECT.
        self.conn.exec_driver_sql(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {STAGING} WHERE true "
            f"ON CONFLICT ({key}) {action}"
        )
        moments = [_utc(v) for v in (*existing[1:], *staged[1:]) if v is not None]
        return WrittenRows(
            table=table,
            inserted=staged[0] - existing[0],
            updated=existing[0],
            first=min(moments, default=None),
            last=max(moments, default=None),
        )

    # --- per backend ------------------------------------------------------------------

    def _type(self, name: str) -> str:
        if not self.postgres:
            return ""  # SQLite: the values keep their storage form
        column = self.table.c[name]
        return column.type.compile(dialect=self.conn.dialect)

    def _sqlite(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        if not self._conversions:
            return row
        values = list(row)
        for index, convert in self._conversions:
            value = values[index]
            if value is not None:
                values[index] = convert(value)
        return tuple(values)


def _sqlite_stamp(value: datetime) -> str:
    """The form UtcDateTime stores on SQLite: naive UTC text with microseconds."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(sep=" ", timespec="microseconds")


#: Values in the form SQLite stores, converted once here instead of by SQLAlchemy's type
#: processors per value (NUMERIC is REAL on SQLite anyway).
_SQLITE_FORMS = {"UtcDateTime": _sqlite_stamp, "Boolean": int, "Numeric": float}


def _utc(value: Any) -> datetime:  # noqa: ANN401
    if isinstance(value, str):  # SQLite
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _q(name: str) -> str:
    return f'"{name}"'
