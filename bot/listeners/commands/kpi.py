"""`/kpi`: a live KPI with its change, sample size and trend chart.

Replies are ephemeral (only the asker sees them) unless `share` is given. Ephemeral
messages cannot carry uploaded files, so the chart of a private reply goes to the asker's
direct message with the bot; a shared reply gets its chart in the message's thread.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import services
from bot.dedupe import once
from bot.failures import DATABASE_DOWN, database_down_text, request_id, unexpected_error_text
from bot.services import Services
from bot.views.comment_themes import themes_blocks, themes_failed_blocks
from bot.views.kpi import help_blocks, kpi_blocks, kpi_summary_text
from bot.views.limits import cap_blocks
from bot.views.limits import context as context_block
from bot.views.mrkdwn import escape
from bot.views.why import why_blocks, why_unavailable_blocks
from metrics.errors import MetricsError
from metrics.kpi_query import KpiQuery

if TYPE_CHECKING:
    from metrics.why import WhyResult

log = logging.getLogger(__name__)

HELP_WORDS = {"", "help", "list", "?"}
#: KPI work is CPU-bound (SQL + matplotlib). Letting every listener thread run it at once
#: starves the threads that ack new requests (the GIL), so only a few compute at a time;
#: the rest wait without using CPU.
COMPUTE_SLOTS = threading.BoundedSemaphore(max(2, os.cpu_count() or 2))


class BadArguments(ValueError):
    """The command text could not be understood; the message says how to write it."""


@dataclass(frozen=True)
class KpiRequest:
    """The KPI asked for, whether to explain its change (`why`) and whether to post it in
    the channel (`share`)."""

    query: KpiQuery
    why: bool = False
    share: bool = False


def parse(text: str) -> KpiRequest | None:
    """`nps 90d segment=smb by=country compare=yoy why share` → KpiRequest; None means
    "show the help".

    Filters become a KpiQuery as `journeybot kpi -s` options do (KpiQuery.parse), so a key
    given twice with two values is refused here too (BadSegment, a MetricsError)."""
    words = text.split()
    if not words or words[0].lower() in HELP_WORDS:
        return None
    period: str | None = None
    by: str | None = None
    compare: str | None = None
    filters: list[str] = []
    share = False
    why = False
    for word in words[1:]:
        key, equals, value = word.partition("=")
        if word.lower() == "share":
            share = True
        elif word.lower() == "why":
            why = True
        elif equals and key.lower() in ("by", "compare"):
            if not value:
                example = "by=segment" if key.lower() == "by" else "compare=yoy"
                raise BadArguments(f"`{word}` needs a key and a value, like `{example}`.")
            if key.lower() == "by":
                by = value
            else:
                compare = value
        elif equals:
            filters.append(word)
        elif period is None:
            period = word
        else:
            raise BadArguments(
                f"I didn't understand `{word}`: give at most one period, then filters like "
                "`segment=enterprise`, `by=segment` or `share` (see `/kpi help`)."
            )
    query = KpiQuery.parse(words[0], period=period, filters=filters, by=by, compare=compare)
    return KpiRequest(query, why=why, share=share)


def acknowledge(ack: Ack) -> None:
    ack()


def answer_kpi(command: dict, client: WebClient, context: BoltContext, respond: Respond) -> None:
    svc = services.of(context)
    user = command["user_id"]
    if not svc.kpi_access.allows(client, user):
        respond(response_type="ephemeral", text=svc.kpi_access.refusal())
        return
    try:
        request = parse(command.get("text", ""))
    except (BadArguments, MetricsError) as error:
        respond(response_type="ephemeral", text=escape(str(error)))
        return
    if request is None:
        respond(
            response_type="ephemeral", text="KPIs", blocks=help_blocks(svc.kpis().definitions())
        )
        return
    rid = request_id()
    with COMPUTE_SLOTS:
        reply_with_kpi(svc, request, command, client, respond, rid)


def reply_with_kpi(
    svc: Services,
    request: KpiRequest,
    command: dict,
    client: WebClient,
    respond: Respond,
    rid: str,
) -> None:
    user = command["user_id"]
    name = request.query.name
    try:
        result = compute(svc, request)
    except DATABASE_DOWN as error:
        log.error("KPI %s failed, database unavailable [request id %s]: %s", name, rid, error)
        respond(response_type="ephemeral", text=database_down_text(rid))
        return
    except MetricsError as error:
        respond(response_type="ephemeral", text=escape(str(error)))
        return
    except Exception:
        log.exception("KPI %s failed [request id %s]", name, rid)
        respond(
            response_type="ephemeral", text=unexpected_error_text(rid, f"computing {escape(name)}")
        )
        return
    blocks = kpi_blocks(result)
    if request.why:
        blocks = cap_blocks([*blocks, *why_or_reason(svc, request, rid, client)])
    summary = kpi_summary_text(result)
    chart = render_chart(result, rid)
    if request.share:
        share(client, respond, command, blocks, summary, chart, result.kpi)
        return
    if chart is not None:
        blocks = [
            *blocks,
            context_block(
                ":chart_with_upwards_trend: Trend chart sent to you in a direct message."
            ),
        ]
    respond(response_type="ephemeral", text=summary, blocks=blocks)
    if chart is not None:
        dm = client.conversations_open(users=user)["channel"]["id"]
        client.files_upload_v2(
            channel=dm,
            content=chart,
            filename=f"{result.kpi}.png",
            title=summary,
            initial_comment=summary,
        )


def compute(svc: Services, request: KpiRequest):  # noqa: ANN201 (KpiResult, imported lazily)
    """The request's KPI, computed by the services' KPI service (its settings, not ours)."""
    return svc.kpis().compute(request.query)


def why_or_reason(
    svc: Services, request: KpiRequest, rid: str, client: WebClient | None = None
) -> list[dict]:
    """`why`: the change split into mix and rate, or the one sentence saying why not; the
    figure itself still goes out if this part fails. NPS and CSAT add their comment themes."""
    try:
        why = svc.kpis().explain(request.query)
    except MetricsError as error:
        return why_unavailable_blocks(str(error))
    except Exception:
        log.exception("why for KPI %s failed [request id %s]", request.query.name, rid)
        return why_unavailable_blocks(unexpected_error_text(rid, "explaining the change"))
    return [*why_blocks(why), *themes_or_reason(svc, request, why, rid, client)]


def themes_or_reason(
    svc: Services, request: KpiRequest, why: WhyResult, rid: str, client: WebClient | None
) -> list[dict]:
    """What detractors and promoters wrote (NPS, CSAT; nothing for other KPIs), or one
    sentence: the split above still goes out if this part fails."""
    from bot.comment_themes import themes_for  # the text pipeline loads on first use

    try:
        themes = themes_for(svc, request.query, why, client)
    except Exception:
        log.exception("comment themes for %s failed [request id %s]", request.query.name, rid)
        return themes_failed_blocks(rid)
    if themes is None:
        return []
    return themes_blocks(themes, why.period.comparison or why.previous_period.label)


def render_chart(result: object, rid: str) -> bytes | None:
    """The trend PNG, or None (logged) if it cannot be drawn: the figures still go out."""
    try:
        from metrics.chart import render_trend

        return render_trend(result)  # type: ignore[arg-type]
    except Exception:
        log.exception("could not draw the trend chart [request id %s]", rid)
        return None


def share(
    client: WebClient,
    respond: Respond,
    command: dict,
    blocks: list[dict],
    summary: str,
    chart: bytes | None,
    kpi: str,
) -> None:
    channel = command["channel_id"]
    try:
        posted = client.chat_postMessage(channel=channel, text=summary, blocks=blocks)
    except SlackApiError as error:
        if error.response.get("error") in ("not_in_channel", "channel_not_found"):
            respond(
                response_type="ephemeral",
                text="I can't post in this channel; invite me with `/invite @journeybot` "
                "or leave out `share` to see the KPI privately.",
            )
            return
        raise
    if chart is not None:
        client.files_upload_v2(
            channel=posted["channel"],
            thread_ts=posted["ts"],
            content=chart,
            filename=f"{kpi}.png",
            title=summary,
        )


def register(app: App) -> None:
    """Adds this listener to the app."""
    app.command("/kpi")(ack=acknowledge, lazy=[once(answer_kpi)])
