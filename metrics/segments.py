"""Segment filters (`segment=enterprise`, `country=DK`) and breakdown keys: only columns of
`customers` on an allow-list, values always bound parameters, never pasted into SQL."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, func

from metrics.errors import BadSegment
from metrics.schema import customers

#: Customer attributes a KPI can be filtered or broken down by.
SEGMENT_COLUMNS = {"segment": customers.c.segment, "country": customers.c.country}
MAX_VALUE_LENGTH = 100


def _allowed() -> str:
    return ", ".join(SEGMENT_COLUMNS)


def parse_segment(text: str) -> tuple[str, str]:
    """`KEY=VALUE` → (key, value); raises BadSegment with the accepted form."""
    key, sep, value = (text or "").partition("=")
    if not sep or not key.strip() or not value.strip():
        raise BadSegment(
            f"Write a segment filter as KEY=VALUE (e.g. segment=enterprise), not {text!r}.",
            code="bad_filter",
            text=repr(text),
        )
    return key.strip().lower(), value.strip()


def parse_segments(texts: Iterable[str]) -> dict[str, str]:
    """Several `KEY=VALUE` filters → {key: value}; raises BadSegment as add_filter does."""
    filters: dict[str, str] = {}
    for text in texts:
        add_filter(filters, *parse_segment(text))
    return filters


def add_filter(filters: dict[str, str], key: str, value: str) -> None:
    """Adds one filter. Filters on different keys combine (AND); one key takes one value,
    so `segment=smb segment=enterprise` is refused rather than silently keeping the last."""
    key, value = key.strip().lower(), value.strip()
    previous = filters.get(key)
    if previous is not None and previous.lower() != value.lower():
        raise BadSegment(
            f"The filter {key} is given twice ({key}={previous} and {key}={value}); give one "
            f"value per key, or run the KPI once per value (or break it down by {key}).",
            code="filter_twice",
            key=key,
            first=previous,
            second=value,
        )
    filters[key] = value


def normalise_segments(segments: dict[str, str] | None) -> dict[str, str]:
    """Validated filters with lower-case keys; raises BadSegment listing the allowed keys."""
    cleaned: dict[str, str] = {}
    for key, value in (segments or {}).items():
        key = str(key).strip().lower()
        if key not in SEGMENT_COLUMNS:
            raise BadSegment(
                f"Unknown segment key {key!r}; filter by one of: {_allowed()}.",
                code="unknown_filter",
                key=repr(key),
                allowed=_allowed(),
            )
        value = str(value).strip()
        if not value or len(value) > MAX_VALUE_LENGTH:
            raise BadSegment(
                f"The value for {key} must be 1–{MAX_VALUE_LENGTH} characters, e.g. {key}=DK.",
                code="filter_value_length",
                key=key,
                most=MAX_VALUE_LENGTH,
            )
        cleaned[key] = value
    return cleaned


def segment_conditions(segments: dict[str, str]) -> list[ColumnElement[bool]]:
    """WHERE conditions on `customers` (case-insensitive; the value is a bound parameter)."""
    return [func.lower(SEGMENT_COLUMNS[key]) == value.lower() for key, value in segments.items()]


def breakdown_column(by: str | None) -> ColumnElement | None:
    """The customers column to group by, or None; raises BadSegment for other keys."""
    if by is None:
        return None
    key = by.strip().lower()
    if key not in SEGMENT_COLUMNS:
        raise BadSegment(
            f"Cannot break down by {by!r}; use one of: {_allowed()}.",
            code="unknown_breakdown",
            by=repr(by),
            allowed=_allowed(),
        )
    return SEGMENT_COLUMNS[key]
