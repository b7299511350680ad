"""Keeping the rollups (metrics.schema `rollup_*`, declared in metrics.semantic) equal to the
raw tables: every writer calls `refresh_written` (or `refresh`) inside its own transaction, so
rows and rollups commit or roll back together.

A rollup row sums the rows of one UTC hour (and, derived from those, one UTC day) per the
customer's current segment and country: a customer who moves segment moves all their past
rows with them, exactly as the raw KPI join does, so changing a customer refreshes the
hours their rows fall in. `rebuild` recomputes everything; `check` names every difference.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, String, Table, func, literal, select, type_coerce
from sqlalchemy.engine import Connection

from metrics import dialect as sql
from metrics.schema import NEWCOMER_DAYS, UtcDateTime, customers
from metrics.semantic import ROLLED_UP, Fact

DAY = timedelta(days=1)
_BATCH = 5_000
#: How many differences `check` lists before "… and K more".
MAX_LISTED = 20

Range = tuple[datetime, datetime]  # inclusive bounds of the affected timestamps


def rollups_fed_by(table: str) -> list[Fact]:
    """The rollups whose rows change when `table` changes (customers feed all of them)."""
    if table == customers.name:
        return list(ROLLED_UP)
    return [fact for fact in ROLLED_UP if fact.name == table and not fact.is_customers]


def rebuild(conn: Connection) -> None:
    """Every rollup recomputed from the raw tables."""
    for fact in ROLLED_UP:
        _refresh(conn, fact, None)


def refresh(conn: Connection, table: str, start: datetime, end: datetime) -> None:
    """Recompute the rollups fed by `table` over the whole UTC days from `start` to `end`
    (inclusive); for customers, every rollup over those days."""
    for fact in rollups_fed_by(table):
        _refresh(conn, fact, (start, end))


def refresh_written(
    conn: Connection, table: str, first: datetime | None, last: datetime | None, ids: Select
) -> None:
    """After an import merged rows into `table`, in its transaction: refresh the days the
    rows occupied before and occupy now (`first` … `last`, old values included), and, for
    customers, the days of every fact row of the customers `ids` selects (a customer who
    changed segment moves all their past rows)."""
    for fact in rollups_fed_by(table):
        if fact.table.name == table:  # the written rows' own times
            span = (first, last) if first is not None and last is not None else None
        else:  # the written customers' rows in a fact table
            low, high = conn.execute(
                select(func.min(fact.time_column), func.max(fact.time_column)).where(
                    fact.table.c.customer_id.in_(ids)
                )
            ).one()
            low, high = _moment(low), _moment(high)
            span = (low, high) if low is not None and high is not None else None
        if span is not None:
            _refresh(conn, fact, span)


def _moment(value: object) -> datetime | None:
    """A written timestamp: a datetime, or SQLite's stored text (csv_import's fast path)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _refresh(conn: Connection, fact: Fact, span: Range | None) -> None:
    rollup = fact.rollup
    assert rollup is not None
    window: tuple[datetime, datetime] | None = None
    if span is not None:
        first = span[0].astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        last = span[1].astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        window = (first, last + DAY)
    in_window = (
        [] if window is None else [rollup.c.bucket >= window[0], rollup.c.bucket < window[1]]
    )
    conn.execute(rollup.delete().where(*in_window))
    hours = _hours(fact, conn.dialect.name, window)
    conn.execute(rollup.insert().from_select(list(hours.selected_columns.keys()), hours))
    conn.execute(
        rollup.insert().from_select(_columns(rollup), _days(rollup, conn.dialect.name, in_window))
    )
    if fact.newcomers is not None:
        newcomers = fact.newcomers
        conn.execute(
            newcomers.delete().where(
                *(
                    []
                    if window is None
                    else [newcomers.c.bucket >= window[0], newcomers.c.bucket < window[1]]
                )
            )
        )
        rows = _newcomers(fact, conn.dialect.name, window)
        conn.execute(newcomers.insert().from_select(_columns(newcomers), rows))


def _columns(rollup: Table) -> list[str]:
    return [c.name for c in rollup.c]


