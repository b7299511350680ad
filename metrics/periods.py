"""Period expressions turned into half-open [start, end) windows in a timezone, with the
period to compare against and the trend buckets a manager expects to see beside the figure.

Forms: calendar (`2026-10`, `2026-Q3`, `Q3`, `2026`, `2026-W48`), named (`last-month`,
`this-quarter`, …), to date (`mtd`, `qtd`, `ytd`), trailing (`30d`, `12w`) and day ranges
(`2026-09-15..2026-10-15`, both days included). An expression may end with `compare=yoy`
(the same period last year) or `compare=previous` (the period before, the default).

The comparison period is itself a period expression read at a moment (a PeriodQuery): the
previous period of `30d` is `30d` thirty days ago, of `2026-10` it is `2026-09`. So the
comparison window is exactly what `compute_kpi` computes for that query, which is how the
"why did it move" decomposition fetches it again.

Calendar boundaries are local midnights built with zoneinfo, so a month that contains a DST
switch is still exactly that month in local time; trailing windows are elapsed time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from metrics.errors import BadPeriod
from metrics.models import Period, Wording

#: A label in English and as data, for a compared period named in words ("the 30 days before").
Label = tuple[str, Wording]

ACCEPTED_FORMS = (
    "2026-10 (a calendar month), 2026-Q3 or Q3 (a quarter), 2026 (a year), 2026-W48 (an ISO "
    "week), 2026-09-15..2026-10-15 (days, both included), last-month, this-month, "
    "last-quarter, this-quarter, last-year, mtd / qtd (month or quarter to date), "
    "30d / 90d / 12w (trailing days or weeks ending now) or ytd (year to date)"
)
Comparison = Literal["previous", "yoy"]
COMPARISONS: dict[str, str] = {"previous": "previous period", "yoy": "same period last year"}
#: Trailing windows and day ranges up to this long get weekly trend points, longer ones monthly.
WEEKLY_SERIES_MAX_DAYS = 90
MAX_SERIES_POINTS = 13
MAX_DAYS = 3660

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?q([1-4])$")
_BARE_QUARTER = re.compile(r"^q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_TRAILING = re.compile(r"^(\d{1,4})\s*([dw])$")
_ISO_WEEK = re.compile(r"^(\d{4})-?w(\d{1,2})$")
_DAY = r"(\d{4})-(\d{1,2})-(\d{1,2})"
_RANGE = re.compile(rf"^{_DAY}\s*\.\.\s*{_DAY}$")
_COMPARE = re.compile(r"(?:^|\s)compare=(\S*)\s*$")
_NAMED = {
    "last-month",
    "this-month",
    "last-quarter",
    "this-quarter",
    "last-year",
    "this-year",
}


@dataclass(frozen=True)
class PeriodQuery:
    """A period expression and the moment it is read at: enough to ask for the same window
    again (`compute_kpi(engine, kpi, query.text, now=query.now)`)."""

    text: str
    now: datetime


@dataclass(frozen=True)
class ResolvedPeriod:
    """The period asked for, the one to compare with, and the trend buckets (oldest first).

    `current.comparison` names what `previous` is ("previous period (2026-09)"), so every
    reader says the comparison that was actually computed."""

    current: Period
    previous: Period
    series: list[Period]
    compare: Comparison = "previous"
    previous_query: PeriodQuery | None = None


@dataclass(frozen=True)
class _Form:
    """One parsed expression: its window, trend, and the query (and label) of each comparison."""

    current: Period
    series: list[Period]
    previous: tuple[PeriodQuery, Label | None]
    yoy: tuple[PeriodQuery, Label | None]


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise BadPeriod(
            f"Unknown timezone {name!r}; set KPI_TIMEZONE to an IANA name like Europe/Copenhagen."
        ) from error


def period_expression(period: str, compare: str | None) -> str:
    """The period text with its comparison, the one string compute_kpi takes:
    ("ytd", "yoy") → "ytd compare=yoy"."""
    return period if not compare else f"{period} compare={compare}"


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
    return BadPeriod(
        f"I don't understand the period {text!r}; use {ACCEPTED_FORMS}.",
        code="bad_period",
        text=repr(text),
        forms=ACCEPTED_FORMS,
    )


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def _shift_months(moment: datetime, months: int) -> datetime:
    """The same wall-clock moment `months` later (earlier if negative); a day the target month
    lacks becomes its last day (31 March − 1 month = 28/29 February; 29 February − 12 months
    = 28 February)."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return moment.replace(year=year, month=month, day=min(moment.day, _days_in_month(year, month)))


