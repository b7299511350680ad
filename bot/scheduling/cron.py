"""A standard 5-field crontab expression (`STORY_SCHEDULE`) turned into an APScheduler trigger.

APScheduler 3's `CronTrigger.from_crontab` passes the weekday field through unchanged, and
APScheduler counts Monday as 0 (its docstring says so and points at its issue 286), so
`0 9 * * 1` would post on Tuesdays and `* * 7` would not start at all. We parse the five
fields ourselves with cron's meaning (Sunday is 0 or 7, Monday 1; names like `mon` and
`jan` too), and hand APScheduler explicit values it cannot misread. As in cron, when both
the day of month and the day of week are restricted, either one matching is enough.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

EXPECTED = (
    "five cron fields (minute hour day-of-month month day-of-week) such as '0 9 * * 1' "
    "(Mondays at 09:00; Sunday is 0 or 7)"
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_CRON_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_LONGEST_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_ITEM = re.compile(r"^(?P<base>\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:/(?P<step>\d+))?$")


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    first_name_value: int = 0


_FIELDS = (
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day of month", 1, 31),
    _Field("month", 1, 12, _MONTHS, 1),
    _Field("day of week", 0, 7, _CRON_WEEKDAYS, 0),
)


def parse_crontab(expression: str, timezone: str) -> BaseTrigger:
    """The trigger for `expression` in `timezone`; ValueError says what is wrong in words."""
    parts = expression.split()
    if len(parts) != 5:
        raise ValueError(f"it has {len(parts)} fields, not 5")
    values = [_values(text.lower(), field) for text, field in zip(parts, _FIELDS, strict=True)]
    minute, hour, day, month, weekday = values
    day_restricted = not parts[2].startswith("*")
    weekday_restricted = not parts[4].startswith("*")
    if not weekday_restricted and min(day) > max(_LONGEST_MONTH[m - 1] for m in month):
        raise ValueError("that day of the month never occurs in those months")

    def trigger(days: str, weekdays: str) -> CronTrigger:
        return CronTrigger(
            minute=_listed(minute, parts[0]),
            hour=_listed(hour, parts[1]),
            day=days,
            month=_listed(month, parts[3]),
            day_of_week=weekdays,
            timezone=timezone,
        )

    days, weekdays = _listed(day, parts[2]), _weekdays(weekday, parts[4])
    if day_restricted and weekday_restricted:  # cron: either the date or the weekday matches
        return OrTrigger([trigger(days, "*"), trigger("*", weekdays)])
    return trigger(days, weekdays)


def _values(text: str, field: _Field) -> set[int]:
    found: set[int] = set()
    for item in text.split(","):
        match = _ITEM.match(item)
        if not match:
            raise ValueError(f"the {field.name} field has {item!r}, which is not cron syntax")
        base, step = match["base"], int(match["step"] or 1)
        if step < 1:
            raise ValueError(f"the {field.name} field has a step of 0")
        if base == "*":
            first, last = field.low, field.high
        elif "-" in base:
            start, end = base.split("-")
            first, last = _number(start, field), _number(end, field, range_end=True)
            if first > last:
                raise ValueError(f"the {field.name} range {base} runs backwards")
        else:
            first = _number(base, field)
            last = field.high if match["step"] else first
        found.update(range(first, last + 1, step))
    return found


def _number(token: str, field: _Field, *, range_end: bool = False) -> int:
    if token.isdigit():
        value = int(token)
    elif token in field.names:
        value = field.names.index(token) + field.first_name_value
        if range_end and field.names is _CRON_WEEKDAYS and value == 0:
            value = 7  # `fri-sun`: Sunday ends a week that starts on Monday
    else:
        raise ValueError(f"the {field.name} field has {token!r}, which is not a {field.name}")
    if not field.low <= value <= field.high:
        raise ValueError(f"the {field.name} {value} is outside {field.low}–{field.high}")
    return value


def _listed(values: set[int], text: str) -> str:
    return "*" if text == "*" else ",".join(str(value) for value in sorted(values))


def _weekdays(values: set[int], text: str) -> str:
    """Cron's 0–7 (0 and 7 Sunday) as APScheduler weekday names, which it cannot misread."""
    if text == "*":
        return "*"
    return ",".join(_CRON_WEEKDAYS[day] for day in sorted({v % 7 for v in values}))
