"""Validated bulk import of CSV files into the metrics tables.

All or nothing: every row is read and validated before the first write, and the writes
run in one transaction, so a file with one bad row leaves the database exactly as it was
and the user gets every problem at once, with row numbers, to fix in one pass. Re-importing
a file is an upsert by id that changes only the columns the file has, so running an import
twice changes nothing and a file with fewer columns leaves the others as they were.

Two imports at once (two terminals, a cron job overlapping a person) write one after the
other under `metrics.db.exclusive`: the second validates its file meanwhile, then waits at
most IMPORT_WAIT_SECONDS for the first to commit, else says so and writes nothing. Without
it, on SQLite the second read "which ids exist" before the first committed and failed on
the first's rows with a unique-constraint error.

Rows are numbered like the lines of the file, the header being row 1, so "row 7" is what a
spreadsheet or editor shows as line 7.
"""

from __future__ import annotations

import csv
import gc
import io
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from metrics.db import exclusive
from metrics.errors import DatabaseUnavailable, ImportRejected
from metrics.rollups import maintained
from metrics.rows import FIRST_YEAR, LAST_YEAR, ROW_MODELS, ImportReport
from metrics.schema import IMPORTABLE_TABLES, customers

#: How many problems an ImportRejected lists before "… and K more".
MAX_LISTED_ERRORS = 20
BATCH_SIZE = 5_000
#: How long a second import waits for a running one (a million rows take about 20 s).
IMPORT_WAIT_SECONDS = 300.0

Progress = Callable[[int, int], None]


def import_csv(
    engine: Engine,
    table: str,
    path: Path,
    progress: Progress | None = None,
    *,
    wait_seconds: float | None = None,
) -> ImportReport:
    """Validate `path` whole, then upsert its rows into `table` in one transaction.

    `progress(done, total)` is called as rows are validated and again as they are written
    (total = 2 × rows). Raises ImportRejected (nothing written), DatabaseBusy (another
    import held the write lock longer than `wait_seconds`, default IMPORT_WAIT_SECONDS) or
    DatabaseUnavailable.
    """
    if wait_seconds is None:
        wait_seconds = IMPORT_WAIT_SECONDS
    started = time.perf_counter()
    target = _table(table)
    text = _read_text(Path(path))
    try:
        known = _known_customers(engine, target)
        sqlite_fast = engine.dialect.name == "sqlite"
        to_values = _sqlite_values(target) if sqlite_fast else _plain_values(target)
        # A million small objects make the cyclic GC rescan the heap over and over; nothing
        # built here has cycles, so pausing it is safe and roughly halves the time.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            header, lines = _parse(target, Path(path), text, known, to_values, progress)
            with (
                exclusive(engine, "import", wait_seconds=wait_seconds),
                engine.begin() as conn,
                maintained(conn, target.name, lines),
            ):
                inserted, updated = _write(conn, target, header, lines, sqlite_fast, progress)
        finally:
            if gc_was_enabled:
                gc.enable()
    except DBAPIError as error:
        raise DatabaseUnavailable(
            f"The import into {table} failed in the database and was rolled back: "
            f"{str(error.orig).strip().splitlines()[0]}; nothing was written."
        ) from error
    return ImportReport(
        table=table,
        rows=len(lines),
        inserted=inserted,
        updated=updated,
        seconds=round(time.perf_counter() - started, 3),
    )


def _table(name: str) -> Table:
    if name not in IMPORTABLE_TABLES:
        raise ImportRejected(
            f"There is no table {name!r} to import into; "
            f"use one of: {', '.join(IMPORTABLE_TABLES)}."
        )
    return IMPORTABLE_TABLES[name]


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise ImportRejected(f"The file {path} does not exist; check the path.") from error
    except IsADirectoryError as error:
        raise ImportRejected(f"{path} is a folder; give the path of one CSV file.") from error
    except OSError as error:
        raise ImportRejected(f"Cannot read {path}: {error.strerror}.") from error
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ImportRejected(
            f"{path.name} is not UTF-8 text (first bad byte on line {line}); "
            "save it as UTF-8 CSV and import again."
        ) from error
    if not text.strip():
        raise ImportRejected(f"{path.name} is empty; it needs a header row and data rows.")
    return text


