"""Fast parsers for one CSV cell, derived from the row models in `metrics.rows`.

Validating a row with its pydantic model costs about 5 µs; an import of millions of rows
cannot afford that. Each parser here handles only the plain, common spelling of a value
(`42`, `2026-03-01T09:30:00Z`, `1249.50`, `yes`) and returns exactly what the model would;
anything else raises `Decline`, and the row then goes through the model, which stays the
single definition of "valid" and of every error message. A field whose type or constraint
this module does not know gets no fast parser at all, so a new rule in `rows.py` can only
make the import slower, never laxer. `tests/metrics/test_cells.py` checks the agreement.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

import annotated_types
from pydantic import AfterValidator, BaseModel, BeforeValidator, StringConstraints

from metrics.rows import FIRST_YEAR, FLAG_VALIDATOR, FLAGS, LAST_YEAR, TIMESTAMP_VALIDATORS

Parser = Callable[[str], object]


class Decline(Exception):  # noqa: N818 - a signal, not an error
    """The cell is not in a plain form: let the row model decide."""


_PLAIN_STAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?)?"
)


def parsers(model: type[BaseModel]) -> dict[str, Parser]:
    """A parser per field that has a plain form; fields missing here always use the model."""
    found = {}
    for name, field in model.model_fields.items():
        base, metadata = _unwrap(field.annotation, list(field.metadata))
        parser = _parser(base, metadata)
        if parser is not None:
            found[name] = parser
    return found


def _unwrap(annotation: Any, metadata: list[Any]) -> tuple[Any, list[Any]]:  # noqa: ANN401
    """`X | None` and `Annotated[X, …]` down to X and all of its metadata."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        rest = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(rest) != 1:
            return object, metadata
        annotation = rest[0]
    if typing.get_origin(annotation) is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        return base, metadata + extra
    return annotation, metadata


def _parser(base: Any, metadata: list[Any]) -> Parser | None:  # noqa: ANN401, C901, PLR0911
    if base is str:
        return _text(metadata)
    if base is int:
        return _whole(metadata)
    if base is Decimal:
        return _decimal(metadata)
    if base is bool and _only(metadata, BeforeValidator) and _is_flag(metadata):
        return _flag
    if base is datetime and _is_timestamp(metadata):
        return _timestamp
    if typing.get_origin(base) is typing.Literal and not metadata:
        allowed = frozenset(typing.get_args(base))

        def literal(cell: str) -> str:
            if cell in allowed:
                return cell
            raise Decline

        return literal
    return None


def _only(metadata: list[Any], *kinds: type) -> bool:
    return all(isinstance(item, kinds) for item in metadata)


def _is_flag(metadata: list[Any]) -> bool:
    return len(metadata) == 1 and metadata[0].func is FLAG_VALIDATOR


def _is_timestamp(metadata: list[Any]) -> bool:
    return (
        len(metadata) == 2
        and isinstance(metadata[0], BeforeValidator)
        and isinstance(metadata[1], AfterValidator)
        and (metadata[0].func, metadata[1].func) == TIMESTAMP_VALIDATORS
    )


def _text(metadata: list[Any]) -> Parser | None:
    if not metadata:
        return str.strip
    if len(metadata) != 1 or not isinstance(metadata[0], StringConstraints):
        return None
    rules = metadata[0]
    if rules.strict or rules.ascii_only:
        return None
    low, high = rules.min_length or 0, rules.max_length
    pattern = re.compile(rules.pattern) if rules.pattern else None
    lower, upper = rules.to_lower, rules.to_upper

    def text(cell: str) -> str:
        value = cell.strip()
        if len(value) < low or (high is not None and len(value) > high):
            raise Decline
        if pattern is not None and not pattern.match(value):
            raise Decline
        if lower:
            return value.lower()
        return value.upper() if upper else value

    return text


def _whole(metadata: list[Any]) -> Parser | None:
    if not _only(metadata, annotated_types.Ge, annotated_types.Le):
        return None
    low = max((m.ge for m in metadata if isinstance(m, annotated_types.Ge)), default=None)
    high = min((m.le for m in metadata if isinstance(m, annotated_types.Le)), default=None)

    def whole(cell: str) -> int:
        if not (cell.isascii() and cell.isdigit()) or len(cell) > 18:
            raise Decline
        value = int(cell)
        if (low is not None and value < low) or (high is not None and value > high):
            raise Decline
        return value

    return whole


def _decimal(metadata: list[Any]) -> Parser | None:
    places = digits = None
    for item in metadata:
        if isinstance(item, annotated_types.Ge) and item.ge == 0:
            continue
        places = getattr(item, "decimal_places", places)
        digits = getattr(item, "max_digits", digits)
        if not hasattr(item, "decimal_places"):
            return None
    if places is None or digits is None or len(metadata) != 2:
        return None
    plain = re.compile(rf"(?:0|[1-9]\d{{0,{digits - places - 1}}})(?:\.\d{{1,{places}}})?")

    def decimal(cell: str) -> Decimal:
        if not plain.fullmatch(cell):
            raise Decline
        return Decimal(cell)

    return decimal


def _flag(cell: str) -> bool:
    value = FLAGS.get(cell.strip().lower())
    if value is None:
        raise Decline
    return value


def _timestamp(cell: str) -> datetime:
    if not _PLAIN_STAMP.fullmatch(cell):
        raise Decline
    try:
        value = datetime.fromisoformat(cell)
    except ValueError as error:
        raise Decline from error
    if not FIRST_YEAR < value.year < LAST_YEAR:  # the edge years: the model converts to UTC
        raise Decline
    return value