def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=tz)


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


def _trend(start: datetime, end: datetime, tz: ZoneInfo) -> list[Period]:
    """Weekly points for a span up to 90 days, monthly ones beyond."""
    days = (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() / 86400
    if days <= WEEKLY_SERIES_MAX_DAYS:
        return _weekly(start, end)
    return _monthly_covering(start, end, tz)


def _split_comparison(text: str, compare: str | None) -> tuple[str, Comparison]:
    """`ytd compare=yoy` → ("ytd", "yoy"); the keyword and the text must not disagree."""
    cleaned = (text or "").strip().lower()
    asked = None
    if match := _COMPARE.search(cleaned):
        asked, cleaned = match[1], cleaned[: match.start()].strip()
    chosen = asked or (compare or "previous").strip().lower()
    if chosen not in COMPARISONS or (asked and compare and asked != compare.strip().lower()):
        shown = asked if chosen not in COMPARISONS else f"{compare} and {asked}"
        raise BadPeriod(
            "Compare with `previous` (the period before) or `yoy` (the same period last "
            f"year), not {shown!r}.",
            code="bad_comparison",
            shown=repr(shown),
        )
    return cleaned, chosen  # type: ignore[return-value]


def resolve_period(
    text: str,
    *,
    timezone: str = "UTC",
    now: datetime | None = None,
    compare: str | None = None,
) -> ResolvedPeriod:
    """Parse a period expression; raises BadPeriod naming the accepted forms.

    `compare` (or a trailing `compare=…` in the text): "previous" (default) or "yoy".
    Trend buckets: a month (or mtd) shows the 13 months ending with it (so the same month
    last year is visible); a quarter (or qtd) the 12 months ending with it; a year or ytd its
    months; an ISO week the 13 weeks ending with it; trailing windows and day ranges up to
    90 days weekly points, longer ones monthly. Buckets never reach past `now`.
    """
    tz = zone(timezone)
    now = (now or datetime.now(UTC)).astimezone(tz)
    expression, comparison = _split_comparison(text, compare)
    try:
        form = _resolve(expression, text, tz, now)
        query, label = form.yoy if comparison == "yoy" else form.previous
        previous = _resolve(query.text, query.text, tz, query.now.astimezone(tz)).current
        if label:
            previous = previous.model_copy(update={"label": label[0], "wording": label[1]})
        year_before = _resolve(form.yoy[0].text, form.yoy[0].text, tz, form.yoy[0].now).current
        same_as_last_year = (previous.start, previous.end) == (year_before.start, year_before.end)
        compared_with = "yoy" if same_as_last_year else comparison
        current = form.current.model_copy(
            update={
                "comparison": f"{COMPARISONS[compared_with]} ({previous.label})",
                "compared_with": compared_with,
                "previous_label": previous.label,
                "previous_wording": previous.wording,
            }
        )
        series = _clip(form.series, now)
        # Every boundary must also exist in UTC (the engine compares in UTC): year 1 in a
        # timezone east of UTC starts in year 0.
        for period in (current, previous, *series):
            period.start.astimezone(UTC), period.end.astimezone(UTC)
    except (ValueError, OverflowError) as error:  # a year outside 1…9999 somewhere
        raise _bad(text) from error
    return ResolvedPeriod(
        current=current,
        previous=previous,
        series=series,
        compare=comparison,
        previous_query=query,
    )


def _resolve(cleaned: str, text: str, tz: ZoneInfo, now: datetime) -> _Form:
    cleaned = re.sub(r"[\s_]+", "-", cleaned.strip().lower())
    if cleaned in _NAMED:
        return _resolve(_named(cleaned, now, tz), text, tz, now)
    if match := _BARE_QUARTER.match(cleaned):
        return _resolve(_latest_ended_quarter(int(match[1]), now, tz), text, tz, now)
    if match := _MONTH.match(cleaned):
        return _month(int(match[1]), int(match[2]), text, tz, now)
    if match := _QUARTER.match(cleaned):
        return _quarter(int(match[1]), int(match[2]), tz, now)
    if match := _YEAR.match(cleaned):
        return _year(int(match[1]), tz, now)
    if match := _ISO_WEEK.match(cleaned):
        return _iso_week(int(match[1]), int(match[2]), text, tz, now)
    if match := _RANGE.match(cleaned):
        first = _date(match[1], match[2], match[3], text)
        last = _date(match[4], match[5], match[6], text)
        return _day_range(first, last, text, tz, now)
    if cleaned in ("mtd", "qtd", "ytd"):
        return _to_date(cleaned, tz, now)
    if match := _TRAILING.match(cleaned):
        return _trailing(int(match[1]), match[2], text, tz, now)
    raise _bad(text)


# --- calendar periods ------------------------------------------------------------------------


def _named(name: str, now: datetime, tz: ZoneInfo) -> str:
    """`last-month` → the calendar expression it means at `now` ("2026-10")."""
    quarter = (now.month - 1) // 3 + 1
    if name == "this-month":
        return f"{now:%Y-%m}"
    if name == "last-month":
        return f"{_month_start(now.year, now.month - 1, tz):%Y-%m}"
    if name == "this-quarter":
        return f"{now.year}-Q{quarter}"
    if name == "last-quarter":
        return f"{now.year}-Q{quarter - 1}" if quarter > 1 else f"{now.year - 1}-Q4"
    if name == "this-year":
        return str(now.year)
    return str(now.year - 1)  # last-year


def _latest_ended_quarter(quarter: int, now: datetime, tz: ZoneInfo) -> str:
    """`Q3` without a year: the latest Q3 that has ended by `now`."""
    year = now.year
    if _month_start(year, 3 * quarter + 1, tz) > now:
        year -= 1
    return f"{year}-Q{quarter}"


def _month(year: int, month: int, text: str, tz: ZoneInfo, now: datetime) -> _Form:
    if not 1 <= month <= 12:
        raise _bad(text)
    before = _month_start(year, month - 1, tz)
    return _Form(
        current=_months(year, month, 1, tz)[0],
        series=_months(year, month - 12, 13, tz),
        previous=(PeriodQuery(f"{before:%Y-%m}", now), None),
        yoy=(PeriodQuery(f"{year - 1:04d}-{month:02d}", now), None),
    )


def _quarter(year: int, quarter: int, tz: ZoneInfo, now: datetime) -> _Form:
    first = 3 * (quarter - 1) + 1
    start, end = _month_start(year, first, tz), _month_start(year, first + 3, tz)
    prev_year, prev_quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return _Form(
        current=Period(start=start, end=end, label=f"{year}-Q{quarter}"),
        series=_months(year, first + 3 - 12, 12, tz),
        previous=(PeriodQuery(f"{prev_year:04d}-Q{prev_quarter}", now), None),
        yoy=(PeriodQuery(f"{year - 1:04d}-Q{quarter}", now), None),
    )


def _year(year: int, tz: ZoneInfo, now: datetime) -> _Form:
    last_year = (PeriodQuery(f"{year - 1:04d}", now), None)
    return _Form(
        current=Period(
            start=_month_start(year, 1, tz), end=_month_start(year + 1, 1, tz), label=str(year)
        ),
        series=_months(year, 1, 12, tz),
        previous=last_year,
        yoy=last_year,
    )


def iso_weeks_in(year: int) -> int:
    """52 or 53: 28 December is always in a year's last ISO week."""
    return date(year, 12, 28).isocalendar().week


def _iso_week(year: int, week: int, text: str, tz: ZoneInfo, now: datetime) -> _Form:
    if year < 1:
        raise BadPeriod(f"{text.strip()} does not exist: there is no year 0000.")
    weeks = iso_weeks_in(year)
    if not 1 <= week <= weeks:
        raise BadPeriod(
            f"{year}-W{week:02d} does not exist: {year} has {weeks} ISO weeks (W01–W{weeks}).",
            code="no_such_week",
            week=f"{year}-W{week:02d}",
            year=str(year),
            weeks=weeks,
        )
    monday = date.fromisocalendar(year, week, 1)
    series = []
    for back in range(MAX_SERIES_POINTS - 1, -1, -1):
        day = monday - timedelta(weeks=back)
        y, w, _ = day.isocalendar()
        series.append(
            Period(
                start=_local_midnight(day, tz),
                end=_local_midnight(day + timedelta(days=7), tz),
                label=f"{y}-W{w:02d}",
            )
        )
    # Last year's week with the same number; a W53 last year lacks compares with its W52.
    same_week = min(week, iso_weeks_in(year - 1))
    return _Form(
        current=series[-1],
        series=series,
        previous=(PeriodQuery(series[-2].label, now), None),
        yoy=(PeriodQuery(f"{year - 1:04d}-W{same_week:02d}", now), None),
    )


# --- day ranges, to-date and trailing windows ----------------------------------------------


def _date(year: str, month: str, day: str, text: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError as error:
        raise BadPeriod(
            f"{year}-{month}-{day} in {text.strip()!r} is not a date; write days as YYYY-MM-DD.",
            code="not_a_date",
            day=f"{year}-{month}-{day}",
            text=repr(text.strip()),
        ) from error


def _range_text(first: date, last: date) -> str:
    return f"{first:%Y-%m-%d}..{last:%Y-%m-%d}"


def _day_range(first: date, last: date, text: str, tz: ZoneInfo, now: datetime) -> _Form:
    """`2026-09-15..2026-10-15` as people mean it: both days included, so the window ends at
    the local midnight after the last day."""
    days = (last - first).days + 1
    if days < 1:
        raise BadPeriod(
            f"The range {text.strip()!r} ends before it starts; write the earlier day first.",
            code="range_backwards",
            text=repr(text.strip()),
        )
    if days > MAX_DAYS:
        raise BadPeriod(
            f"The range {text.strip()!r} is longer than {MAX_DAYS} days.",
            code="range_too_long",
            text=repr(text.strip()),
            days=MAX_DAYS,
        )
    start = _local_midnight(first, tz)
    end = _local_midnight(last + timedelta(days=1), tz)
    label = f"{first:%Y-%m-%d} to {last:%Y-%m-%d} inclusive"
    before_last = first - timedelta(days=1)
    before_first = before_last - timedelta(days=days - 1)
    a_year_ago = [_shift_months(datetime.combine(d, time()), -12).date() for d in (first, last)]
    wording = Wording(code="range", values={"first": first.isoformat(), "last": last.isoformat()})
    return _Form(
        current=Period(start=start, end=end, label=label, wording=wording),
        series=_trend(start, end, tz),
        previous=(PeriodQuery(_range_text(before_first, before_last), now), None),
        yoy=(PeriodQuery(_range_text(*a_year_ago), now), None),
    )


def _to_date(kind: str, tz: ZoneInfo, now: datetime) -> _Form:
    """mtd / qtd / ytd: from the start of the month / quarter / year up to now, compared with
    the previous month / quarter / year up to the same moment (the same day, or the last day
    of a shorter month)."""
    if kind == "mtd":
        start, months_back, name = _month_start(now.year, now.month, tz), 1, "month"
        series = _months(now.year, now.month - 12, 13, tz)
    elif kind == "qtd":
        first = 3 * ((now.month - 1) // 3) + 1
        start, months_back, name = _month_start(now.year, first, tz), 3, "quarter"
        series = _months(now.year, now.month - 11, 12, tz)
    else:
        start, months_back, name = _month_start(now.year, 1, tz), 12, "year"
        series = _months(now.year, 1, now.month, tz)
    return _Form(
        current=Period(
            start=start,
            end=now,
            label=f"{name} to {now:%d %b %Y}",
            wording=Wording(code=f"{name}_to_date", values={"day": now.date().isoformat()}),
        ),
        series=series,
        previous=(PeriodQuery(kind, _shift_months(now, -months_back)), None),
        yoy=(PeriodQuery(kind, _shift_months(now, -12)), None),
    )


def _trailing(amount: int, unit: str, text: str, tz: ZoneInfo, now: datetime) -> _Form:
    days = amount * (7 if unit == "w" else 1)
    if not 1 <= days <= MAX_DAYS:
        raise _bad(text)
    length = timedelta(days=days)
    word = "weeks" if unit == "w" else "days"
    # Elapsed time, not wall-clock time: subtract in UTC so DST never shifts a window.
    utc_now = now.astimezone(UTC)
    start = (utc_now - length).astimezone(tz)
    before = (utc_now - length).astimezone(tz)
    last_year = _shift_months(now, -12)
    expression = f"{amount}{unit}"
    return _Form(
        current=Period(
            start=start,
            end=now,
            label=f"last {amount} {word}",
            wording=Wording(code=f"last_{word}", values={"amount": amount}),
        ),
        series=_trend(start, now, tz),
        previous=(
            PeriodQuery(expression, before),
            (
                f"the {amount} {word} before",
                Wording(code=f"{word}_before", values={"amount": amount}),
            ),
        ),
        yoy=(
            PeriodQuery(expression, last_year),
            (
                f"the {amount} {word} to {last_year:%d %b %Y}",
                Wording(
                    code=f"{word}_to",
                    values={"amount": amount, "day": last_year.date().isoformat()},
                ),
            ),
        ),
    )
