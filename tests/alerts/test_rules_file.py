"""The targets and alert rules file: what it declares, and one sentence with the file, the
line and the reason for every mistake an operator can make in it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.alerts.rules import AlertRule, Condition
from metrics.alerts.rules_file import DEFAULT_FILE, load_rule_book, parse_rule_book
from metrics.errors import RulesFileError

NPS_RULE = "alerts:\n  - name: nps-low\n    kpi: nps\n    period: 30d\n"


def error_of(text: str) -> RulesFileError:
    with pytest.raises(RulesFileError) as caught:
        parse_rule_book(text, "rules.yaml")
    return caught.value


def test_the_shipped_file_sets_an_nps_target_of_40_and_the_two_example_rules() -> None:
    book = load_rule_book(DEFAULT_FILE)
    assert book.target("nps") == 40
    nps, churn = book.alerts
    assert (nps.kpi, nps.period, nps.condition) == (
        "nps",
        "30d",
        Condition(kind="below", threshold=30),
    )
    assert (churn.kpi, churn.period, churn.condition) == (
        "churn_rate",
        "last-month",
        Condition(kind="rises_by", threshold=1),
    )
    assert nps.channel is None, "the defaults post nowhere until a channel is configured"


def test_an_alias_is_read_as_the_kpi_it_names_and_filters_become_the_query() -> None:
    book = parse_rule_book(
        "targets: {churn: 2.5}\nalerts:\n  - name: ent-churn\n    kpi: churn\n"
        "    segments: {Segment: enterprise}\n    above: 3\n    channel: C0ALERTS\n"
    )
    [rule] = book.alerts
    assert book.targets == {"churn_rate": 2.5}
    assert rule.query().name == "churn_rate"
    assert rule.query().segments == {"segment": "enterprise"}


@pytest.mark.parametrize(
    ("kind", "threshold", "value", "change", "breached"),
    [
        ("below", 30, 29.9, None, True),
        ("below", 30, 30.0, None, False),
        ("above", 5, 5.1, None, True),
        ("rises_by", 1, 3.0, 1.01, True),
        ("rises_by", 1, 3.0, 1.0, False),
        ("rises_by", 1, 3.0, -4.0, False),
        ("falls_by", 3, 30.0, -3.5, True),
        ("falls_by", 3, 30.0, 3.5, False),
        ("rises_by", 1, 3.0, None, None),
    ],
)
def test_a_condition_is_breached_only_strictly_past_its_threshold(
    kind: str, threshold: float, value: float, change: float | None, breached: bool | None
) -> None:
    assert Condition(kind=kind, threshold=threshold).holds(value, change) is breached


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("targets:\n  npss: 40\n", 2, "There is no KPI called 'npss'"),
        (NPS_RULE + "    below: thirty\n", 5, "`below` must be a number, not 'thirty'"),
        (NPS_RULE + "    below: yes\n", 5, "`below` must be a number, not true"),
        (NPS_RULE + "    below: .nan\n", 5, "`below` must be a finite number"),
        (NPS_RULE + "    belw: 30\n", 5, "`belw` is not a known field; a rule has name, kpi"),
        (
            NPS_RULE,
            2,
            "needs exactly one condition of below, above, rises_by or falls_by (it has none)",
        ),
        (NPS_RULE + "    below: 30\n    above: 60\n", 2, "(it has below and above)"),
        (NPS_RULE + "    below: 30\n    below: 20\n", 6, "`below` is given twice"),
        (NPS_RULE + "    rises_by: -1\n", 2, "rises_by must be more than 0"),
        (NPS_RULE + "    below: 30\n    channel: '#alerts'\n", 6, "not a channel id"),
        (NPS_RULE + "    below: 30\n    language: fi\n", 6, "not one of da, no, sv, en"),
        (
            "alerts:\n  - name: Nps Low\n    kpi: nps\n    below: 3\n",
            2,
            "the name 'Nps Low' must be",
        ),
        (
            "alerts:\n  - name: a\n    kpi: nps\n    period: lastweek\n    below: 3\n",
            4,
            "the period 'lastweek'",
        ),
        (
            "alerts:\n  - name: a\n    kpi: nps\n    segments: {plan: x}\n    below: 3\n",
            4,
            "Unknown segment key 'plan'",
        ),
        ("alerts:\n  - name: a\n    below: 3\n", 2, "`kpi` is missing"),
        (
            "alerts:\n  - name: a\n    kpi: nps\n    below: 3\n  - name: a\n    kpi: nps\n    above: 9\n",
            5,
            "the rule name 'a' is used twice",
        ),
        (
            "targets: {churn: 2, churn_rate: 3}\n",
            1,
            "'churn' and 'churn_rate' are both targets for churn_rate",
        ),
        ("alerts:\n  - nps below 30\n", 2, "a rule must be a mapping of fields"),
        ("alerts: nps\n", 1, "`alerts` must be a list of rules"),
        ("- nps\n", 1, "the file must be a mapping with `targets:` and `alerts:`"),
        (
            "targets: {nps: 40}\nalert:\n  - name: a\n",
            2,
            "`alert` is not a known field; the file has targets, alerts",
        ),
        ("alerts: [\n  {name: a, kpi: nps\n", 3, "it is not valid YAML"),
        (
            "base: &rule {kpi: nps}\nalerts:\n  - *rule\n",
            1,
            "anchors and aliases (& and *) are not supported",
        ),
    ],
)
def test_each_mistake_is_one_sentence_with_the_file_the_line_and_the_reason(
    text: str, line: int, reason: str
) -> None:
    error = error_of(text)
    assert error.line == line, str(error)
    assert reason in error.reason, str(error)
    sentence = str(error)
    assert sentence.startswith(f"Line {line} of the alert rules file rules.yaml: ")
    assert sentence.endswith(".") and "\n" not in sentence and "Traceback" not in sentence


def test_a_file_that_is_missing_too_large_or_not_text_says_so(tmp_path: Path) -> None:
    with pytest.raises(
        RulesFileError, match=r"rules\.yaml cannot be used: there is no such file\.$"
    ):
        load_rule_book(tmp_path / "rules.yaml")
    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * 300_000)
    with pytest.raises(RulesFileError, match="larger than 256 KB"):
        load_rule_book(big)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("targets:\n  nps: 40\n# Søren\n".encode("latin-1"))
    with pytest.raises(RulesFileError, match="line 3 .*not UTF-8|Line 3 .*not UTF-8"):
        load_rule_book(latin)


def test_a_billion_laughs_file_is_refused_before_it_is_expanded() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    assert "anchors and aliases" in str(error_of("\n".join(lines) + "\n"))


def test_an_empty_file_declares_nothing() -> None:
    book = parse_rule_book("# nothing yet\n")
    assert (book.targets, book.alerts) == ({}, [])


def test_unquoted_no_is_norwegian() -> None:
    book = parse_rule_book(NPS_RULE + "    below: 30\n    language: no\n")
    assert book.alerts[0].language == "no"


def test_a_rule_is_a_frozen_declaration() -> None:
    rule = AlertRule(name="r", kpi="nps", below=30)
    with pytest.raises(ValueError):
        rule.below = 20  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("x: !!python/object:os.system {}\n", "could not determine a constructor for the tag"),
        ("a: !!binary zzz\n", "failed to decode base64 data"),
        ("{? [a]: 1}\n", "found unhashable key"),
        ("targets: {1: 2}\n", "`1` is not a KPI name"),
        ("targets: {nps: 2026-01-01}\n", "`nps` must be a number, not 2026-01-01"),
    ],
)
def test_tags_odd_keys_and_dates_are_mistakes_with_a_line_not_crashes(
    text: str, reason: str
) -> None:
    error = error_of(text)
    assert reason in error.reason and error.line == 1


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            [
                "targets:",
                "alerts:",
                "  - name: a",
                "    kpi: nps",
                "    below: 30",
                "  nps: 40",
                "    period: 30d",
                "    rises_by: x",
                "    channel: C0A",
                "- ",
                "  ",
                "&a [1]",
                "*a",
                "!!python/object:x {}",
                "{",
                "]",
                ": :",
                "    segments: {segment: x}",
                "    language: no",
                "\t",
                "'",
                '"',
                "#",
                "    below: .inf",
                "---",
                "...",
            ]
        )
        | st.text(max_size=30),
        max_size=12,
    )
)
def test_any_text_is_a_rule_book_or_one_sentence_never_a_crash(lines: list[str]) -> None:
    try:
        parse_rule_book("\n".join(lines), "fuzz.yaml")
    except RulesFileError as error:
        sentence = str(error)
        assert "fuzz.yaml" in sentence and sentence.endswith(".")