def _parse(
    table: Table,
    path: Path,
    text: str,
    known: set[str] | None,
    to_values: Callable[[BaseModel], dict[str, Any]],
    progress: Progress | None,
) -> tuple[list[str], list[dict[str, Any]]]:
    """The header and every row validated; all problems collected, then raised together."""
    model = ROW_MODELS[table.name]
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip() for name in next(reader)]
    _check_header(table, model, path, header)
    width = len(header)
    key = _key_column(table)

    errors: list[str] = []
    lines: list[dict[str, Any]] = []
    first_line_of: dict[str, int] = {}
    previous_end = reader.line_num
    has_row_rules = table.name in _ROW_RULES
    has_nul = "\x00" in text  # checked per cell only when the file has one: it is rare
    estimate = 2 * max(text.count("\n"), 1)  # rows are not counted yet; lines are close
    for record in _records(reader):
        number = previous_end + 1
        previous_end = reader.line_num
        if not record:  # a blank line
            continue
        if len(record) != width:
            errors.append(
                f"row {number}: has {len(record)} values but the header has {width} columns"
            )
            continue
        if has_nul and (nul := _nul_errors(number, header, record)):
            errors.extend(nul)
            continue
        try:
            # Empty cells are left out, so they become None or the column's default.
            row = model.model_validate(
                {name: value for name, value in zip(header, record, strict=True) if value}
            )
        except ValidationError as error:
            errors.extend(_describe(number, error, model))
            continue
        row_errors = _check_row(table.name, row) if has_row_rules else None
        if row_errors:
            errors.extend(f"row {number}, column {col}: {why}" for col, why in row_errors)
            continue
        if known is not None and row.customer_id is not None and row.customer_id not in known:
            errors.append(
                f"row {number}, column customer_id: unknown customer {row.customer_id!r} "
                "(import customers first)"
            )
            continue
        row_id = getattr(row, key)
        if row_id in first_line_of:
            errors.append(
                f"row {number}, column {key}: {row_id!r} already appears on row "
                f"{first_line_of[row_id]}; each id may appear once"
            )
            continue
        first_line_of[row_id] = number
        lines.append(to_values(row))
        if progress and len(lines) % BATCH_SIZE == 0:
            progress(len(lines), estimate)
    if errors:
        raise _rejected(path, errors)
    if not lines:
        raise ImportRejected(f"{path.name} has a header but no data rows; nothing to import.")
    if progress:
        progress(len(lines), 2 * len(lines))
    return header, lines


def _nul_errors(number: int, header: list[str], record: list[str]) -> list[str]:
    """NUL bytes are refused on every backend alike: SQLite would store them, PostgreSQL
    rejects the whole write without saying which row."""
    return [
        f"row {number}, column {name}: contains a NUL byte (\\x00), which cannot be stored; "
        "remove it"
        for name, value in zip(header, record, strict=True)
        if "\x00" in value
    ]


