"""`/kpi`: a live KPI with its change, sample size and trend chart.

Replies are ephemeral (only the asker sees them) unless `share` is given. Ephemeral
messages cannot carry uploaded files, so the chart of a private reply goes to the asker's
direct message with the bot; a shared reply gets its chart in the message's thread.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import services
from bot.dedupe import once
from bot.failures import DATABASE_DOWN, database_down_text, request_id, unexpected_error_text
from bot.services import Services
from bot.views.kpi import help_blocks, kpi_blocks, kpi_summary_text
from bot.views.limits import cap_blocks
from bot.views.limits import context as context_block
from bot.views.mrkdwn import escape
from bot.views.why import why_blocks, why_unavailable_blocks
from metrics.errors import MetricsError
from metrics.periods import period_expression

log = logging.getLogger(__name__)

HELP_WORDS = {"", "help", "list", "?"}
#: KPI work is CPU-bound (SQL + matplotlib). Letting every listener thread run it at once
#: starves the threads that ack new requests (the GIL), so only a few compute at a time;
#: the rest wait without using CPU.
COMPUTE_SLOTS = threading.BoundedSemaphore(max(2, os.cpu_count() or 2))


class BadArguments(ValueError):
    """The command text could not be understood; the message says how to write it."""


@dataclass
class KpiRequest:
    name: str
    period: str | None = None
    segments: dict[str, str] = field(default_factory=dict)
    by: str | None = None
    compare: str | None = None
    why: bool = False
    share: bool = False


def parse(text: str) -> KpiRequest | None:
    """`nps 90d segment=smb by=country compare=yoy why share` → KpiRequest; None means
    "show the help"."""
    words = text.split()
    if not words or words[0].lower() in HELP_WORDS:
        return None
    request = KpiRequest(name=words[0].lower())
    for word in words[1:]:
        if word.lower() == "share":
            request.share = True
        elif word.lower() == "why":
            request.why = True
        elif "=" in word:
            key, _, value = word.partition("=")
            if not key or not value:
                raise BadArguments(f"`{word}` needs a key and a value, like `country=DK`.")
            if key.lower() == "by":
                request.by = value
            elif key.lower() == "compare":
                request.compare = value
            else:
                request.segments[key.lower()] = value
        elif request.period is None:
            request.period = word
        else:
            raise BadArguments(
                f"I didn't understand `{word}`: give at most one period, then filters like "
                "`segment=enterprise`, `by=segment` or `share` (see `/kpi help`)."
            )
    return request


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
    except BadArguments as error:
        respond(response_type="ephemeral", text=escape(str(error)))
        return
    if request is None:
        from metrics.registry import list_kpis

        respond(
            response_type="ephemeral",
            text="KPIs",
            blocks=help_blocks(list_kpis(svc.settings.kpi_currency)),
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
    try:
        result = compute(svc, request)
    except DATABASE_DOWN as error:
        log.error(
            "KPI %s failed, database unavailable [request id %s]: %s", request.name, rid, error
        )
        respond(response_type="ephemeral", text=database_down_text(rid))
        return
    except MetricsError as error:
        respond(response_type="ephemeral", text=escape(str(error)))
        return
    except Exception:
        log.exception("KPI %s failed [request id %s]", request.name, rid)
        respond(
            response_type="ephemeral",
            text=unexpected_error_text(rid, f"computing {escape(request.name)}"),
        )
        return
    blocks = kpi_blocks(result)
    if request.why:
        blocks = cap_blocks([*blocks, *why_or_reason(svc, request, rid)])
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
    from metrics.kpis import compute_kpi

    s = svc.settings
    return compute_kpi(
        svc.engine(),
        request.name,
        period_expression(request.period or s.kpi_default_period, request.compare),
        segments=request.segments or None,
        by=request.by,
        timezone=s.kpi_timezone,
        min_sample=s.kpi_min_sample,
        currency=s.kpi_currency,
        gross_margin=s.kpi_gross_margin,
        discount_rate=s.kpi_discount_rate,
    )


def why_or_reason(svc: Services, request: KpiRequest, rid: str) -> list[dict]:
    """`why`: the change split into mix and rate, or the one sentence saying why not; the
    figure itself still goes out if this part fails."""
    from metrics.why import explain_change

    s = svc.settings
    try:
        why = explain_change(
            svc.engine(),
            request.name,
            period_expression(request.period or s.kpi_default_period, request.compare),
            segments=request.segments or None,
            timezone=s.kpi_timezone,
            min_sample=s.kpi_min_sample,
            currency=s.kpi_currency,
            gross_margin=s.kpi_gross_margin,
            discount_rate=s.kpi_discount_rate,
        )
    except MetricsError as error:
        return why_unavailable_blocks(str(error))
    except Exception:
        log.exception("why for KPI %s failed [request id %s]", request.name, rid)
        return why_unavailable_blocks(unexpected_error_text(rid, "explaining the change"))
    return why_blocks(why)


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
