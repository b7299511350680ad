"""The vocabulary a KPI definition is written in (after dbt MetricFlow): named aggregates over
a table's rows in the period — counts with conditions, sums, distinct counts, percentiles,
customer cohort counts — and arithmetic that turns them into the value.

A definition is data, not code: the planner (metrics.planner) knows how to compute each kind
of aggregate, raw or from rollups, and nothing about a particular KPI; `evaluate` does the
arithmetic. Division by zero, or by `positive(x)` with x ≤ 0, gives None ("no value").
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from typing import Literal

from pydantic import BaseModel, Field

Op = Literal["==", "!=", ">=", "<=", ">", "<"]
Cohort = Literal["active_at_start", "churned_during", "active_during"]


class Where(BaseModel):
    """A condition on a dimension of the table (metrics.semantic), e.g. score >= 9."""

    dimension: str
    op: Op
    value: int | bool | str


class Aggregate(BaseModel):
    """One number per period (and breakdown key) over `table`'s rows in the period.

    agg: count (rows), sum (of `column`, exact in cents for money), count_distinct (of
    `column`), percentile (`p` of the hours from `hours_since` to the table's time column),
    cohort (customers: `cohort` says which; the period bounds decide, not a time column).
    `existing_customers` keeps only rows whose customer signed up before the period started.
    """

    name: str
    table: str
    agg: Literal["count", "sum", "count_distinct", "percentile", "cohort"]
    column: str | None = None
    where: list[Where] = Field(default_factory=list)
    existing_customers: bool = False
    p: float | None = None
    hours_since: str | None = None
    cohort: Cohort | None = None


class Measure(BaseModel):
    """What a KPI measures: its aggregates and how the value follows from them.

    `terms` are named intermediate expressions (evaluated in order), `value` and `extra` are
    expressions over aggregates, terms and the parameters `days` (period length),
    `gross_margin` and `discount_rate`. `n` names the sample size; no sample, no value.
    `no_data` says how an empty period is worded: missing rows, or an empty cohort.
    """

    aggregates: list[Aggregate]
    value: str
    n: str
    terms: dict[str, str] = Field(default_factory=dict)
    extra: dict[str, str] = Field(default_factory=dict)
    no_data: Literal["rows", "cohort"] = "rows"


_BINARY: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}


def _positive(x: float | None) -> float | None:
    return None if x is None or x <= 0 else x


_FUNCTIONS: dict[str, Callable[[float | None], float | None]] = {"positive": _positive}


def calculate(expression: str, names: Mapping[str, float | None]) -> float | None:
    """+ − × ÷ ** over numbers and names; None when a name is None or a divisor is zero."""
    return _eval(ast.parse(expression, mode="eval").body, names)


def _eval(node: ast.AST, names: Mapping[str, float | None]) -> float | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return node.value
    if isinstance(node, ast.Name):
        if node.id not in names:
            raise ValueError(f"unknown name {node.id!r} in a measure expression")
        return names[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _eval(node.operand, names)
        return None if inner is None else -inner
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and len(node.args) == 1:
        return _FUNCTIONS[node.func.id](_eval(node.args[0], names))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _eval(node.left, names), _eval(node.right, names)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Div) and right == 0:
            return None
        return _BINARY[type(node.op)](left, right)
    raise ValueError(f"unsupported measure expression: {ast.dump(node)}")


class Measured(BaseModel):
    value: float | None
    n: int
    extra: dict[str, float]


def evaluate(
    measure: Measure, aggregates: Mapping[str, float], params: Mapping[str, float]
) -> Measured:
    """The value, sample size and extras of one period (and breakdown key)."""
    names: dict[str, float | None] = {
        a.name: aggregates.get(a.name, 0.0) for a in measure.aggregates
    }
    names.update(params)
    n = int(names[measure.n] or 0)
    for term, expression in measure.terms.items():
        names[term] = calculate(expression, names)
    value = calculate(measure.value, names) if n else None
    extra: dict[str, float] = {}
    if value is not None:
        for key, expression in measure.extra.items():
            result = calculate(expression, names)
            if result is not None:
                extra[key] = result
    return Measured(value=value, n=n, extra=extra)
