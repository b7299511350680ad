"""Validated bulk import of CSV files into the metrics tables, streamed.

All or nothing: the file is read once, in batches of BATCH_SIZE rows, and each batch is
validated and staged in a temporary table (`metrics.import_writer`); only when every row
is valid does one transaction merge the staged rows into the table. So memory stays one
batch at any file size, a file with one bad row leaves the database exactly as it was, and
the user gets every problem at once (the first MAX_LISTED_ERRORS by line, then how many
more), to fix in one pass. Re-importing a file is an upsert by id that changes only the
columns the file has, so running an import twice changes nothing and a file with fewer
columns leaves the others as they were.

Two imports at once (two terminals, a cron job overlapping a person) write one after the
other under `metrics.db.exclusive`: the second reads and stages its file meanwhile, then
waits at most IMPORT_WAIT_SECONDS for the first to commit, else says so and writes nothing.

Rows are numbered like the lines of the file, the header being row 1, so "row 7" is what a
spreadsheet or editor shows as line 7. Delimiter, decimal comma, date order and encoding
are detected or given (`metrics.csv_dialect`) and reported back.
"""

from __future__ import annotations

import codecs
import csv
import gc
import time
from array import array
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any

import numpy as np
from pydantic import BaseModel, ValidationError
from sqlalchemy import Table, column, select
from sqlalchemy import table as sql_table
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from metrics import cells, csv_dialect
from metrics.csv_dialect import CellProblem, CsvDialect
from metrics.db import exclusive
from metrics.errors import DatabaseUnavailable, ImportRejected
from metrics.import_writer import STAGING, StagingWriter, WrittenRows
from metrics.rollups import refresh_written
from metrics.rows import FIRST_YEAR, LAST_YEAR, ROW_MODELS, ImportReport
from metrics.schema import IMPORTABLE_TABLES

#: How many problems an ImportRejected lists before "… and K more" (all are counted).
MAX_LISTED_ERRORS = 50
BATCH_SIZE = 10_000
#: How long a second import waits for a running one (ten million rows take about a minute).
IMPORT_WAIT_SECONDS = 300.0

#: progress(bytes read, file size): called per batch, and with (size, size) once the whole
#: file is read and staged, before the import waits for the lock and merges.
Progress = Callable[[int, int], None]


def import_csv(  # noqa: PLR0913
    engine: Engine,
    table: str,
    path: Path,
    progress: Progress | None = None,
    *,
    wait_seconds: float | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    decimal_comma: bool | None = None,
    dayfirst: bool | None = None,
) -> ImportReport:
    """Stream `path` into `table`: validate and stage in batches, then merge in one
    transaction. Options left None are detected from the file.

    Raises ImportRejected (nothing written), DatabaseBusy (another import held the write
    lock longer than `wait_seconds`, default IMPORT_WAIT_SECONDS) or DatabaseUnavailable.
    """
    if wait_seconds is None:
        wait_seconds = IMPORT_WAIT_SECONDS
    started = time.perf_counter()
    target = _table(table)
    path = Path(path)
    try:
        codec = csv_dialect.check_encoding(encoding or "utf-8")
    except ValueError as error:
        raise ImportRejected(str(error)) from error
    with _open(path) as file:
        source = _Source(file, path, codec)
        header_line = source.header()
        model = ROW_MODELS[target.name]
        known = set(model.model_fields)
        used = csv_dialect.detect_delimiter(header_line, known, delimiter)
        header = csv_dialect.split_header(header_line, used)
        _check_header(
            target, model, path, header, csv_dialect.delimiter_hint(header_line, known, used)
        )
        dialect = _detect(target, header, source.sample(), used, codec, decimal_comma, dayfirst)
        gc_was_enabled = gc.isenabled()
        gc.disable()  # millions of short-lived tuples, no cycles: the cyclic GC only costs
        try:
            with engine.connect() as conn:
                try:
                    written, rows = _import(
                        engine, conn, target, path, header, dialect, source, progress, wait_seconds
                    )
                finally:
                    _drop_staging(conn)
        except DBAPIError as error:
            raise DatabaseUnavailable(
                f"The import into {table} failed in the database and was rolled back: "
                f"{str(error.orig).strip().splitlines()[0]}; nothing was written."
            ) from error
        finally:
            if gc_was_enabled:
                gc.enable()
    return ImportReport(
        table=table,
        rows=rows,
        inserted=written.inserted,
        updated=written.updated,
        seconds=round(time.perf_counter() - started, 3),
        encoding=dialect.encoding,
        delimiter=dialect.delimiter,
        decimal_comma=dialect.decimal_comma,
        dayfirst=dialect.dayfirst,
    )


