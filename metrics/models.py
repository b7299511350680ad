"""Plain pydantic models the metrics layer returns; the CLI prints them as JSON and the bot
renders them as blocks. Values are unrounded: rounding is for display only."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from metrics.measures import Measure

Polarity = Literal["higher_is_better", "lower_is_better"]


class KpiDefinition(BaseModel):
    """A declarative KPI (as in dbt MetricFlow / Cube): what it means and what it measures,
    not how SQL computes it.

    `measure` declares the aggregates (each names its table; metrics.semantic says which
    column places a row in a period) and the arithmetic on them; `aliases` are friendly
    names (`churn` for churn_rate).
    """

    name: str
    title: str
    description: str
    formula: str
    unit: str
    polarity: Polarity
    measure: Measure
    sample_unit: str = Field(description="what n counts, e.g. 'responses'")
    aliases: list[str] = Field(default_factory=list)


class Wording(BaseModel):
    """A label as data: `code` names the phrase ("last_days") and `values` fill it
    ({"amount": 30}; days as ISO dates), so a reader in another language can be told the same
    thing (bot/i18n/catalogue/periods.yaml); `Period.label` is the English phrase."""

    code: str
    values: dict[str, str | int] = Field(default_factory=dict)


class Period(BaseModel):
    """Half-open [start, end), aware datetimes in the configured timezone.

    `comparison` (on a result's period only) names what its `previous` value is, e.g.
    "previous period (2026-09)" or "same period last year (year to 15 Nov 2025)"."""

    start: datetime
    end: datetime
    label: str
    comparison: str | None = None
    #: The same comparison as data, for readers in other languages: which kind ("previous"
    #: or "yoy") and the compared period's label.
    compared_with: Literal["previous", "yoy"] | None = None
    previous_label: str | None = None
    #: The label as data, when it is in words (`last 30 days`), and the compared period's.
    wording: Wording | None = None
    previous_wording: Wording | None = None


class SeriesPoint(BaseModel):
    start: datetime
    end: datetime
    label: str
    value: float | None
    n: int


class BreakdownRow(BaseModel):
    """One value of the `--by` attribute; `low_sample` as for the whole result (n < min_sample)."""

    key: str
    value: float | None
    n: int
    low_sample: bool


class KpiResult(BaseModel):
    kpi: str
    title: str
    description: str
    value: float
    unit: str
    n: int
    period: Period
    previous: float | None
    delta: float | None
    polarity: Polarity
    series: list[SeriesPoint] = Field(default_factory=list)
    breakdown: list[BreakdownRow] = Field(default_factory=list)
    low_sample: bool
    min_sample: int
    segments: dict[str, str] = Field(default_factory=dict)
    extra: dict[str, float] = Field(default_factory=dict)
    #: The KPI's target from the rules file (metrics/targets.yaml), if it has one.
    target: float | None = None
