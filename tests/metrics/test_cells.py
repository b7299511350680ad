"""The fast cell parsers agree with the row models: whenever a parser accepts a cell, the
model accepts it too and reads the same value; whatever else the parser declines."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from metrics import cells
from metrics.rows import ROW_MODELS

TRICKY = [
    "",
    " ",
    "0",
    "9",
    "10",
    "11",
    "-1",
    "+5",
    " 5",
    "5 ",
    "09",
    "1e3",
    "²",
    "٣",
    "9.0",
    "1249.50",
    "0.5",
    "1.234",
    "00.5",
    "123456789012.34",
    "1234567890123.4",
    "2026-03-01",
    "2026-03-01T09:30",
    "2026-03-01T09:30:00Z",
    "2026-03-01 12:00:00",
    "2025-02-01T08:00:00+01:00",
    "2026-02-30",
    "2026-03-01T24:00",
    "2026-01-01T00:00:00+99:00",
    "1900-01-01T00:00:00Z",
    "2999-12-31T23:59:59.999999Z",
    "0001-01-01",
    "20260301",
    "2026-03-01T09:30:00.1234567Z",
    "yes",
    "No",
    " TRUE ",
    "on",
    "y",
    "DK",
    "dk",
    "DKK",
    "interview",
    " interview",
    "Slack",
    "x" * 65,
    "c1",
    " c1 ",
    "Fjord Foods ApS",
]

FIELDS = [
    (model, name, parser)
    for model in ROW_MODELS.values()
    for name, parser in cells.parsers(model).items()
]


def _agrees(model, name, parser, cell):
    try:
        fast = parser(cell)
    except cells.Decline:
        return
    # Validate a whole row so the model's own settings (stripping) apply.
    row = {n: _sample[n] for n in model.model_fields if model.model_fields[n].is_required()}
    row[name] = cell
    slow = getattr(model.model_validate(row), name)
    assert fast == slow and type(fast) is type(slow), (model.__name__, name, cell)


_sample = {
    "customer_id": "c1",
    "order_id": "o1",
    "response_id": "r1",
    "ticket_id": "t1",
    "session_id": "s1",
    "story_id": "st1",
    "title": "T",
    "body": "B",
    "source": "slack",
    "score": "5",
    "amount": "1",
    "signed_up_at": "2026-01-01",
    "ordered_at": "2026-01-01",
    "responded_at": "2026-01-01",
    "opened_at": "2026-01-01",
    "started_at": "2026-01-01",
    "created_at": "2026-01-01",
}


def test_every_column_of_every_table_has_a_fast_parser():
    for model in ROW_MODELS.values():
        assert set(cells.parsers(model)) == set(model.model_fields), model.__name__


@pytest.mark.parametrize(("model", "name", "parser"), FIELDS)
def test_a_cell_the_fast_parser_accepts_reads_the_same_through_the_model(model, name, parser):
    for cell in TRICKY:
        _agrees(model, name, parser, cell)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(FIELDS), st.text(alphabet="0123456789.-:TZ +ab", max_size=30))
def test_random_cells_never_pass_the_fast_parser_but_fail_the_model(field, cell):
    model, name, parser = field
    try:
        _agrees(model, name, parser, cell)
    except ValidationError as error:
        pytest.fail(f"{model.__name__}.{name}: fast accepted {cell!r}, model: {error}")


def test_a_constraint_the_parsers_do_not_know_gets_no_fast_parser():
    from typing import Annotated

    from pydantic import AfterValidator, BaseModel

    class Odd(BaseModel):
        n: Annotated[int, AfterValidator(lambda v: v)]

    assert cells.parsers(Odd) == {}
