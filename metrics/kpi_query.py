"""What a person asks of a KPI: its name, a period, segment filters and a breakdown.

`/kpi` in Slack and `journeybot kpi` both parse into this one model, so a filter given twice
with two values is refused with the same sentence in both (metrics.segments.add_filter).
Settings such as the time zone or the gross margin are not part of a query: KpiService holds
those.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from metrics.segments import parse_segments


class KpiQuery(BaseModel):
    """One KPI request; `period=None` means the configured default period."""

    model_config = ConfigDict(frozen=True)

    name: str
    period: str | None = None
    segments: dict[str, str] = Field(default_factory=dict)
    by: str | None = None
    compare: str | None = None  # `yoy`, `previous` or None (the period's own comparison)
    raw: bool = False  # compute from the fact rows, not the rollups

    @classmethod
    def parse(
        cls,
        name: str,
        *,
        period: str | None = None,
        filters: Iterable[str] = (),
        by: str | None = None,
        compare: str | None = None,
        raw: bool = False,
    ) -> KpiQuery:
        """A query from `KEY=VALUE` filter words; raises BadSegment for a malformed or
        contradictory filter (`segment=smb segment=enterprise`)."""
        return cls(
            name=name.strip().lower(),
            period=period,
            segments=parse_segments(filters),
            by=by,
            compare=compare.lower() if compare else None,
            raw=raw,
        )
