"""Targets and alert rules as declared: what each KPI should reach, and when to speak up.

A rule names a KPI query (KPI, period, segment filters: the same KpiQuery `/kpi` uses) and
exactly one condition on its result:

- `below: 30` / `above: 5`: the figure itself crosses the threshold;
- `rises_by: 1` / `falls_by: 3`: the change against the period before (what `/kpi` shows as
  the delta) is larger than the threshold, in the KPI's unit: percentage points for a % KPI,
  points for NPS. `churn_rate` over `last-month` with `rises_by: 1` is "churn rose more than
  1 pp month over month".

Every value is checked when the file is read (metrics.alerts.rules_file), so a mistake stops
`serve` at start-up, not at the first hourly check. The channel is optional here: the bot
falls back to ALERT_CHANNEL.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from metrics.errors import BadPeriod, BadSegment, UnknownKpi
from metrics.kpi_query import KpiQuery
from metrics.periods import resolve_period
from metrics.registry import get_kpi
from metrics.segments import normalise_segments

ConditionKind = Literal["below", "above", "rises_by", "falls_by"]
CONDITIONS: tuple[ConditionKind, ...] = ("below", "above", "rises_by", "falls_by")
LANGUAGES = ("da", "no", "sv", "en")
MAX_LABEL = 200
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,59}$")
_CHANNEL = re.compile(r"^[CG][A-Z0-9]{2,49}$")


def _not_a_flag(value: object) -> object:
    """YAML reads `yes` and `true` as booleans, which pydantic would take as 1.0."""
    if isinstance(value, bool):
        raise ValueError(f"it must be a number, not {str(value).lower()}")
    return value


def _kpi_name(value: str) -> str:
    """The KPI's own name (`churn` → `churn_rate`); UnknownKpi's sentence lists the KPIs."""
    try:
        return get_kpi(value).name
    except UnknownKpi as error:
        raise ValueError(str(error).rstrip(".")) from None


Number = Annotated[float, BeforeValidator(_not_a_flag), Field(allow_inf_nan=False)]
KpiName = Annotated[str, AfterValidator(_kpi_name)]


class Condition(BaseModel):
    """One rule's test: `kind` and its threshold (in the KPI's unit)."""

    kind: ConditionKind
    threshold: float

    def holds(self, value: float, change: float | None) -> bool | None:
        """True when breached; None when a change is needed and there is none."""
        if self.kind == "below":
            return value < self.threshold
        if self.kind == "above":
            return value > self.threshold
        if change is None:
            return None
        if self.kind == "rises_by":
            return change > self.threshold
        return change < -self.threshold


class AlertRule(BaseModel):
    """One `alerts:` entry of the rules file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    kpi: KpiName
    period: str | None = None
    segments: dict[str, str] = Field(default_factory=dict)
    below: Number | None = None
    above: Number | None = None
    rises_by: Number | None = None
    falls_by: Number | None = None
    channel: str | None = None
    label: str | None = None
    language: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError(
                f"the name {value!r} must be 1–60 lower-case letters, digits, '-', '_' or '.', "
                "starting with a letter or digit (the alert's state is kept under it)"
            )
        return value

    @field_validator("period")
    @classmethod
    def _period(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                resolve_period(value)
            except BadPeriod as error:
                raise ValueError(str(error).rstrip(".")) from None
        return value

    @field_validator("segments")
    @classmethod
    def _segments(cls, value: dict[str, str]) -> dict[str, str]:
        try:
            return normalise_segments(value)
        except BadSegment as error:
            raise ValueError(str(error).rstrip(".")) from None

    @field_validator("channel")
    @classmethod
    def _channel(cls, value: str | None) -> str | None:
        if value is not None and not _CHANNEL.match(value):
            raise ValueError(
                f"the channel {value!r} is not a channel id; write the id, such as C0123ABCD "
                "(a channel's details in Slack show it), not its #name"
            )
        return value

    @field_validator("label")
    @classmethod
    def _label(cls, value: str | None) -> str | None:
        if value is not None and not 0 < len(value.strip()) <= MAX_LABEL:
            raise ValueError(f"the label must be 1–{MAX_LABEL} characters")
        return value.strip() if value is not None else None

    @field_validator("language", mode="before")
    @classmethod
    def _norwegian(cls, value: object) -> object:
        """YAML 1.1 reads an unquoted `language: no` as false; Norwegian is what was meant."""
        return "no" if value is False else value

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        if value is not None and value not in LANGUAGES:
            raise ValueError(f"the language {value!r} is not one of {', '.join(LANGUAGES)}")
        return value

    @model_validator(mode="after")
    def _one_condition(self) -> AlertRule:
        given = [kind for kind in CONDITIONS if getattr(self, kind) is not None]
        if len(given) != 1:
            shown = f"it has {' and '.join(given)}" if given else "it has none"
            raise ValueError(
                f"the rule {self.name!r} needs exactly one condition of below, above, "
                f"rises_by or falls_by ({shown})"
            )
        kind = given[0]
        if kind in ("rises_by", "falls_by") and getattr(self, kind) <= 0:
            raise ValueError(
                f"{kind} must be more than 0 (it is a size of change; use the other one of "
                "rises_by and falls_by for the opposite direction)"
            )
        return self

    @property
    def condition(self) -> Condition:
        kind = next(kind for kind in CONDITIONS if getattr(self, kind) is not None)
        return Condition(kind=kind, threshold=getattr(self, kind))

    def query(self) -> KpiQuery:
        """What the rule asks the KPI service; no period means KPI_DEFAULT_PERIOD."""
        return KpiQuery(name=self.kpi, period=self.period, segments=self.segments)


class RuleBook(BaseModel):
    """A whole rules file: per-KPI targets and the alert rules, names unique."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    targets: dict[KpiName, Number] = Field(default_factory=dict)
    alerts: list[AlertRule] = Field(default_factory=list)

    @field_validator("targets", mode="before")
    @classmethod
    def _one_target_per_kpi(cls, value: object) -> object:
        """`churn` and `churn_rate` are one KPI: two targets for it would silently keep one."""
        if isinstance(value, dict):
            seen: dict[str, str] = {}
            for key in value:
                try:
                    name = get_kpi(str(key)).name
                except UnknownKpi:
                    continue  # reported by the key's own validation, with its line
                if name in seen:
                    raise ValueError(f"{seen[name]!r} and {key!r} are both targets for {name}")
                seen[name] = str(key)
        return value

    @field_validator("alerts")
    @classmethod
    def _unique_names(cls, rules: list[AlertRule]) -> list[AlertRule]:
        names = [rule.name for rule in rules]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"the rule name {twice[0]!r} is used twice; names must be unique")
        return rules

    def target(self, kpi: str) -> float | None:
        return self.targets.get(kpi)
