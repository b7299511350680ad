"""Block Kit for KPI questions asked in words: the figure introduced in the asker's language
(the /kpi blocks follow unchanged), and the ask-back when it is unclear whether our figure or
the explanation was meant."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from bot import formatting
from bot.i18n import say
from bot.views.kpi import kpi_blocks, kpi_title
from bot.views.limits import MAX_BLOCKS, context, section
from bot.views.mrkdwn import escape

if TYPE_CHECKING:
    from metrics.models import KpiResult

SHOW_KPI = "kpi_question_show"
EXPLAIN_KPI = "kpi_question_explain"
#: Slack caps a button's value at 2000 characters; the question travels in it.
MAX_VALUE_CHARS = 2000


def figure_line(result: KpiResult, language: str) -> str:
    """`Vores Net Promoter Score for 2026-10: *28.0 points* (+4.0 points i forhold til …)`."""
    line = say(
        "kpi_question.figure",
        language,
        title=kpi_title(result, language),
        period=formatting.period_label(result.period, locale=language),
        value=formatting.value(result.value, result.unit, locale=language),
    )
    if result.delta is not None:
        line += say(
            "kpi_question.change",
            language,
            delta=formatting.delta(result.delta, result.unit, locale=language),
        )
    return line


def kpi_answer_blocks(result: KpiResult, language: str, *, chart_sent: bool) -> list[dict]:
    """The /kpi reply, introduced by one line in the asker's language."""
    blocks = [section(figure_line(result, language)), *kpi_blocks(result, language)]
    if chart_sent:
        blocks.append(context(say("kpi.chart_sent", language)))
    return blocks[:MAX_BLOCKS]


def choice_value(user_id: str, question: str) -> str:
    """What a button carries: who asked and what, within Slack's value limit."""
    value = json.dumps({"user": user_id, "question": question}, ensure_ascii=False)
    while len(value) > MAX_VALUE_CHARS:
        question = question[: len(question) - (len(value) - MAX_VALUE_CHARS) - 1]
        value = json.dumps({"user": user_id, "question": question}, ensure_ascii=False)
    return value


def read_choice(value: str) -> tuple[str, str] | None:
    """(asker, question) from a button's value; None if it is not ours."""
    try:
        data = json.loads(value)
        return str(data["user"]), str(data["question"])
    except (ValueError, KeyError, TypeError):
        return None


def ask_back_blocks(kpi_title: str, language: str, *, user_id: str, question: str) -> list[dict]:
    """Two buttons: our figure or the explanation."""
    kpi = escape(kpi_title)
    value = choice_value(user_id, question)
    return [
        section(say("kpi_question.which", language, kpi=kpi)),
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": SHOW_KPI,
                    "style": "primary",
                    "text": {
                        "type": "plain_text",
                        "text": say("kpi_question.show", language, kpi=kpi_title),
                    },
                    "value": value,
                },
                {
                    "type": "button",
                    "action_id": EXPLAIN_KPI,
                    "text": {
                        "type": "plain_text",
                        "text": say("kpi_question.explain", language, kpi=kpi_title),
                    },
                    "value": value,
                },
            ],
        },
    ]


def ask_back_text(kpi_title: str, language: str) -> str:
    return say("kpi_question.which", language, kpi=escape(kpi_title))
