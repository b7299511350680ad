"""How a KPI's numbers read, wherever they are shown: the terminal (bot/cli/render.py) and
Slack (bot/views/kpi.py, bot/views/home.py) call these, so NPS 38.25 is "38.3 points" in both.

Rounding happens here and only here: the metrics layer returns unrounded values. Halves round
away from zero, as people round by hand (Python's own formatting rounds the binary float, so
1234.5 would be 1,234 and 38.25 would be 38.2). Renderers add only their own glyphs: the
direction is "up", "down" or "unchanged", and each medium draws its arrow.

Every function takes the reader's `locale` (a language of bot.i18n or a Slack locale such as
`nb-NO`; English by default, which the CLI keeps): the digits, separators and percent sign are
the locale's, from Babel (`3,9 %` and `2.127` in Danish, `2 127` in Swedish and Norwegian),
and unit words come from the catalogue (bot/i18n/catalogue/formatting.yaml). Babel is
imported on first use: `journeybot --help` never pays for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import TYPE_CHECKING, Literal

from bot.i18n import babel_locale, language_or_fallback, say, say_or

if TYPE_CHECKING:
    from metrics.models import KpiResult, Period, Wording

PERCENT_UNITS = {"%", "percent"}
#: The English words for a missing value (`value(None, …)` says it in the reader's language).
NO_DATA = "no data"
#: Values of a period's wording that are days (ISO dates), written as the reader writes dates.
_DAY_VALUES = {"day", "first", "last"}
Direction = Literal["up", "down", "unchanged"]
Verdict = Literal["better", "worse", "unchanged"]


def is_percent(unit: str) -> bool:
    return unit in PERCENT_UNITS


def _decimals(value: float, unit: str) -> int:
    if is_percent(unit):
        return 1
    size = abs(value)
    return 0 if size >= 1000 else 1 if size >= 10 else 2


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


@cache
def _percent_pattern(locale: str, decimals: int) -> str:
    """The locale's own percent pattern with `decimals` places: `#,##0.0 %` (with a no-break
    space) for da/no/sv, `#,##0.0%` for English."""
    from babel import Locale

    pattern = Locale.parse(locale).percent_formats[None].pattern.split(";")[0]
    return pattern.replace("#,##0", _pattern(decimals), 1)


def _exact(number: float, decimals: int) -> Decimal:
    """Rounded here, halves away from zero; Babel then only lays the digits out."""
    return Decimal(repr(number)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _rounded(value: float, decimals: int, locale: str = "en") -> str:
    """`value` with `decimals` places and the locale's separators, halves away from zero."""
    from babel.numbers import format_decimal

    return format_decimal(
        _exact(value, decimals), format=_pattern(decimals), locale=babel_locale(locale)
    )


def _percent(number: float, decimals: int, locale: str) -> str:
    from babel.numbers import format_percent

    pattern = _percent_pattern(babel_locale(locale), decimals)
    return format_percent(
        _exact(number, decimals) / 100, format=pattern, locale=babel_locale(locale)
    )


def unit_word(unit: str, locale: str = "en") -> str:
    """`points` → `point` in Danish; a unit the catalogue has no words for (a currency code)
    stays as it is."""
    return say_or(unit, "unit." + unit.replace(" ", "_"), locale)


def value(number: float | None, unit: str, *, locale: str = "en") -> str:
    """`42.1%`, `38.3 points`, `1,235 DKK`; `no data` for None. Danish: `42,1 %`, `1.235 DKK`."""
    if number is None:
        return say("formatting.no_data", locale)
    if is_percent(unit):
        return _percent(number, 1, locale)
    text = _rounded(number, _decimals(number, unit), locale)
    return f"{text} {unit_word(unit, locale)}".strip()


def delta(change: float, unit: str, *, locale: str = "en") -> str:
    """A signed change: `+4.2 pp` for percentages (points of percentage), else `−3.5 points`."""
    sign = "+" if change > 0 else "−" if change < 0 else "±"
    if is_percent(unit):
        return f"{sign}{_rounded(abs(change), 1, locale)} {unit_word('pp', locale)}"
    return f"{sign}{value(abs(change), unit, locale=locale)}"


