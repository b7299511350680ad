"""The two buttons under an ask-back ("Show our NPS" / "Explain NPS"): the asker says which
they meant, and the ask-back is replaced by our figure or by the knowledge base's answer.

The buttons carry the asker and the question (bot.views.kpi_question.choice_value); only the
asker may choose, and the figure is subject to the KPI access rule like every KPI answer.
"""

from __future__ import annotations

import dataclasses

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot import services
from bot.answering.answer import compose_answer
from bot.answering.kpi_figures import figure, read
from bot.answering.kpi_questions import Route
from bot.i18n import say
from bot.slack.dedupe import once
from bot.views.kpi_question import EXPLAIN_KPI, SHOW_KPI, read_choice


def acknowledge(ack: Ack) -> None:
    ack()


def choose(
    body: dict, action: dict, client: WebClient, context: BoltContext, respond: Respond
) -> None:
    choice = read_choice(action.get("value", ""))
    if choice is None:
        return
    asker, question = choice
    user = body["user"]["id"]
    svc = services.of(context)
    if user != asker:
        text = say("kpi_question.not_yours", svc.readers.of(client, user))
        respond(response_type="ephemeral", replace_original=False, text=text)
        return
    if action["action_id"] == SHOW_KPI:
        asked = read(svc, question)
        if asked is None:
            return
        text, blocks = figure(
            client, svc, user_id=user, asked=dataclasses.replace(asked, route=Route.KPI)
        )
    else:
        channel = (body.get("channel") or {}).get("id")
        reply = compose_answer(
            svc, user_id=user, channel=channel, thread_ts=None, question=question
        )
        text, blocks = reply.text, reply.blocks
    respond(replace_original=True, text=text, blocks=blocks)


def register(app: App) -> None:
    """Adds this listener to the app."""
    for action_id in (SHOW_KPI, EXPLAIN_KPI):
        app.action(action_id)(ack=acknowledge, lazy=[once(choose)])