def after_rows_written(conn: Connection, table: Table, written: WrittenRows) -> None:
    """The one place for work that must commit together with the imported rows (e.g.
    refreshing pre-aggregated rollups for `written.table` over `written.first` …
    `written.last`). Runs inside the import's transaction, after the merge, before the
    commit; an exception here rolls the whole import back."""
    staged_ids = select(column(_key_column(table))).select_from(sql_table(STAGING))
    refresh_written(conn, written.table, written.first, written.last, staged_ids)


def _import(  # noqa: PLR0913
    engine: Engine,
    conn: Connection,
    table: Table,
    path: Path,
    header: list[str],
    dialect: CsvDialect,
    source: _Source,
    progress: Progress | None,
    wait_seconds: float,
) -> tuple[WrittenRows, int]:
    writer = StagingWriter(conn, table, header)
    problems = _Problems()
    with conn.begin():
        writer.open()
        try:
            rows, duplicates = _stage(table, header, dialect, source, writer, problems, progress)
        except BaseException:
            writer.abort()
            raise
        writer.close()
    if duplicates:
        _report_duplicates(conn, table, header, duplicates, problems)
    if progress:
        progress(source.size, source.size)
    if problems.count:
        with conn.begin():
            problems.add_all(*_unknown_customers(writer))
        raise problems.rejected(path, rows, dialect)
    if not rows:
        raise ImportRejected(f"{path.name} has a header but no data rows; nothing to import.")
    with exclusive(engine, "import", wait_seconds=wait_seconds), conn.begin():
        unknown = _unknown_customers(writer)
        if unknown[0]:
            problems.add_all(*unknown)
            raise problems.rejected(path, rows, dialect)
        written = writer.merge()
        after_rows_written(conn, table, written)
    return written, rows


def _stage(  # noqa: C901, PLR0913
    table: Table,
    header: list[str],
    dialect: CsvDialect,
    source: _Source,
    writer: StagingWriter,
    problems: _Problems,
    progress: Progress | None,
) -> tuple[int, set[int]]:
    """Validate and stage every row; returns (rows staged, hashes of ids seen twice)."""
    convert = _RowConverter(table, header, dialect)
    reader = csv.reader(source.lines(), delimiter=dialect.delimiter)
    next(reader)  # the header, already read
    width = len(header)
    key = header.index(_key_column(table))
    check_rules = table.name in _ROW_RULES
    hashes = array("q")
    batch: list[tuple[Any, ...]] = []
    rows = 0
    previous_end = reader.line_num
    for record in _records(reader):
        number = previous_end + 1
        previous_end = reader.line_num
        if not record:  # a blank line
            continue
        if len(record) != width:
            problems.add(
                number,
                f"row {number}: has {len(record)} values but the header has {width} columns",
            )
            continue
        if source.has_nul and (nul := _nul_errors(number, header, record)):
            problems.add_many(number, nul)
            continue
        values, errors = convert(number, record)
        if not errors and check_rules:
            errors = [
                f"row {number}, column {col}: {why}"
                for col, why in _check_row(table.name, dict(zip(header, values, strict=True)))
            ]
        if errors:
            problems.add_many(number, errors)
            continue
        hashes.append(hash(values[key]))
        batch.append((number, *values))
        if len(batch) >= BATCH_SIZE:
            writer.stage(batch)
            rows += len(batch)
            batch = []
            if progress:
                progress(source.done, source.size)
    if batch:
        writer.stage(batch)
        rows += len(batch)
    return rows, _repeated(hashes)


def _repeated(hashes: array) -> set[int]:
    """Hashes that occur more than once: 8 bytes per row instead of a set of ids (about
    60 bytes per id), sorted in place; the exact ids are looked up only when any repeat."""
    if len(hashes) < 2:
        return set()
    view = np.frombuffer(hashes, dtype=np.int64)
    view.sort()
    same = view[1:] == view[:-1]
    return set(view[1:][same].tolist()) if same.any() else set()