def number(value: float, decimals: int, *, locale: str = "en") -> str:
    """A plain number with `decimals` places, as the locale writes it: `1,234.5`, `1.234,5`."""
    return _rounded(value, decimals, locale)


def count(n: int, *, locale: str = "en") -> str:
    """A whole number with the locale's grouping: `2,127`, `2.127` (da), `2 127` (sv, no)."""
    return _rounded(n, 0, locale)


def day(moment: Date | datetime, *, locale: str = "en") -> str:
    """A calendar day as the locale writes it: `Oct 1, 2026`, `1. okt. 2026`, `1 okt. 2026`."""
    from babel.dates import format_date

    when = moment.date() if isinstance(moment, datetime) else moment
    return format_date(when, "medium", locale=babel_locale(locale))


def direction(change: float) -> Direction:
    return "up" if change > 0 else "down" if change < 0 else "unchanged"


def is_improvement(change: float, polarity: str) -> bool:
    """Up is good for NPS, bad for churn: the verdict follows the KPI's polarity."""
    return change > 0 if polarity == "higher_is_better" else change < 0


def verdict(change: float, polarity: str) -> Verdict:
    if change == 0:
        return "unchanged"
    return "better" if is_improvement(change, polarity) else "worse"


@dataclass(frozen=True)
class Change:
    """A result's change against the previous period, as words every renderer shares."""

    direction: Direction
    delta: str  # `+4.2 pp`
    previous: str  # `37.8%`
    verdict: Verdict
    versus: str  # `previous period (2026-09)`: the comparison actually computed


def change(result: KpiResult, *, locale: str = "en") -> Change | None:
    """None when there is no previous period to compare with."""
    if result.delta is None or result.previous is None:
        return None
    return Change(
        direction=direction(result.delta),
        delta=delta(result.delta, result.unit, locale=locale),
        previous=value(result.previous, result.unit, locale=locale),
        verdict=verdict(result.delta, result.polarity),
        versus=versus(result, locale=locale),
    )


def versus(result: KpiResult, *, locale: str = "en") -> str:
    """What the result is compared with: the comparison computed (`previous period (2026-09)`,
    `same period last year (…)`), or `previous period` when the period does not name one."""
    return comparison(result.period, locale=locale)


def comparison(period: Period, *, locale: str = "en") -> str:
    """`previous period (2026-09)` for a resolved period, in the reader's language."""
    if period.compared_with is None:
        return period.comparison or say("formatting.previous_period", locale)
    kind = say(f"formatting.compared_with.{period.compared_with}", locale)
    if not period.previous_label:
        return kind
    return f"{kind} ({label(period.previous_label, period.previous_wording, locale=locale)})"


def period_label(period: Period, *, locale: str = "en") -> str:
    """`2026-10`, `2026-Q3` as they are; a period in words in the reader's language
    (`de sidste 30 dage`). English keeps the metrics layer's own label, word for word."""
    return label(period.label, period.wording, locale=locale)


def label(english: str, wording: Wording | None, *, locale: str = "en") -> str:
    if wording is None or language_or_fallback(locale) == "en":
        return english
    values = {
        key: day(Date.fromisoformat(value), locale=locale)
        if key in _DAY_VALUES and isinstance(value, str)
        else count(value, locale=locale)
        if isinstance(value, int)
        else value
        for key, value in wording.values.items()
    }
    return say_or(english, f"period.{wording.code}", locale, **values)


def extra(name: str, number: float | None, unit: str, *, locale: str = "en") -> tuple[str, str]:
    """(label, value) of a result's extra figure: `promoters_pct` → (`promoters`, `40.0%`);
    other extras share the KPI's unit (p90 hours)."""
    if name.endswith("_pct"):
        key = name.removesuffix("_pct")
        return say_or(key.replace("_", " "), f"extra.{key}", locale), value(
            number, "%", locale=locale
        )
    return say_or(name.replace("_", " "), f"extra.{name}", locale), value(
        number, unit, locale=locale
    )


def observations(n: int, *, locale: str = "en") -> str:
    """`1 observation`, `4 observations`."""
    key = "formatting.observation" if n == 1 else "formatting.observations"
    return say(key, locale, n=count(n, locale=locale))
