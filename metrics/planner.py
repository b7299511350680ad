"""Turns declared aggregates (metrics.measures) into numbers per period and breakdown key,
knowing nothing about any particular KPI. Two ways, same numbers:

- raw: the fact rows of the periods, scanned once per lane of non-overlapping periods and
  grouped by the period they fall in (cost grows with rows);
- rollup: the periods cut at every boundary into disjoint segments; each segment covered by
  whole UTC days and hours from the rollup tables, and any sub-hour edge (a trailing window
  ends "now") from the raw rows, so the result is exact for any timezone, DST included
  (cost grows with days). Distinct counts and percentiles always come from raw rows.

Cohorts (customers active at a moment) become prefix sums of two event streams: active at t
= signed up before t − churned before t (churned_at ≥ signed_up_at is a table constraint).
Money is summed in exact cents on both paths, so rollup and raw agree to the last bit.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Integer,
    String,
    and_,
    case,
    func,
    literal,
    not_,
    or_,
    select,
    union_all,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql.util import find_tables

from metrics import dialect as sql
from metrics.measures import Aggregate, Where
from metrics.models import Period
from metrics.schema import NEWCOMER_DAYS, customers
from metrics.segments import SEGMENT_COLUMNS, segment_conditions
from metrics.semantic import CHURNS, FACTS, SIGNUPS, Fact

NO_GROUP = ""
NONE_KEY = "(none)"
#: Hours are rounded to this many decimals: SQLite's julianday arithmetic gives
#: 5.00000000372529 where PostgreSQL gives 5.0, and the JSON should not depend on the backend.
HOURS_DECIMALS = 6
#: The start of time, for "before t" sums.
BEGINNING = datetime(1, 1, 2, tzinfo=UTC)
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
#: The longest period read from the newcomers rollup: a quarter and a DST hour, a day of
#: margin below what the rollup holds (its age test is float arithmetic on SQLite).
NEWCOMERS_HORIZON = timedelta(days=NEWCOMER_DAYS - 1)

Values = dict[str, float]
#: (period index, breakdown key) → aggregate name → value
Grouped = dict[tuple[int, str], Values]


def measure(
    conn: Connection,
    aggregates: list[Aggregate],
    periods: list[Period],
    segments: dict[str, str],
    by: str | None,
    *,
    raw: bool,
) -> Grouped:
    """Every aggregate for every period (index = position) and breakdown key."""
    out: Grouped = defaultdict(dict)
    by_table: dict[str, list[Aggregate]] = defaultdict(list)
    for aggregate in aggregates:
        by_table[aggregate.table].append(aggregate)
    query = _Query(conn, periods, segments, by)
    for table, wanted in by_table.items():
        parts: list[Grouped] = []
        if table == customers.name and raw:
            parts.append(query.cohorts_raw(wanted))
        elif table == customers.name:
            with sql.serial(conn):
                parts.append(query.cohorts_rolled(wanted))
        else:
            fact = FACTS[table]
            quantiles = [a for a in wanted if a.agg == "percentile"]
            rolled = [a for a in wanted if not raw and _rollup_answers(fact, a)]
            rest = [a for a in wanted if a not in quantiles and a not in rolled]
            if quantiles:
                parts.append(query.percentiles(fact, quantiles))
            if rolled:
                parts.append(query.rolled(fact, rolled))
            if rest:
                parts.append(query.raw(fact, rest))
        for part in parts:
            for key, values in part.items():
                out[key].update(values)
    return dict(out)


def _rollup_answers(fact: Fact, aggregate: Aggregate) -> bool:
    """Whether the fact's rollup holds what the aggregate needs (Cube's "matching")."""
    if fact.rollup is None or aggregate.agg not in ("count", "sum"):
        return False
    if aggregate.agg == "sum" and aggregate.column not in fact.money:
        return False
    if aggregate.existing_customers and "before_signup" not in fact.rollup.c:
        return False
    return all(w.dimension in fact.rollup.c for w in aggregate.where)


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}


def _condition(fact: Fact, where: list[Where]) -> ColumnElement[bool] | None:
    conditions = []
    for w in where:
        column = fact.dimensions[w.dimension]
        if isinstance(w.value, bool) and w.op in ("==", "!="):
            conditions.append(column if (w.value == (w.op == "==")) else not_(column))
        else:
            conditions.append(_OPS[w.op](column, w.value))
    return and_(*conditions) if conditions else None


def _holds(where: list[Where], dims: dict[str, Any]) -> bool:
    return all(_OPS[w.op](dims[w.dimension], w.value) for w in where)


def _key(value: object) -> str:
    return NONE_KEY if value is None else str(value)


def _ranges(rows: list[tuple[Any, ...]], names: tuple[str, ...]) -> CTE:
    """A tiny literal relation, e.g. (j, lo, hi) per range to read."""
    selects = [
        select(
            *(
                (
                    literal(v, Integer)
                    if isinstance(v, int)
                    else literal(v, String())
                    if isinstance(v, str)
                    else sql.utc(v)
                ).label(name)
                for v, name in zip(row, names, strict=True)
            )
        )
        for row in rows
    ]
    return (selects[0] if len(selects) == 1 else union_all(*selects)).cte("ranges")


def _floor(moment: datetime, step: timedelta) -> datetime:
    moment = moment.astimezone(UTC)
    return moment - ((moment - BEGINNING) % step)


def _ceil(moment: datetime, step: timedelta) -> datetime:
    floor = _floor(moment, step)
    return floor if floor == moment else floor + step


def cover(start: datetime, end: datetime) -> list[tuple[str, datetime, datetime]]:
    """[start, end) as disjoint pieces: ('d', …) whole UTC days, ('h', …) whole UTC hours,
    ('raw', …) what is left at either edge when a bound is not on the hour."""
    first_hour, last_hour = _ceil(start, HOUR), _floor(end, HOUR)
    if first_hour >= last_hour:
        return [("raw", start, end)]
    pieces = [("raw", start, first_hour)] if start < first_hour else []
    first_day, last_day = _ceil(first_hour, DAY), _floor(last_hour, DAY)
    if first_day < last_day:
        if first_hour < first_day:
            pieces.append(("h", first_hour, first_day))
        pieces.append(("d", first_day, last_day))
        if last_day < last_hour:
            pieces.append(("h", last_day, last_hour))
    else:
        pieces.append(("h", first_hour, last_hour))
    if last_hour < end:
        pieces.append(("raw", last_hour, end))
    return pieces


Span = tuple[datetime | None, datetime]  # None: from the beginning
#: span index → breakdown key → dimension values → [n, money sums…]
Slices = dict[int, dict[str, dict[tuple[Any, ...], list[int]]]]


class _Query:
    """One compute call's periods, filters and breakdown, shared by every aggregate."""

    def __init__(
        self,
        conn: Connection,
        periods: list[Period],
        segments: dict[str, str],
        by: str | None,
    ) -> None:
        self.conn = conn
        self.dialect = conn.dialect.name
        self.periods = periods
        self.spans = [(p.start.astimezone(UTC), p.end.astimezone(UTC)) for p in periods]
        self.segments = segments
        self.by = by

    # --- raw rows ----------------------------------------------------------------------

    def _customer_group(self) -> ColumnElement | None:
        return None if self.by is None else SEGMENT_COLUMNS[self.by]

    def _run(self, query: Any, names: Iterable[str]) -> Grouped:  # noqa: ANN401
        out: Grouped = {}
        for row in self.conn.execute(query).mappings():
            key = NO_GROUP if self.by is None else _key(row["key"])
            values = out.setdefault((int(row["idx"]), key), {})
            for name in names:
                values[name] = values.get(name, 0.0) + float(row[name] or 0)
        return out

    def raw(self, fact: Fact, aggregates: list[Aggregate]) -> Grouped:
        """Per lane: SELECT bucket AS idx[, key], aggregates… FROM fact [⋈ customers] WHERE
        time in the lane's span GROUP BY idx[, key]; the lanes UNION ALL'd.

        One range scan per lane instead of a join of every row with every bucket: at 1M rows
        and 15 buckets the join cost 0.6–1.3 s on PostgreSQL (benchmarks/kpi.py)."""
        group = self._customer_group()
        joined = (
            bool(self.segments)
            or group is not None
            or any(
                a.existing_customers
                or any(customers in find_tables(fact.dimensions[w.dimension]) for w in a.where)
                for a in aggregates
            )
        )
        selects = []
        for lane in _lanes(self.spans):
            idx, bounds, inside = sql.bucket_of(
                fact.time_column, [self.spans[i] for i in lane], lane, self.dialect
            )
            source: Any = fact.table
            if joined:
                source = source.join(customers, customers.c.customer_id == fact.table.c.customer_id)
            columns = [idx.label("idx"), *(self._raw_column(fact, a, bounds) for a in aggregates)]
            keys: list[Any] = [idx]
            if group is not None:
                columns.append(group.label("key"))
                keys.append(group)
            selects.append(
                select(*columns)
                .select_from(source)
                .where(inside, *segment_conditions(self.segments))
                .group_by(*keys)
            )
        query = selects[0] if len(selects) == 1 else union_all(*selects)
        out = self._run(query, [a.name for a in aggregates])
        return _from_cents(fact, aggregates, out)

    def _raw_column(self, fact: Fact, a: Aggregate, bounds: sql.Bounds) -> ColumnElement:
        condition = _condition(fact, a.where)
        if a.existing_customers:
            existing = customers.c.signed_up_at < bounds.c.b_start
            condition = existing if condition is None else and_(condition, existing)
        if a.agg == "count":
            if condition is None:
                return func.count().label(a.name)
            return func.sum(case((condition, 1), else_=0)).label(a.name)
        column = fact.table.c[a.column]
        if a.agg == "count_distinct":
            counted = column if condition is None else case((condition, column))
            return func.count(counted.distinct()).label(a.name)
        summed = sql.cents(column) if a.column in fact.money else column
        if condition is not None:
            summed = case((condition, summed), else_=0)
        return func.sum(summed).label(a.name)

    def percentiles(self, fact: Fact, aggregates: list[Aggregate]) -> Grouped:
        """Each named quantile of the hours from `hours_since` to the time column, from the
        raw rows of each period (rounded to HOURS_DECIMALS)."""
        out: Grouped = {}
        for since in {a.hours_since for a in aggregates}:
            chosen = [a for a in aggregates if a.hours_since == since]
            buckets = _ranges(
                [(i, s, e) for i, (s, e) in enumerate(self.spans)], ("idx", "lo", "hi")
            )
            time = fact.time_column
            source: Any = fact.table.join(buckets, and_(time >= buckets.c.lo, time < buckets.c.hi))
            group = self._customer_group()
            if self.segments or group is not None:
                source = source.join(customers, customers.c.customer_id == fact.table.c.customer_id)
            keys = [buckets.c.idx] + ([group] if group is not None else [])
            conditions = [c for a in chosen if (c := _condition(fact, a.where)) is not None]
            query = sql.percentiles(
                source,
                sql.hours_between(fact.table.c[since], time, self.dialect),
                {a.name: a.p or 0.0 for a in chosen},
                keys,
                [*segment_conditions(self.segments), *conditions],
                self.dialect,
            )
            for row in self.conn.execute(query).mappings():
                key = NO_GROUP if group is None else _key(row["k1"])
                values = out.setdefault((int(row["k0"]), key), {})
                for a in chosen:
                    values[a.name] = round(float(row[a.name] or 0.0), HOURS_DECIMALS)
        return out

    def cohorts_raw(self, aggregates: list[Aggregate]) -> Grouped:
        """Cohort counts over customers: one scan with a count column per period and
        aggregate (customers are few; joining each with every bucket cost 0.4 s at 100k on
        PostgreSQL)."""
        columns: list[Any] = []
        names: list[tuple[int, str]] = []
        for i, (start, end) in enumerate(self.spans):
            for a in aggregates:
                condition = _cohort_condition(a.cohort, sql.utc(start), sql.utc(end))
                columns.append(func.sum(case((condition, 1), else_=0)).label(f"{a.name}_{i}"))
                names.append((i, a.name))
        query = select(*columns).select_from(customers).where(*segment_conditions(self.segments))
        group = self._customer_group()
        if group is not None:
            query = query.add_columns(group.label("key")).group_by(group)
        result: Grouped = {}
        for row in self.conn.execute(query).mappings():
            key = NO_GROUP if group is None else _key(row["key"])
            for i, name in names:
                result.setdefault((i, key), {})[name] = float(row[f"{name}_{i}"] or 0)
        return {k: v for k, v in result.items() if any(v.values())}

    # --- rollups -------------------------------------------------------------------------

    def rolled(self, fact: Fact, aggregates: list[Aggregate]) -> Grouped:
        """Counts and sums from the fact's rollup; existing-customer sums as the rows not
        placed before sign-up minus those of customers who signed up during the period."""
        rollup = fact.rollup
        assert rollup is not None
        dims = [c.name for c in rollup.c if c.name in fact.dimensions]
        slices = self._slices(fact, dims, self.spans)
        newcomers: Grouped = {}
        if any(a.existing_customers for a in aggregates):
            with sql.serial(self.conn):
                newcomers = self._newcomers(fact, [a for a in aggregates if a.existing_customers])
        out: Grouped = {}
        for i, keyed in slices.items():
            for key, cells in keyed.items():
                values = out.setdefault((i, key), {})
                for a in aggregates:
                    total = 0
                    for dim_values, sums in cells.items():
                        row = dict(zip(dims, dim_values, strict=True))
                        if not _holds(a.where, row):
                            continue
                        if a.existing_customers and row["before_signup"]:
                            continue
                        total += (
                            sums[0] if a.agg == "count" else sums[1 + fact.money.index(a.column)]
                        )
                    values[a.name] = float(total)
        for (i, key), values in newcomers.items():
            target = out.setdefault((i, key), {a.name: 0.0 for a in aggregates})
            for name, value in values.items():
                target[name] = target.get(name, 0.0) - value
        return _from_cents(fact, aggregates, out)

    def _newcomers(self, fact: Fact, aggregates: list[Aggregate]) -> Grouped:
        """Per period: the sums over rows of customers who signed up during the period, at
        or before the row. From the newcomers rollup when the period is whole hours and
        shorter than its horizon, else from the raw rows (only new customers are read)."""
        fast = [
            i
            for i, (s, e) in enumerate(self.spans)
            if fact.newcomers is not None
            and not any(a.where for a in aggregates)
            and s == _floor(s, HOUR)
            and e == _floor(e, HOUR)
            and e - s <= NEWCOMERS_HORIZON
        ]
        slow = [i for i in range(len(self.spans)) if i not in fast]
        out: Grouped = {}
        if fast:
            out.update(self._newcomers_rolled(fact, aggregates, fast))
        if slow:
            out.update(self._newcomers_raw(fact, aggregates, slow))
        return out

    def _newcomers_rolled(
        self, fact: Fact, aggregates: list[Aggregate], indexes: list[int]
    ) -> Grouped:
        table = fact.newcomers
        assert table is not None
        periods = _ranges([(i, *self.spans[i]) for i in indexes], ("idx", "lo", "hi"))
        source = periods.join(
            table,
            and_(
                table.c.signed_up >= periods.c.lo,
                table.c.signed_up < periods.c.hi,
                table.c.bucket < periods.c.hi,
            ),
        )
        columns = [func.sum(table.c[f"{a.column}_cents"]).label(a.name) for a in aggregates]
        filters = [func.lower(table.c[k]) == v.lower() for k, v in self.segments.items()]
        keys: list[Any] = [periods.c.idx]
        selected: list[Any] = [periods.c.idx.label("idx"), *columns]
        if self.by is not None:
            keys.append(table.c[self.by])
            selected.append(table.c[self.by].label("key"))
        query = select(*selected).select_from(source).where(*filters).group_by(*keys)
        return self._run(query, [a.name for a in aggregates])

    def _newcomers_raw(
        self, fact: Fact, aggregates: list[Aggregate], indexes: list[int]
    ) -> Grouped:
        periods = _ranges([(i, *self.spans[i]) for i in indexes], ("idx", "lo", "hi"))
        time = fact.time_column
        signed_up = customers.c.signed_up_at
        source = periods.join(
            customers, and_(signed_up >= periods.c.lo, signed_up < periods.c.hi)
        ).join(
            fact.table,
            and_(
                fact.table.c.customer_id == customers.c.customer_id,
                time >= signed_up,
                time < periods.c.hi,
            ),
        )
        columns = []
        for a in aggregates:
            summed = sql.cents(fact.table.c[a.column])
            condition = _condition(fact, a.where)
            if condition is not None:
                summed = case((condition, summed), else_=0)
            columns.append(func.sum(summed).label(a.name))
        group = self._customer_group()
        keys: list[Any] = [periods.c.idx]
        selected: list[Any] = [periods.c.idx.label("idx"), *columns]
        if group is not None:
            keys.append(group)
            selected.append(group.label("key"))
        query = (
            select(*selected)
            .select_from(source)
            .where(*segment_conditions(self.segments))
            .group_by(*keys)
        )
        return self._run(query, [a.name for a in aggregates])

    def cohorts_rolled(self, aggregates: list[Aggregate]) -> Grouped:
        """at start S: sign-ups before S − churns before S; churned during [S, E): churns in
        [S, E) − customers who both signed up and churned in it; active during [S, E):
        sign-ups before E − churns before S."""
        kinds = {a.cohort for a in aggregates}
        n = len(self.spans)
        signup_spans: list[Span] = [(None, s) for s, _ in self.spans]
        churn_spans: list[Span] = [(None, s) for s, _ in self.spans] + list(self.spans)
        if "active_during" in kinds:
            signup_spans += [(None, e) for _, e in self.spans]
        signups = self._slices(SIGNUPS, [], signup_spans)
        churns = self._slices(CHURNS, [], churn_spans)
        brief = self._short_lived() if "churned_during" in kinds else {}

        def count(slices: Slices, span: int, key: str) -> float:
            return float(sum(sums[0] for sums in slices.get(span, {}).get(key, {}).values()))

        keys = {key for part in (signups, churns) for keyed in part.values() for key in keyed}
        keys |= {key for _, key in brief}
        out: Grouped = {}
        for i in range(n):
            for key in keys:
                before_start = count(signups, i, key) - count(churns, i, key)
                values: Values = {}
                for a in aggregates:
                    if a.cohort == "active_at_start":
                        values[a.name] = before_start
                    elif a.cohort == "churned_during":
                        values[a.name] = count(churns, n + i, key) - brief.get((i, key), 0.0)
                    else:
                        values[a.name] = count(signups, n + i, key) - count(churns, i, key)
                if any(values.values()):
                    out[(i, key)] = values
        return out

    def _short_lived(self) -> dict[tuple[int, str], float]:
        """Per period: customers who signed up and churned within it (raw; new ones only)."""
        periods = _ranges([(i, s, e) for i, (s, e) in enumerate(self.spans)], ("idx", "lo", "hi"))
        signed_up = customers.c.signed_up_at
        source = periods.join(customers, and_(signed_up >= periods.c.lo, signed_up < periods.c.hi))
        group = self._customer_group()
        keys: list[Any] = [periods.c.idx]
        selected: list[Any] = [periods.c.idx.label("idx"), func.count().label("n")]
        if group is not None:
            keys.append(group)
            selected.append(group.label("key"))
        query = (
            select(*selected)
            .select_from(source)
            .where(customers.c.churned_at < periods.c.hi, *segment_conditions(self.segments))
            .group_by(*keys)
        )
        return {k: v["n"] for k, v in self._run(query, ["n"]).items()}

    def _slices(self, fact: Fact, dims: list[str], spans: list[Span]) -> Slices:
        """For each span: per breakdown key and dimension values, [n, money cents…]; read
        from whole rollup days and hours, sub-hour edges from the raw rows."""
        bounds = sorted({b for s, e in spans for b in (s, e) if b is not None})
        if any(s is None for s, _ in spans):
            bounds.insert(0, BEGINNING)
        pieces: list[tuple[int, str, datetime, datetime]] = []
        members: dict[int, list[int]] = {}
        for j, (lo, hi) in enumerate(zip(bounds, bounds[1:], strict=False)):
            inside = [i for i, (s, e) in enumerate(spans) if (s is None or s <= lo) and hi <= e]
            if inside:
                members[j] = inside
                pieces += [(j, kind, a, b) for kind, a, b in cover(lo, hi)]
        queries = []
        rolled = [(j, kind, a, b) for j, kind, a, b in pieces if kind != "raw"]
        if rolled:
            queries.append(self._rollup_select(fact, dims, rolled))
        edges = [(j, a, b) for j, kind, a, b in pieces if kind == "raw"]
        if edges:
            queries.append(self._edge_select(fact, dims, edges))
        slices: Slices = {}
        width = 1 + len(fact.money)
        for query in queries:
            for row in self.conn.execute(query):
                j, key, dim_values, sums = (
                    row[0],
                    row[1],
                    tuple(row[2 : 2 + len(dims)]),
                    row[2 + len(dims) :],
                )
                key = NO_GROUP if self.by is None else _key(key)
                for i in members[j]:
                    cell = (
                        slices.setdefault(i, {})
                        .setdefault(key, {})
                        .setdefault(dim_values, [0] * width)
                    )
                    for k, value in enumerate(sums):
                        cell[k] += int(value or 0)
        return slices

    def _rollup_select(
        self, fact: Fact, dims: list[str], pieces: list[tuple[int, str, datetime, datetime]]
    ) -> Any:  # noqa: ANN401
        rollup = fact.rollup
        assert rollup is not None
        ranges = _ranges(pieces, ("j", "grain", "lo", "hi"))
        key = rollup.c[self.by] if self.by else literal(NO_GROUP)
        dim_columns = [rollup.c[d] for d in dims]
        filters = [func.lower(rollup.c[k]) == v.lower() for k, v in self.segments.items()]
        return (
            select(
                ranges.c.j,
                key,
                *dim_columns,
                func.sum(rollup.c.n),
                *(func.sum(rollup.c[f"{m}_cents"]) for m in fact.money),
            )
            .select_from(
                ranges.join(
                    rollup,
                    and_(
                        rollup.c.grain == ranges.c.grain,
                        rollup.c.bucket >= ranges.c.lo,
                        rollup.c.bucket < ranges.c.hi,
                    ),
                )
            )
            .where(*filters)
            .group_by(ranges.c.j, *([key] if self.by else []), *dim_columns)
        )

    def _edge_select(
        self, fact: Fact, dims: list[str], edges: list[tuple[int, datetime, datetime]]
    ) -> Any:  # noqa: ANN401
        ranges = _ranges(edges, ("j", "lo", "hi"))
        time = fact.time_column
        source: Any = ranges.join(fact.table, and_(time >= ranges.c.lo, time < ranges.c.hi))
        if not fact.is_customers:
            source = source.join(customers, customers.c.customer_id == fact.table.c.customer_id)
        group = self._customer_group()
        key = group if group is not None else literal(NO_GROUP)
        dim_columns = [fact.dimensions[d] for d in dims]
        return (
            select(
                ranges.c.j,
                key,
                *dim_columns,
                func.count(),
                *(func.sum(sql.cents(fact.table.c[m])) for m in fact.money),
            )
            .select_from(source)
            .where(*segment_conditions(self.segments))
            .group_by(ranges.c.j, *([key] if group is not None else []), *dim_columns)
        )