def _report_duplicates(
    conn: Connection, table: Table, header: list[str], candidates: set[int], problems: _Problems
) -> None:
    key = _key_column(table)
    first_line_of: dict[Any, int] = {}
    with conn.begin():
        result = conn.exec_driver_sql(f'SELECT line, "{key}" FROM {STAGING} ORDER BY line')
        for line, row_id in result:
            if hash(row_id) not in candidates:
                continue
            if row_id in first_line_of:
                problems.add(
                    line,
                    f"row {line}, column {key}: {row_id!r} already appears on row "
                    f"{first_line_of[row_id]}; each id may appear once",
                )
            else:
                first_line_of[row_id] = line


def _unknown_customers(writer: StagingWriter) -> tuple[int, list[tuple[int, str]]]:
    total, first = writer.unknown_customers(MAX_LISTED_ERRORS)
    return total, [
        (
            line,
            f"row {line}, column customer_id: unknown customer {customer!r} "
            "(import customers first)",
        )
        for line, customer in first
    ]


def _drop_staging(conn: Connection) -> None:
    if conn.in_transaction():
        conn.rollback()
    if not conn.invalidated:
        with conn.begin():
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {STAGING}")


class _Problems:
    """Every problem counted; the first MAX_LISTED_ERRORS by line kept to show."""

    def __init__(self) -> None:
        self.count = 0
        self.listed: list[tuple[int, str]] = []

    def add(self, line: int, text: str) -> None:
        self.count += 1
        if len(self.listed) < MAX_LISTED_ERRORS or line < self.listed[-1][0]:
            self.listed.append((line, text))
            if len(self.listed) > MAX_LISTED_ERRORS:
                self.listed.sort(key=lambda item: item[0])
                del self.listed[MAX_LISTED_ERRORS:]

    def add_many(self, line: int, texts: list[str]) -> None:
        for text in texts:
            self.add(line, text)

    def add_all(self, total: int, first: list[tuple[int, str]]) -> None:
        for line, text in first:
            self.add(line, text)
        self.count += total - len(first)

    def rejected(self, path: Path, rows: int, dialect: CsvDialect) -> ImportRejected:
        listed = [text for _, text in sorted(self.listed, key=lambda item: item[0])]
        if self.count > len(listed):
            listed.append(f"… and {self.count - len(listed)} more")
        problem = "problem" if self.count == 1 else "problems"
        return ImportRejected(
            f"{path.name} was not imported: {self.count} {problem} found; "
            "nothing was written; fix the rows below and import the file again.",
            listed,
            total=self.count,
            summary={"rows": rows, **dialect.model_dump()},
        )


