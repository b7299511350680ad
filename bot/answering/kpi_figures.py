"""Questions in words that ask for our KPI figures, answered from the metrics layer.

A mention, DM or `/ask` is read by bot.answering.kpi_questions first: our figure ("Hvad var
vores NPS i oktober?") is computed exactly as `/kpi` computes it, with the same access rule,
errors and chart (sent to the asker's DM, as for a private /kpi reply); a concept ("Hvordan
beregnes NPS?") or a question naming no KPI goes on to the knowledge base; when it is unclear
which was meant, the reply asks back with two buttons (bot.listeners.actions.kpi_question).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from slack_sdk import WebClient

from bot.answering.kpi_questions import KpiQuestion, Route, read_question
from bot.services import Services
from bot.slack.failures import failure_text, request_id
from bot.views.answer import error_reply
from bot.views.kpi import kpi_summary_text
from bot.views.kpi_question import ask_back_blocks, ask_back_text, kpi_answer_blocks
from metrics.errors import MetricsError
from metrics.periods import zone
from metrics.registry import get_kpi

log = logging.getLogger(__name__)

#: (notification text, blocks), as bot.answering.answer.Reply takes them.
Message = tuple[str, list[dict]]


def read(services: Services, question: str) -> KpiQuestion | None:
    """The question read against today's date in the KPI timezone."""
    try:
        now = datetime.now(zone(services.settings.kpi_timezone))
    except MetricsError:  # a bad KPI_TIMEZONE: /kpi reports it when the figure is computed
        now = datetime.now(UTC)
    return read_question(question, now=now)


def answer_if_kpi(
    client: WebClient, services: Services, *, user_id: str, question: str
) -> Message | None:
    """Our figure, or the ask-back; None when the knowledge base should answer."""
    asked = read(services, question)
    if asked is None or asked.route is Route.CONCEPT:
        return None
    if asked.route is Route.UNSURE and asked.kpi is not None:
        title = get_kpi(asked.kpi).title
        return ask_back_text(title, asked.language), ask_back_blocks(
            title, asked.language, user_id=user_id, question=question
        )
    return figure(client, services, user_id=user_id, asked=asked)


def figure(client: WebClient, services: Services, *, user_id: str, asked: KpiQuestion) -> Message:
    """The KPI as `/kpi` shows it, introduced in the asker's language; the chart goes to the
    asker's DM. Refusals and errors are the same sentences `/kpi` gives."""
    language = asked.language
    if not services.kpi_access.allows(client, user_id):
        return error_reply(services.kpi_access.refusal(language), escaped=True)
    if asked.problem or asked.kpi is None:
        return error_reply(asked.problem or "")
    # /kpi's own computation, so both give the same figure. Imported here: the listener
    # package imports bot.answering.answer, which imports this module.
    from bot.listeners.commands.kpi import COMPUTE_SLOTS, render_chart
    from metrics.kpi_query import KpiQuery

    query = KpiQuery(name=asked.kpi, period=asked.period, segments=dict(asked.segments))
    rid = request_id()
    try:
        with COMPUTE_SLOTS:
            result = services.kpis().compute(query)
            chart = render_chart(result, rid)
    except Exception as error:
        text = failure_text(
            error, rid, f"KPI {asked.kpi}", language=language, doing="computing", kpi=asked.kpi
        )
        return error_reply(text, escaped=True)
    summary = kpi_summary_text(result, language)
    if chart is not None:
        try:
            dm = client.conversations_open(users=user_id)["channel"]["id"]
            client.files_upload_v2(
                channel=dm,
                content=chart,
                filename=f"{result.kpi}.png",
                title=summary,
                initial_comment=summary,
            )
        except Exception:
            log.exception("could not send the trend chart [request id %s]", rid)
            chart = None
    return summary, kpi_answer_blocks(result, asked.language, chart_sent=chart is not None)
