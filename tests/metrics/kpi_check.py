"""`compute_kpi` as the tests call it: the rollups rebuilt from the rows the test inserted
(tests write with plain INSERTs, not through the import), then the rollup result checked to
equal the raw one exactly, field by field, errors included."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from metrics import kpis
from metrics.errors import MetricsError
from metrics.models import KpiResult
from metrics.rollups import rebuild


def compute_kpi(engine: Engine, *args: Any, **kwargs: Any) -> KpiResult:  # noqa: ANN401
    try:
        with engine.begin() as conn:
            rebuild(conn)
    except DBAPIError:
        pass  # an unmigrated database: both paths report it
    outcomes = []
    for raw in (True, False):
        try:
            outcomes.append(kpis.compute_kpi(engine, *args, raw=raw, **kwargs))
        except MetricsError as error:
            outcomes.append(error)
    from_rows, from_rollups = outcomes
    if isinstance(from_rows, MetricsError):
        assert type(from_rollups) is type(from_rows) and str(from_rollups) == str(from_rows)
        raise from_rollups
    assert from_rollups == from_rows, (from_rollups, from_rows)
    return from_rollups
