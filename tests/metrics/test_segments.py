"""Segment filters: allow-listed keys, validated values, bound parameters."""

from __future__ import annotations

import pytest

from metrics.errors import BadSegment
from metrics.segments import breakdown_column, normalise_segments, parse_segment


def test_key_value_text_is_split_and_the_key_lower_cased() -> None:
    assert parse_segment("Country=DK") == ("country", "DK")
    assert parse_segment("segment= enterprise ") == ("segment", "enterprise")


@pytest.mark.parametrize("text", ["enterprise", "=DK", "country=", ""])
def test_malformed_filters_explain_the_form(text: str) -> None:
    with pytest.raises(BadSegment, match="KEY=VALUE"):
        parse_segment(text)


def test_unknown_keys_are_refused_listing_the_allowed_ones() -> None:
    with pytest.raises(BadSegment) as error:
        normalise_segments({"name": "Alice"})
    assert "segment" in str(error.value) and "country" in str(error.value)


def test_breakdown_accepts_only_customer_attributes() -> None:
    assert breakdown_column("Segment") is not None
    assert breakdown_column(None) is None
    with pytest.raises(BadSegment, match="segment, country"):
        breakdown_column("customer_id; drop table customers")


def test_values_are_bound_parameters_not_sql_text() -> None:
    from metrics.segments import segment_conditions

    condition = segment_conditions({"segment": "x' OR '1'='1"})[0]
    compiled = condition.compile()
    assert "OR" not in str(compiled)
    assert "x' or '1'='1" in compiled.params.values()
