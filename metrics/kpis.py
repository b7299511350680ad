"""The KPI engine: resolves the period, asks metrics.planner for the definition's aggregates
over the current period, the previous one and every trend point (one pass per table), and
does the arithmetic the definition declares (metrics.measures). It knows no particular KPI.

By default the planner reads the rollups (cost grows with days); `raw=True` scans the fact
rows instead (cost grows with rows) and is what the rollups are tested against.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError, ProgrammingError

from metrics.errors import DatabaseUnavailable, NoData
from metrics.measures import Measured, evaluate
from metrics.models import BreakdownRow, KpiDefinition, KpiResult, Period, SeriesPoint
from metrics.periods import resolve_period
from metrics.planner import NO_GROUP, measure
from metrics.registry import get_kpi
from metrics.segments import breakdown_column, normalise_segments


def _aggregate(
    conn: Connection,
    definition: KpiDefinition,
    periods: list[Period],
    segments: dict[str, str],
    by: str | None,
    params: dict[str, float],
    raw: bool,
) -> dict[tuple[int, str], Measured]:
    """All groups' values for one measure over the given periods (index = position).

    A period that appears twice (a month is also the trend's last point) is computed once."""
    unique: dict[tuple[datetime, datetime], Period] = {}
    for period in periods:
        unique.setdefault((period.start, period.end), period)
    spans = list(unique)
    positions: dict[int, list[int]] = {}
    for i, period in enumerate(periods):
        positions.setdefault(spans.index((period.start, period.end)), []).append(i)
    distinct = list(unique.values())
    grouped = measure(conn, definition.measure.aggregates, distinct, segments, by, raw=raw)
    out: dict[tuple[int, str], Measured] = {}
    for (u, key), values in grouped.items():
        period = distinct[u]
        days = (period.end.astimezone(UTC) - period.start.astimezone(UTC)).total_seconds() / 86400
        measured = evaluate(definition.measure, values, {**params, "days": days})
        if measured.n == 0:
            continue
        for i in positions[u]:
            out[(i, key)] = measured
    return out


# --- the public entry point ------------------------------------------------------------------


def _describe(segments: dict[str, str]) -> str:
    return "" if not segments else " (" + ", ".join(f"{k}={v}" for k, v in segments.items()) + ")"


def _no_data(definition: KpiDefinition, period: Period, segments: dict[str, str]) -> NoData:
    """'No NPS responses between …'; times are shown when a bound is not a local midnight
    (trailing windows end now), so the user sees the window that was actually searched."""
    start, end = period.start, period.end
    midnights = all(t.hour == t.minute == t.second == t.microsecond == 0 for t in (start, end))
    shown = "%Y-%m-%d" if midnights else "%Y-%m-%d %H:%M"
    advice = "Import data with `journeybot import` or pick another period."
    values = {
        "kpi": definition.name,
        "start": f"{start:{shown}}",
        "end": f"{end:{shown}}",
        "segments": _describe(segments),
    }
    if definition.measure.no_data == "cohort":
        return NoData(
            f"No customers{_describe(segments)} were active on {start:{shown}}, the start of "
            f"the period, so there is no {definition.title.lower()} to measure. {advice}",
            code="no_customers_at_start",
            **values,
        )
    return NoData(
        f"No {definition.sample_unit} between {start:{shown}} and {end:{shown}}"
        f"{_describe(segments)}. {advice}",
        code="no_data",
        **values,
    )


def compute_kpi(
    engine: Engine,
    name: str,
    period: str | None = None,
    *,
    segments: dict[str, str] | None = None,
    by: str | None = None,
    timezone: str = "UTC",
    min_sample: int = 30,
    now: datetime | None = None,
    currency: str = "DKK",
    gross_margin: float = 0.30,
    discount_rate: float = 0.10,
    raw: bool = False,
) -> KpiResult:
    """One KPI for a period (default 30d), compared with the previous period, with its trend
    and an optional breakdown by a customer attribute.

    `raw=True` computes from the fact rows instead of the rollups (same numbers, slower).
    Raises UnknownKpi, BadPeriod, BadSegment, NoData (nothing in the period: not zero) and
    DatabaseUnavailable.
    """
    definition = get_kpi(name, currency)
    resolved = resolve_period(period or "30d", timezone=timezone, now=now)
    filters = normalise_segments(segments)
    by_key = None if by is None else breakdown_column(by).name
    params = {"gross_margin": gross_margin, "discount_rate": discount_rate}
    periods = [resolved.current, resolved.previous, *resolved.series]
    try:
        with engine.connect() as conn:
            values = _aggregate(conn, definition, periods, filters, None, params, raw)
            current = values.get((0, NO_GROUP))
            if current is None or current.value is None or current.n == 0:
                raise _no_data(definition, resolved.current, filters)
            breakdown: list[BreakdownRow] = []
            if by_key is not None:
                grouped = _aggregate(
                    conn, definition, [resolved.current], filters, by_key, params, raw
                )
                breakdown = sorted(
                    (
                        BreakdownRow(key=key, value=m.value, n=m.n, low_sample=m.n < min_sample)
                        for (_, key), m in grouped.items()
                    ),
                    key=lambda row: (-row.n, row.key),
                )
    except (OperationalError, ProgrammingError) as error:
        raise DatabaseUnavailable(
            "The metrics database could not be queried "
            f"({type(error.orig).__name__ if error.orig else 'error'}); check DATABASE_URL "
            "and run `journeybot db upgrade`."
        ) from error

    previous = values.get((1, NO_GROUP))
    previous_value = previous.value if previous and previous.n else None
    series = []
    for i, bucket in enumerate(resolved.series, start=2):
        point = values.get((i, NO_GROUP))
        series.append(
            SeriesPoint(
                start=bucket.start,
                end=bucket.end,
                label=bucket.label,
                value=point.value if point and point.n else None,
                n=point.n if point else 0,
            )
        )
    return KpiResult(
        kpi=definition.name,
        title=definition.title,
        description=definition.description,
        value=current.value,
        unit=definition.unit,
        n=current.n,
        period=resolved.current,
        previous=previous_value,
        delta=None if previous_value is None else current.value - previous_value,
        polarity=definition.polarity,
        series=series,
        breakdown=breakdown,
        low_sample=current.n < min_sample,
        min_sample=min_sample,
        segments=filters,
        extra=current.extra,
    )