def _records(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    try:
        yield from reader
    except csv.Error as error:
        raise ImportRejected(
            f"The CSV is malformed near line {getattr(reader, 'line_num', '?')}: {error}; "
            "check the quoting."
        ) from error


def _check_header(table: Table, model: type[BaseModel], path: Path, header: list[str]) -> None:
    known = list(model.model_fields)
    required = [name for name, field in model.model_fields.items() if field.is_required()]
    problems = []
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        problems.append(f"column {', '.join(duplicated)} appears more than once")
    missing = [name for name in required if name not in header]
    if missing:
        problems.append(f"required column {', '.join(missing)} is missing")
    extra = [name for name in header if name not in known]
    if extra:
        problems.append(f"column {', '.join(repr(n) for n in extra)} is not part of {table.name}")
    if problems:
        raise ImportRejected(
            f"The header of {path.name} does not fit {table.name}: {'; '.join(problems)} "
            f"(expected columns: {', '.join(known)})."
        )


def _key_column(table: Table) -> str:
    return next(iter(table.primary_key.columns)).name


def _utc(value: datetime | None) -> datetime | None:
    """Naive timestamps are UTC; aware ones are converted to UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


_ROW_RULES = {"customers", "tickets", "checkout_sessions"}


def _check_row(table: str, row: BaseModel) -> list[tuple[str, str]]:
    """Rules between columns of one row (the database enforces them too)."""
    problems: list[tuple[str, str]] = []

    def not_before(later: str, earlier: str, what: str) -> None:
        late, early = _utc(getattr(row, later)), _utc(getattr(row, earlier))
        if late is not None and early is not None and late < early:
            problems.append((later, f"{what} ({late:%Y-%m-%d %H:%M}) is before {earlier}"))

    if table == "customers":
        not_before("churned_at", "signed_up_at", "churned")
    elif table == "tickets":
        not_before("resolved_at", "opened_at", "resolved")
        not_before("first_response_at", "opened_at", "first response")
    elif table == "checkout_sessions":
        not_before("completed_at", "started_at", "completed")
    return problems


def _describe(number: int, error: ValidationError, model: type[BaseModel]) -> list[str]:
    lines = []
    for item in error.errors(include_url=False):
        column = str(item["loc"][0]) if item["loc"] else "?"
        lines.append(f"row {number}, column {column}: {_reason(item, model, column)}")
    return lines


def _reason(item: Any, model: type[BaseModel], column: str) -> str:  # noqa: ANN401
    """A short reason in words a spreadsheet user knows, from a pydantic error."""
    kind, value, ctx = item["type"], item.get("input"), item.get("ctx") or {}
    if kind in ("missing", "string_too_short"):
        return "is empty but required"
    if kind == "datetime_range":
        return f"{value!r} is outside the years {FIRST_YEAR}–{LAST_YEAR}"
    if kind.startswith("datetime") or kind.startswith("date"):
        return f"{value!r} is not an ISO 8601 timestamp (e.g. 2026-03-01T09:30:00Z)"
    if kind.startswith("int"):
        return f"{value!r} is not a whole number"
    if kind.startswith("bool"):
        return f"{value!r} is not true/false, 1/0 or yes/no"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"{value} is out of range ({_bounds(model, column)})"
    if kind.startswith("decimal") and "decimal_places" in ctx:
        return f"{value!r} has more than {ctx['decimal_places']} decimals"
    if kind.startswith("decimal"):
        return f"{value!r} is not a number"
    if kind == "string_too_long":
        return f"is longer than {ctx.get('max_length')} characters"
    if kind == "string_pattern_mismatch":
        return f"{value!r} is not a two-letter country code (e.g. DK)"
    if kind == "literal_error":
        return f"{value!r} is not one of {ctx.get('expected')}"
    return str(item["msg"]).lower()


def _bounds(model: type[BaseModel], column: str) -> str:
    """'0–10' from the field's ge/le constraints; '≥ 0' when there is no upper bound."""
    low = high = None
    for constraint in model.model_fields[column].metadata:
        low = getattr(constraint, "ge", low)
        high = getattr(constraint, "le", high)
    return f"{low}–{high}" if high is not None else f"must be ≥ {low}"


def _rejected(path: Path, errors: list[str]) -> ImportRejected:
    listed = errors[:MAX_LISTED_ERRORS]
    if len(errors) > MAX_LISTED_ERRORS:
        listed.append(f"… and {len(errors) - MAX_LISTED_ERRORS} more")
    problem = "problem" if len(errors) == 1 else "problems"
    return ImportRejected(
        f"{path.name} was not imported: {len(errors)} {problem} found; "
        "nothing was written; fix the rows below and import the file again.",
        listed,
        total=len(errors),
    )


def _known_customers(engine: Engine, table: Table) -> set[str] | None:
    """Customer ids rows may refer to (None: the table has no customer reference). The
    foreign key still guards the write against a customer deleted in the meantime."""
    if table.name == "customers" or "customer_id" not in table.c:
        return None
    with engine.connect() as conn:
        return set(conn.execute(select(customers.c.customer_id)).scalars())


def _write(
    conn: Connection,
    table: Table,
    header: list[str],
    lines: list[dict[str, Any]],
    sqlite_fast: bool,
    progress: Progress | None,
) -> tuple[int, int]:
    """Upsert in batches; new ids go through a plain INSERT on SQLite (2–3× faster there
    than INSERT … ON CONFLICT), ids already present through the upsert, which only
    changes the columns the file has."""
    key = _key_column(table)
    upsert = _upsert(conn, table, header)
    insert = table.insert() if sqlite_fast else upsert
    inserted = updated = 0
    total = 2 * len(lines)
    for start in range(0, len(lines), BATCH_SIZE):
        batch = lines[start : start + BATCH_SIZE]
        ids = [values[key] for values in batch]
        existing = set(conn.execute(select(table.c[key]).where(table.c[key].in_(ids))).scalars())
        new = [values for values in batch if values[key] not in existing]
        old = [values for values in batch if values[key] in existing]
        for statement, values in ((insert, new), (upsert, old)):
            if not values:
                continue
            if sqlite_fast:
                _execute_raw(conn, statement, values)
            else:
                conn.execute(statement, values)
        inserted += len(new)
        updated += len(old)
        if progress:
            progress(len(lines) + start + len(batch), total)
    return inserted, updated


def _imported_columns(table: Table) -> list[str]:
    """The columns a file can fill. The others are the bot's bookkeeping and keep their
    defaults: a story an operator imports is approved (stories.approval)."""
    fields = ROW_MODELS[table.name].model_fields
    return [column.name for column in table.columns if column.name in fields]


def _plain_values(table: Table) -> Callable[[BaseModel], dict[str, Any]]:
    names = _imported_columns(table)
    return lambda row: {name: getattr(row, name, None) for name in names}


def _sqlite_values(table: Table) -> Callable[[BaseModel], dict[str, Any]]:
    """Values converted once, here, instead of per value by SQLAlchemy's type processors
    (a large share of the time at a million rows). Timestamps get the exact text form
    UtcDateTime stores on SQLite: naive UTC with microseconds."""
    names = _imported_columns(table)
    kinds = {column.name: type(column.type).__name__ for column in table.columns}
    stamps = [name for name in names if kinds[name] == "UtcDateTime"]
    flags = [name for name in names if kinds[name] == "Boolean"]
    numbers = [name for name in names if kinds[name] == "Numeric"]

    def convert(row: BaseModel) -> dict[str, Any]:
        values = dict(row.__dict__)  # the validated fields; same names as the columns
        for name in stamps:
            stamp = values[name]
            if stamp is not None:
                if stamp.tzinfo is not None:
                    stamp = stamp.astimezone(UTC).replace(tzinfo=None)
                values[name] = stamp.isoformat(sep=" ", timespec="microseconds")
        for name in flags:
            values[name] = int(values[name])
        for name in numbers:
            values[name] = float(values[name])  # SQLite NUMERIC stores REAL anyway
        return values

    return convert


def _execute_raw(conn: Connection, statement: Any, rows: list[dict[str, Any]]) -> None:  # noqa: ANN401
    """executemany straight to the driver, values already in SQLite's storage form."""
    compiled = statement.compile(dialect=conn.dialect, column_keys=list(rows[0]))
    order = compiled.positiontup or []
    conn.exec_driver_sql(compiled.string, [tuple(row[name] for name in order) for row in rows])


def _upsert(conn: Connection, table: Table, header: list[str]) -> Any:  # noqa: ANN401 - a dialect Insert
    """INSERT … ON CONFLICT (id) DO UPDATE of the file's columns only: a file of
    `customer_id,signed_up_at` must not blank names or reset consent it never mentioned."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    statement = insert(table)
    key = _key_column(table)
    changed = {name: statement.excluded[name] for name in header if name != key}
    if not changed:
        return statement.on_conflict_do_nothing(index_elements=[key])
    return statement.on_conflict_do_update(index_elements=[key], set_=changed)