def _hours(fact: Fact, dialect: str, window: tuple[datetime, datetime] | None) -> Select:
    """The hour rows of the rollup, computed from the raw rows."""
    rollup = fact.rollup
    assert rollup is not None
    time = fact.time_column
    hour = sql.truncate(time, "h", dialect)
    source: Any = fact.table
    if not fact.is_customers:
        source = source.join(customers, customers.c.customer_id == fact.table.c.customer_id)
    dims = [fact.dimensions[c.name].label(c.name) for c in rollup.c if c.name in fact.dimensions]
    money = [func.sum(sql.cents(fact.table.c[m])).label(f"{m}_cents") for m in fact.money]
    where: list[ColumnElement[bool]] = [time.is_not(None)]
    if window is not None:
        where += [time >= sql.utc(window[0]), time < sql.utc(window[1])]
    keys = [
        hour,
        customers.c.segment,
        customers.c.country,
        *(fact.dimensions[d.name] for d in dims),
    ]
    return (
        select(
            literal("h", String()).label("grain"),
            type_coerce(hour, UtcDateTime()).label("bucket"),
            customers.c.segment.label("segment"),
            customers.c.country.label("country"),
            *dims,
            func.count().label("n"),
            *money,
        )
        .select_from(source)
        .where(*where)
        .group_by(*keys)
    )


def _newcomers(fact: Fact, dialect: str, window: tuple[datetime, datetime] | None) -> Select:
    """Rows placed within NEWCOMER_DAYS after their customer's sign-up (a float margin of
    a day beyond the longest period read from here: metrics.planner), by both hours."""
    time, signed_up = fact.time_column, customers.c.signed_up_at
    hour, signup_hour = sql.truncate(time, "h", dialect), sql.truncate(signed_up, "h", dialect)
    where = [time >= signed_up, sql.hours_between(signed_up, time, dialect) < NEWCOMER_DAYS * 24]
    if window is not None:
        where += [time >= sql.utc(window[0]), time < sql.utc(window[1])]
    return (
        select(
            type_coerce(signup_hour, UtcDateTime()).label("signed_up"),
            type_coerce(hour, UtcDateTime()).label("bucket"),
            customers.c.segment.label("segment"),
            customers.c.country.label("country"),
            func.count().label("n"),
            *(func.sum(sql.cents(fact.table.c[m])).label(f"{m}_cents") for m in fact.money),
        )
        .select_from(
            fact.table.join(customers, customers.c.customer_id == fact.table.c.customer_id)
        )
        .where(*where)
        .group_by(signup_hour, hour, customers.c.segment, customers.c.country)
    )


def _days(rollup: Table, dialect: str, in_window: list[ColumnElement[bool]]) -> Select:
    """The day rows, summed from the hour rows just written."""
    day = sql.truncate(rollup.c.bucket, "d", dialect)
    keys = [
        c
        for c in rollup.c
        if c.name not in ("grain", "bucket", "n") and not c.name.endswith("_cents")
    ]
    sums = [
        func.sum(c).label(c.name) for c in rollup.c if c.name == "n" or c.name.endswith("_cents")
    ]
    return (
        select(literal("d", String()).label("grain"), day.label("bucket"), *keys, *sums)
        .where(rollup.c.grain == "h", *in_window)
        .group_by(day, *keys)
    )


# --- check -----------------------------------------------------------------------------------


def check(conn: Connection) -> list[str]:
    """One sentence per rollup row that differs from what the raw rows give."""
    problems: list[str] = []
    for fact in ROLLED_UP:
        problems += _differences(conn, fact)
        if fact.newcomers is not None:
            problems += _newcomer_differences(conn, fact)
    if len(problems) > MAX_LISTED:
        problems = problems[:MAX_LISTED] + [f"… and {len(problems) - MAX_LISTED} more."]
    return problems


