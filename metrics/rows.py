"""What one valid CSV row of each importable table looks like (pydantic), and the report
an import returns.

The models are the single definition of "valid": `csv_import` validates every row with
them before anything is written. Cross-row rules (unknown customers, duplicate ids) and
cross-column rules (resolved before opened) live in `csv_import`, which can name the
column and row they concern.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

from metrics.stories.sources import StorySource

Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Country = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{2}$")
]
Label = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, max_length=50)]
Channel = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, max_length=30)]

_ISO_DATE_START = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Timestamps outside these years are typos or placeholders (Excel's 0001-01-01, 9999-12-31
#: for "never"); near the edges of datetime they also overflow on conversion to UTC or
#: to KPI_TIMEZONE, so the import refuses them by row and column.
FIRST_YEAR, LAST_YEAR = 1900, 2999
FLAGS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


def _iso_text(value: object) -> object:
    """Only text that starts like an ISO 8601 date: pydantic alone would read '1700000000'
    or '5' as Unix seconds, silently storing 2023 or 1970 for a typo or a wrong column."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE_START.match(value.strip()):
        return value.strip()
    raise PydanticCustomError("datetime_parsing", "not an ISO 8601 timestamp")


def _flag(value: object) -> object:
    """Exactly the booleans the README lists (true/false, 1/0, yes/no, any case), not
    pydantic's wider on/off/y/n/t/f: one documented vocabulary for every spreadsheet."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in FLAGS:
        return FLAGS[value.strip().lower()]
    raise PydanticCustomError("bool_parsing", "not true/false, 1/0 or yes/no")


def _plausible(value: datetime) -> datetime:
    try:
        year = (value if value.tzinfo is None else value.astimezone(UTC)).year
    except OverflowError:  # 0001-01-01T00:00+01:00 is in year 0 in UTC
        year = value.year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PydanticCustomError("datetime_range", "outside the supported years")
    return value


Timestamp = Annotated[datetime, BeforeValidator(_iso_text), AfterValidator(_plausible)]
Flag = Annotated[bool, BeforeValidator(_flag)]
#: The validators behind Timestamp and Flag, so `metrics.cells` can recognise those types.
TIMESTAMP_VALIDATORS = (_iso_text, _plausible)
FLAG_VALIDATOR = _flag


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class CustomerRow(_Row):
    customer_id: Id
    name: Name | None = None
    segment: Label | None = None
    country: Country | None = None
    signed_up_at: Timestamp
    churned_at: Timestamp | None = None


class OrderRow(_Row):
    order_id: Id
    customer_id: Id
    ordered_at: Timestamp
    amount: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]


class NpsResponseRow(_Row):
    response_id: Id
    customer_id: Id
    score: Annotated[int, Field(ge=0, le=10)]
    responded_at: Timestamp
    comment: str | None = None
    consent_to_share: Flag = False


class CsatResponseRow(_Row):
    response_id: Id
    customer_id: Id
    score: Annotated[int, Field(ge=1, le=5)]
    responded_at: Timestamp
    comment: str | None = None
    consent_to_share: Flag = False


class TicketRow(_Row):
    ticket_id: Id
    customer_id: Id
    opened_at: Timestamp
    first_response_at: Timestamp | None = None
    resolved_at: Timestamp | None = None
    channel: Channel | None = None


class CheckoutSessionRow(_Row):
    session_id: Id
    customer_id: Id
    started_at: Timestamp
    completed_at: Timestamp | None = None


class StoryRow(_Row):
    story_id: Id
    customer_id: Id | None = None
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    source: StorySource
    consent: Flag = False
    created_at: Timestamp


#: One row model per importable table (same names as metrics.schema.IMPORTABLE_TABLES).
ROW_MODELS: dict[str, type[_Row]] = {
    "customers": CustomerRow,
    "orders": OrderRow,
    "nps_responses": NpsResponseRow,
    "csat_responses": CsatResponseRow,
    "tickets": TicketRow,
    "checkout_sessions": CheckoutSessionRow,
    "stories": StoryRow,
}


class ImportReport(BaseModel):
    """What one `import_csv` did: rows in the file, how many were new or replaced, and how
    the file was read (detected or given)."""

    table: str
    rows: int
    inserted: int
    updated: int
    seconds: float
    encoding: str = "utf-8"
    delimiter: str = ","
    decimal_comma: bool = False
    dayfirst: bool | None = None
