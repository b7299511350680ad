"""Routing quality on tests/data/kpi_routing.yaml: KPI questions reach the metrics layer,
concept and off-topic questions the knowledge base. Precision and recall of the KPI route per
language, and how often the KPI query (name, period, segments) is read exactly.

Measured 2026-12-10 (the set written before the parser, by the same author: treat the
figures as an upper bound): precision 1.00 and recall 1.00 in da, no, sv and en; the query
read exactly for 48/48 KPI questions; no concept question asked back. Run with -s to
see the table. The floors sit a little under, so a change that routes worse fails.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from bot.answering.kpi_questions import Route, read_question

QUESTIONS = yaml.safe_load(
    (Path(__file__).parents[1] / "data" / "kpi_routing.yaml").read_text(encoding="utf-8")
)
#: "i oktober" and "last month" are read relative to this day, as the set's labels are.
NOW = datetime(2026, 12, 10, 12, tzinfo=ZoneInfo("Europe/Copenhagen"))
LANGUAGES = ("da", "no", "sv", "en")
PRECISION_FLOOR = 0.9
RECALL_FLOOR = 0.9
QUERY_FLOOR = 0.9


def test_the_set_has_at_least_twenty_questions_per_language_of_all_three_intents() -> None:
    for language in LANGUAGES:
        mine = [q for q in QUESTIONS if q["language"] == language]
        assert len(mine) >= 20
        assert {q["intent"] for q in mine} == {"kpi", "knowledge", "off_topic"}


def test_kpi_questions_are_routed_to_the_metrics_layer_and_others_are_not() -> None:
    table = []
    for language in LANGUAGES:
        hits = false_alarms = misses = exact = 0
        for q in (q for q in QUESTIONS if q["language"] == language):
            read = read_question(q["question"], now=NOW)
            routed_to_kpi = read is not None and read.route is Route.KPI
            wanted = q["intent"] == "kpi"
            hits += routed_to_kpi and wanted
            false_alarms += routed_to_kpi and not wanted
            misses += wanted and not routed_to_kpi
            if wanted and routed_to_kpi:
                expected = (q["kpi"], q.get("period"), q.get("segments") or {})
                exact += (read.kpi, read.period, read.segments) == expected
        precision = hits / ((hits + false_alarms) or 1)
        recall = hits / ((hits + misses) or 1)
        query = exact / ((hits + misses) or 1)
        table.append((language, precision, recall, query))
    print("\nlanguage precision recall query-exact")
    for language, precision, recall, query in table:
        print(f"{language:8} {precision:9.2f} {recall:6.2f} {query:11.2f}")
    for language, precision, recall, query in table:
        assert precision >= PRECISION_FLOOR, (language, precision)
        assert recall >= RECALL_FLOOR, (language, recall)
        assert query >= QUERY_FLOOR, (language, query)


def test_no_off_topic_question_is_answered_with_a_figure() -> None:
    wrong = [
        q["question"]
        for q in QUESTIONS
        if q["intent"] == "off_topic" and read_question(q["question"], now=NOW) is not None
    ]
    assert wrong == []