def _differences(conn: Connection, fact: Fact) -> list[str]:
    rollup = fact.rollup
    assert rollup is not None
    names = _columns(rollup)
    split = names.index("n")
    expected: dict[tuple[Any, ...], tuple[int, ...]] = {}
    for row in conn.execute(_hours(fact, conn.dialect.name, None)):
        expected[_cell(row[:split])] = tuple(int(v or 0) for v in row[split:])
    for cell, values in list(_sum_days(expected).items()):
        expected[cell] = values
    actual: dict[tuple[Any, ...], tuple[int, ...]] = defaultdict(
        lambda: (0,) * (len(names) - split)
    )
    for row in conn.execute(select(rollup)):
        cell = _cell(row[:split])
        actual[cell] = tuple(
            a + int(v or 0) for a, v in zip(actual[cell], row[split:], strict=True)
        )
    zero = (0,) * (len(names) - split)
    problems = []
    for cell in sorted(set(expected) | set(actual), key=repr):
        want, have = expected.get(cell, zero), actual.get(cell, zero)
        if want != have:
            problems.append(_sentence(rollup, names[:split], cell, names[split:], have, want))
    return problems


def _newcomer_differences(conn: Connection, fact: Fact) -> list[str]:
    table = fact.newcomers
    assert table is not None
    names = _columns(table)
    split = names.index("n")

    def cells(rows: Iterable[Any]) -> dict[tuple[Any, ...], tuple[int, ...]]:
        out: dict[tuple[Any, ...], tuple[int, ...]] = {}
        for row in rows:
            cell = tuple(_moment(v) if i < 2 else v for i, v in enumerate(row[:split]))
            before = out.get(cell, (0,) * (len(names) - split))
            out[cell] = tuple(a + int(v or 0) for a, v in zip(before, row[split:], strict=True))
        return out

    expected = cells(conn.execute(_newcomers(fact, conn.dialect.name, None)))
    actual = cells(conn.execute(select(table)))
    problems = []
    zero = (0,) * (len(names) - split)
    for cell in sorted(set(expected) | set(actual), key=repr):
        want, have = expected.get(cell, zero), actual.get(cell, zero)
        if want != have:
            signed_up, bucket, segment, country = cell
            problems.append(
                f"{table.name}, hour {bucket:%Y-%m-%d %H}:00 UTC (customers signed up "
                f"{signed_up:%Y-%m-%d %H}:00, segment={segment}, country={country}) holds "
                f"n={have[0]} but the raw rows give n={want[0]}; run "
                "`journeybot db rebuild-rollups`."
            )
    return problems


def _cell(values: Iterable[Any]) -> tuple[Any, ...]:
    grain, bucket, *rest = values
    bucket = bucket.astimezone(UTC) if isinstance(bucket, datetime) else _moment(bucket)
    return (grain, bucket, *(int(v) if isinstance(v, bool) else v for v in rest))


def _sum_days(
    hours: dict[tuple[Any, ...], tuple[int, ...]],
) -> dict[tuple[Any, ...], tuple[int, ...]]:
    days: dict[tuple[Any, ...], tuple[int, ...]] = {}
    for (_, bucket, *rest), values in hours.items():
        cell = ("d", bucket.replace(hour=0), *rest)
        before = days.get(cell, (0,) * len(values))
        days[cell] = tuple(a + b for a, b in zip(before, values, strict=True))
    return days


def _sentence(
    rollup: Table,
    keys: list[str],
    cell: tuple[Any, ...],
    measures: list[str],
    have: tuple[int, ...],
    want: tuple[int, ...],
) -> str:
    grain, bucket, *rest = cell
    when = f"{bucket:%Y-%m-%d}" if grain == "d" else f"{bucket:%Y-%m-%d %H}:00"
    where = ", ".join(f"{k}={v}" for k, v in zip(keys[2:], rest, strict=True))
    stored = ", ".join(f"{m}={v}" for m, v in zip(measures, have, strict=True))
    raw = ", ".join(f"{m}={v}" for m, v in zip(measures, want, strict=True))
    unit = "day" if grain == "d" else "hour"
    return (
        f"{rollup.name}, {unit} {when} UTC ({where}) holds {stored} but the raw rows give "
        f"{raw}; run `journeybot db rebuild-rollups`."
    )