def _cohort_condition(kind: str | None, start: ColumnElement, end: ColumnElement) -> Any:  # noqa: ANN401
    signed_up, churned = customers.c.signed_up_at, customers.c.churned_at
    active_at_start = and_(signed_up < start, or_(churned.is_(None), churned >= start))
    if kind == "active_at_start":
        return active_at_start
    if kind == "churned_during":  # those acquired during the period are not counted
        return and_(active_at_start, churned < end)
    return and_(signed_up < end, or_(churned.is_(None), churned >= start))


def _from_cents(fact: Fact, aggregates: list[Aggregate], grouped: Grouped) -> Grouped:
    money = [a.name for a in aggregates if a.agg == "sum" and a.column in fact.money]
    for values in grouped.values():
        for name in money:
            if name in values:
                values[name] = values[name] / 100
    return grouped


def _lanes(spans: list[tuple[datetime, datetime]]) -> list[list[int]]:
    """Period indexes split into lanes whose periods do not overlap (the trend's months in
    one, a quarter and its previous quarter in another), so that every fact row belongs to
    at most one bucket per lane and one scan per lane suffices."""
    lanes: list[list[int]] = []
    for i in sorted(range(len(spans)), key=lambda i: spans[i][0]):
        for lane in lanes:
            if all(spans[j][1] <= spans[i][0] or spans[i][1] <= spans[j][0] for j in lane):
                lane.append(i)
                break
        else:
            lanes.append([i])
    return lanes
