"""Period expressions (`2026-10`, `2026-Q3`, `2026`, `30d`, `12w`, `ytd`) turned into
half-open [start, end) windows in a timezone, with the previous period to compare against
and the trend buckets a manager expects to see beside the figure.

Calendar boundaries are local midnights built with zoneinfo, so a month that contains a DST
switch is still exactly that month in local time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from metrics.errors import BadPeriod
from metrics.models import Period

ACCEPTED_FORMS = (
    "2026-10 (a calendar month), 2026-Q3 (a quarter), 2026 (a year), "
    "30d / 90d / 12w (trailing days or weeks ending now) or ytd (year to date)"
)
#: Trailing windows up to this long get weekly trend points, longer ones monthly.
WEEKLY_SERIES_MAX_DAYS = 90
MAX_SERIES_POINTS = 13

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_TRAILING = re.compile(r"^(\d{1,4})\s*([dw])$")
_ISO_WEEK = re.compile(r"^\d{4}-?w\d{1,2}$")


@dataclass(frozen=True)
class ResolvedPeriod:
    """The period asked for, the one to compare with, and the trend buckets (oldest first)."""

    current: Period
    previous: Period
    series: list[Period]


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise BadPeriod(
            f"Unknown timezone {name!r}; set KPI_TIMEZONE to an IANA name like Europe/Copenhagen."
        ) from error


def _month_start(year: int, month: int, tz: ZoneInfo) -> datetime:
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    return datetime(year, month, 1, tzinfo=tz)


def _months(start_year: int, start_month: int, count: int, tz: ZoneInfo) -> list[Period]:
    """`count` consecutive calendar months starting at (start_year, start_month)."""
    periods = []
    for i in range(count):
        start = _month_start(start_year, start_month + i, tz)
        end = _month_start(start_year, start_month + i + 1, tz)
        periods.append(Period(start=start, end=end, label=f"{start:%Y-%m}"))
    return periods


def _bad(text: str) -> BadPeriod:
    return BadPeriod(f"I don't understand the period {text!r}; use {ACCEPTED_FORMS}.")


def _same_moment_last_year(moment: datetime) -> datetime:
    try:
        return moment.replace(year=moment.year - 1)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - 1, day=28)


def _clip(buckets: list[Period], now: datetime) -> list[Period]:
    """Drop buckets that have not started yet and end the running one at `now`."""
    clipped = []
    for bucket in buckets:
        if bucket.start >= now:
            continue
        if bucket.end > now:
            bucket = Period(start=bucket.start, end=now, label=bucket.label)
        clipped.append(bucket)
    return clipped


def _weekly(start: datetime, end: datetime) -> list[Period]:
    """7-day buckets ending at `end`, going back to `start` (the oldest may be shorter)."""
    buckets = []
    bucket_end = end
    while bucket_end > start and len(buckets) < MAX_SERIES_POINTS:
        week_before = (bucket_end.astimezone(UTC) - timedelta(days=7)).astimezone(end.tzinfo)
        bucket_start = max(start, week_before)
        buckets.append(Period(start=bucket_start, end=bucket_end, label=f"{bucket_start:%d %b}"))
        bucket_end = bucket_start
    return buckets[::-1]


def _monthly_covering(start: datetime, end: datetime, tz: ZoneInfo) -> list[Period]:
    """The last ≤13 calendar months overlapping [start, end), clipped to it."""
    local_end = (end.astimezone(UTC) - timedelta(microseconds=1)).astimezone(tz)
    months = _months(
        local_end.year, local_end.month - (MAX_SERIES_POINTS - 1), MAX_SERIES_POINTS, tz
    )
    return [
        Period(start=max(m.start, start), end=min(m.end, end), label=m.label)
        for m in months
        if m.end > start
    ]


def resolve_period(
    text: str, *, timezone: str = "UTC", now: datetime | None = None
) -> ResolvedPeriod:
    """Parse a period expression; raises BadPeriod naming the accepted forms.

    Trend buckets: a calendar month shows the 13 months ending with it (so the same month
    last year is visible); a quarter the 12 months ending with it; a year or ytd its months;
    trailing windows up to 90 days weekly points, longer ones monthly. Buckets never reach
    past `now`.
    """
    tz = zone(timezone)
    now = (now or datetime.now(UTC)).astimezone(tz)
    try:
        resolved = _resolve(text, tz, now)
        # Every boundary must also exist in UTC (the engine compares in UTC): year 1 in a
        # timezone east of UTC starts in year 0.
        for period in (resolved.current, resolved.previous, *resolved.series):
            period.start.astimezone(UTC), period.end.astimezone(UTC)
    except (ValueError, OverflowError) as error:  # a year outside 1…9999 somewhere
        raise _bad(text) from error
    return resolved


def _resolve(text: str, tz: ZoneInfo, now: datetime) -> ResolvedPeriod:
    cleaned = (text or "").strip().lower()

    if match := _MONTH.match(cleaned):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise _bad(text)
        current = _months(year, month, 1, tz)[0]
        previous = _months(year, month - 1, 1, tz)[0]
        series = _months(year, month - 12, 13, tz)
    elif match := _QUARTER.match(cleaned):
        year, quarter = int(match[1]), int(match[2])
        first = 3 * (quarter - 1) + 1
        start, end = _month_start(year, first, tz), _month_start(year, first + 3, tz)
        current = Period(start=start, end=end, label=f"{year}-Q{quarter}")
        prev_year, prev_quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        prev_first = 3 * (prev_quarter - 1) + 1
        previous = Period(
            start=_month_start(prev_year, prev_first, tz),
            end=start,
            label=f"{prev_year}-Q{prev_quarter}",
        )
        series = _months(year, first + 3 - 12, 12, tz)
    elif match := _YEAR.match(cleaned):
        year = int(match[1])
        current = Period(
            start=_month_start(year, 1, tz), end=_month_start(year + 1, 1, tz), label=str(year)
        )
        previous = Period(
            start=_month_start(year - 1, 1, tz), end=current.start, label=str(year - 1)
        )
        series = _months(year, 1, 12, tz)
    elif cleaned == "ytd":
        start = _month_start(now.year, 1, tz)
        current = Period(start=start, end=now, label=f"{now.year} to date")
        previous = Period(
            start=_month_start(now.year - 1, 1, tz),
            end=_same_moment_last_year(now),
            label=f"{now.year - 1} to {now:%d %b}",
        )
        series = _months(now.year, 1, now.month, tz)
    elif match := _TRAILING.match(cleaned):
        amount, unit = int(match[1]), match[2]
        days = amount * (7 if unit == "w" else 1)
        if not 1 <= days <= 3660:
            raise _bad(text)
        length = timedelta(days=days)
        word = "weeks" if unit == "w" else "days"
        # Elapsed time, not wall-clock time: subtract in UTC so DST never shifts a window.
        utc_now = now.astimezone(UTC)
        start, before = (utc_now - length).astimezone(tz), (utc_now - 2 * length).astimezone(tz)
        current = Period(start=start, end=now, label=f"last {amount} {word}")
        previous = Period(start=before, end=start, label=f"the {amount} {word} before")
        if days <= WEEKLY_SERIES_MAX_DAYS:
            series = _weekly(current.start, current.end)
        else:
            series = _monthly_covering(current.start, current.end, tz)
    elif _ISO_WEEK.match(cleaned):  # 2026-W48 (and the non-existent 2026-W54, 2026-W00)
        raise BadPeriod(f"ISO weeks such as {text!r} are not a KPI period; use {ACCEPTED_FORMS}.")
    else:
        raise _bad(text)
    return ResolvedPeriod(current=current, previous=previous, series=_clip(series, now))
