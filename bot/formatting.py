"""How a KPI's numbers read, wherever they are shown: the terminal (bot/cli/render.py) and
Slack (bot/views/kpi.py, bot/views/home.py) call these, so NPS 38.25 is "38.3 points" in both.

Rounding happens here and only here: the metrics layer returns unrounded values. Halves round
away from zero, as people round by hand (Python's own formatting rounds the binary float, so
1234.5 would be 1,234 and 38.25 would be 38.2). Renderers add only their own glyphs: the
direction is "up", "down" or "unchanged", and each medium draws its arrow.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from metrics.models import KpiResult

PERCENT_UNITS = {"%", "percent"}
NO_DATA = "no data"
Direction = Literal["up", "down", "unchanged"]
Verdict = Literal["better", "worse", "unchanged"]


def is_percent(unit: str) -> bool:
    return unit in PERCENT_UNITS


def _decimals(value: float, unit: str) -> int:
    if is_percent(unit):
        return 1
    size = abs(value)
    return 0 if size >= 1000 else 1 if size >= 10 else 2


def _rounded(value: float, decimals: int) -> str:
    """`value` with `decimals` places and thousands separators, halves away from zero."""
    exact = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return f"{exact:,.{decimals}f}"


def value(number: float | None, unit: str) -> str:
    """`42.1%`, `38.3 points`, `1,235 DKK`; `no data` for None."""
    if number is None:
        return NO_DATA
    text = _rounded(number, _decimals(number, unit))
    if is_percent(unit):
        return f"{text}%"
    return f"{text} {unit}".strip()


def delta(change: float, unit: str) -> str:
    """A signed change: `+4.2 pp` for percentages (points of percentage), else `−3.5 points`."""
    sign = "+" if change > 0 else "−" if change < 0 else "±"
    if is_percent(unit):
        return f"{sign}{_rounded(abs(change), 1)} pp"
    return f"{sign}{value(abs(change), unit)}"


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


def change(result: KpiResult) -> Change | None:
    """None when there is no previous period to compare with."""
    if result.delta is None or result.previous is None:
        return None
    return Change(
        direction=direction(result.delta),
        delta=delta(result.delta, result.unit),
        previous=value(result.previous, result.unit),
        verdict=verdict(result.delta, result.polarity),
        versus=versus(result),
    )


def versus(result: KpiResult) -> str:
    """What the result is compared with: the comparison computed (`previous period (2026-09)`,
    `same period last year (…)`), or `previous period` when the period does not name one."""
    return result.period.comparison or "previous period"


def extra(name: str, number: float | None, unit: str) -> tuple[str, str]:
    """(label, value) of a result's extra figure: `promoters_pct` → (`promoters`, `40.0%`);
    other extras share the KPI's unit (p90 hours)."""
    if name.endswith("_pct"):
        return name.removesuffix("_pct").replace("_", " "), value(number, "%")
    return name.replace("_", " "), value(number, unit)


def observations(n: int) -> str:
    """`1 observation`, `4 observations`."""
    return f"{n:,} observation{'' if n == 1 else 's'}"