class _open:  # noqa: N801 - used like open()
    """The file in binary, or one sentence saying why it cannot be read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file: IO[bytes] | None = None

    def __enter__(self) -> IO[bytes]:
        try:
            self.file = self.path.open("rb")
        except FileNotFoundError as error:
            raise ImportRejected(f"The file {self.path} does not exist; check the path.") from error
        except IsADirectoryError as error:
            raise ImportRejected(
                f"{self.path} is a folder; give the path of one CSV file."
            ) from error
        except OSError as error:
            raise ImportRejected(f"Cannot read {self.path}: {error.strerror}.") from error
        return self.file

    def __exit__(self, *exc: object) -> None:
        if self.file is not None:
            self.file.close()


class _Source:
    """The file's lines, decoded one by one (a bad byte is named by its line), with the
    bytes read so far for progress and a note when any line holds a NUL."""

    def __init__(self, file: IO[bytes], path: Path, encoding: str) -> None:
        self.file = file
        self.path = path
        self.encoding = encoding
        self.size = max(path.stat().st_size, 1)
        self.done = 0
        self.has_nul = False
        self._head: list[bytes] = list(islice(file, csv_dialect.SAMPLE_LINES + 1))
        if self._head and self._head[0].startswith(codecs.BOM_UTF8):
            self._head[0] = self._head[0][len(codecs.BOM_UTF8) :]
        if not b"".join(self._head).strip():
            raise ImportRejected(f"{path.name} is empty; it needs a header row and data rows.")

    def header(self) -> str:
        return self._decode(self._head[0], 1).rstrip("\r\n")

    def sample(self) -> list[str]:
        """The first lines after the header (a quoted value across lines may be cut)."""
        return [self._decode(raw, n) for n, raw in enumerate(self._head[1:], start=2)]

    def lines(self) -> Iterator[str]:
        decode, encoding = bytes.decode, self.encoding
        for number, raw in enumerate(chain(self._head, self.file), start=1):
            self.done += len(raw)
            try:
                line = decode(raw, encoding)
            except UnicodeDecodeError:
                line = self._decode(raw, number)
            if "\x00" in line:
                self.has_nul = True
            yield line

    def _decode(self, raw: bytes, number: int) -> str:
        try:
            return raw.decode(self.encoding)
        except UnicodeDecodeError as error:
            raise ImportRejected(
                csv_dialect.decoding_problem(self.path.name, raw, number, self.encoding)
            ) from error


def _detect(  # noqa: PLR0913
    table: Table,
    header: list[str],
    sample: list[str],
    delimiter: str,
    encoding: str,
    decimal_comma: bool | None,
    dayfirst: bool | None,
) -> CsvDialect:
    kinds = {c.name: type(c.type).__name__ for c in table.columns}
    try:
        records = [r for r in csv.reader(sample, delimiter=delimiter) if len(r) == len(header)]
    except csv.Error:
        records = []

    def column_cells(kind: str) -> list[str]:
        wanted = [i for i, name in enumerate(header) if kinds.get(name) == kind]
        return [record[i] for record in records for i in wanted]

    if decimal_comma is None:
        decimal_comma = csv_dialect.detect_decimal_comma(column_cells("Numeric"), delimiter)
    if dayfirst is None:
        dayfirst = csv_dialect.detect_dayfirst(column_cells("UtcDateTime"))
    return CsvDialect(
        encoding=encoding, delimiter=delimiter, decimal_comma=decimal_comma, dayfirst=dayfirst
    )


class _RowConverter:
    """One record to its values in header order, by the fast cell parsers when every cell
    is in a plain form, else by the row model (which names each problem)."""

    def __init__(self, table: Table, header: list[str], dialect: CsvDialect) -> None:
        self.model = ROW_MODELS[table.name]
        self.header = header
        fast = cells.parsers(self.model)
        kinds = {c.name: type(c.type).__name__ for c in table.columns}
        self.local: list[tuple[int, Callable[[str], str]]] = []
        for index, name in enumerate(header):
            if kinds.get(name) == "UtcDateTime":
                self.local.append(
                    (index, lambda c: csv_dialect.plain_timestamp(c, dialect.dayfirst))
                )
            elif kinds.get(name) == "Numeric" and dialect.decimal_comma:
                self.local.append((index, csv_dialect.plain_decimal))
        self.columns = []
        for name in header:
            field = self.model.model_fields[name]
            self.columns.append(
                (
                    fast.get(name),
                    field.is_required(),
                    None if field.is_required() else field.default,
                )
            )

    def __call__(self, number: int, record: list[str]) -> tuple[tuple[Any, ...], list[str]]:
        if self.local:
            record = list(record)
            for index, plain in self.local:
                cell = record[index]
                if cell:
                    try:
                        record[index] = plain(cell)
                    except CellProblem as problem:
                        return (), [f"row {number}, column {self.header[index]}: {problem}"]
        try:
            values = []
            for (parse, required, default), cell in zip(self.columns, record, strict=True):
                if not cell:
                    if required:
                        raise cells.Decline
                    values.append(default)
                elif parse is None:
                    raise cells.Decline
                else:
                    values.append(parse(cell))
            return tuple(values), []
        except cells.Decline:
            return self._by_model(number, record)

    def _by_model(self, number: int, record: list[str]) -> tuple[tuple[Any, ...], list[str]]:
        try:
            # Empty cells are left out, so they become None or the column's default.
            row = self.model.model_validate(
                {name: value for name, value in zip(self.header, record, strict=True) if value}
            )
        except ValidationError as error:
            return (), _describe(number, error, self.model)
        return tuple(getattr(row, name) for name in self.header), []


def _table(name: str) -> Table:
    if name not in IMPORTABLE_TABLES:
        raise ImportRejected(
            f"There is no table {name!r} to import into; "
            f"use one of: {', '.join(IMPORTABLE_TABLES)}."
        )
    return IMPORTABLE_TABLES[name]


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


def _check_header(
    table: Table, model: type[BaseModel], path: Path, header: list[str], hint: str | None
) -> None:
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
    if problems and hint:
        problems = [hint]
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


def _check_row(table: str, row: dict[str, Any]) -> list[tuple[str, str]]:
    """Rules between columns of one row (the database enforces them too)."""
    problems: list[tuple[str, str]] = []

    def not_before(later: str, earlier: str, what: str) -> None:
        late, early = _utc(row.get(later)), _utc(row.get(earlier))
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
