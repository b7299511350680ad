"""`/kpi`: a live KPI with its change, sample size and trend chart.

Replies are ephemeral (only the asker sees them) unless `share` is given. Ephemeral
messages cannot carry uploaded files, so the chart of a private reply goes to the asker's
direct message with the bot. A shared reply shows its chart inside the message: the PNG is
uploaded without a channel (files.uploadV2) and the message's image block names the file
(`slack_file`), since image blocks otherwise need a public URL.

Everything is said in the asker's language (their Slack locale, bot/i18n/reader.py), read in
the lazy listener, never before the ack.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import services
from bot.formatting import comparison
from bot.i18n import say
from bot.services import Services
from bot.slack.dedupe import once
from bot.slack.failures import failure_text, problem_text, request_id, unexpected_error_text
from bot.views.comment_themes import themes_blocks, themes_failed_blocks
from bot.views.kpi import help_blocks, kpi_blocks, kpi_summary_text
from bot.views.limits import cap_blocks
from bot.views.limits import context as context_block
from bot.views.mrkdwn import escape
from bot.views.why import why_blocks, why_unavailable_blocks
from metrics.errors import MetricsError
from metrics.kpi_query import KpiQuery

if TYPE_CHECKING:
    from metrics.models import KpiResult
    from metrics.why import WhyResult

log = logging.getLogger(__name__)

HELP_WORDS = {"", "help", "list", "?"}
#: KPI work is CPU-bound (SQL + matplotlib). Letting every listener thread run it at once
#: starves the threads that ack new requests (the GIL), so only a few compute at a time;
#: the rest wait without using CPU.
COMPUTE_SLOTS = threading.BoundedSemaphore(max(2, os.cpu_count() or 2))
#: Slack processes an upload after files.uploadV2 returns; until then a message naming the
#: file is refused (`invalid_blocks`). Waits before each new try, in seconds.
CHART_READY_WAITS = (0.5, 1.0, 2.0)


class BadArguments(ValueError):
    """The command text could not be understood; the message says how to write it (and,
    as metrics errors do, `code` and `values` say it in other languages)."""

    def __init__(self, message: str, *, code: str, **values: str) -> None:
        super().__init__(message)
        self.code = code
        self.values = values


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
                raise BadArguments(
                    f"`{word}` needs a key and a value, like `{example}`.",
                    code="kpi_needs_value",
                    word=word,
                    example=example,
                )
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
                "`segment=enterprise`, `by=segment` or `share` (see `/kpi help`).",
                code="kpi_not_understood",
                word=word,
            )
    query = KpiQuery.parse(words[0], period=period, filters=filters, by=by, compare=compare)
    return KpiRequest(query, why=why, share=share)


def acknowledge(ack: Ack) -> None:
    ack()


def answer_kpi(command: dict, client: WebClient, context: BoltContext, respond: Respond) -> None:
    svc = services.of(context)
    user = command["user_id"]
    language = svc.readers.of(client, user, typed=command.get("text", ""))
    if not svc.kpi_access.allows(client, user):
        respond(response_type="ephemeral", text=svc.kpi_access.refusal(language))
        return
    try:
        request = parse(command.get("text", ""))
    except (BadArguments, MetricsError) as error:
        respond(response_type="ephemeral", text=problem_text(error, language))
        return
    if request is None:
        respond(
            response_type="ephemeral",
            text=say("kpi.help_fallback", language),
            blocks=help_blocks(svc.kpis().definitions(), language),
        )
        return
    reply_with_kpi(svc, request, command, client, respond, request_id(), language)


def reply_with_kpi(
    svc: Services,
    request: KpiRequest,
    command: dict,
    client: WebClient,
    respond: Respond,
    rid: str,
    language: str = "en",
) -> None:
    """Computes in one of the COMPUTE_SLOTS, then talks to Slack without holding it (a shared
    chart may wait seconds for Slack to process the upload)."""
    user = command["user_id"]
    name = request.query.name
    problem = None
    with COMPUTE_SLOTS:
        try:
            result = compute(svc, request)
        except Exception as error:
            problem = failure_text(
                error, rid, f"KPI {name}", language=language, doing="computing", kpi=escape(name)
            )
        else:
            why = why_or_reason(svc, request, rid, language, client) if request.why else []
            chart = render_chart(result, rid)
    if problem is not None:
        respond(response_type="ephemeral", text=problem)
        return
    summary = kpi_summary_text(result, language)
    if request.share:
        share(client, respond, command, result, why, summary, chart, language)
        return
    blocks = cap_blocks([*kpi_blocks(result, language), *why])
    if chart is not None:
        blocks = [*blocks, context_block(say("kpi.chart_sent", language))]
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


def compute(svc: Services, request: KpiRequest) -> KpiResult:
    """The request's KPI, computed by the services' KPI service (its settings, not ours)."""
    return svc.kpis().compute(request.query)


def why_or_reason(
    svc: Services,
    request: KpiRequest,
    rid: str,
    language: str = "en",
    client: WebClient | None = None,
) -> list[dict]:
    """`why`: the change split into mix and rate, or the one sentence saying why not; the
    figure itself still goes out if this part fails. NPS and CSAT add their comment themes."""
    try:
        why = svc.kpis().explain(request.query)
    except MetricsError as error:
        return why_unavailable_blocks(problem_text(error, language))
    except Exception:
        log.exception("why for KPI %s failed [request id %s]", request.query.name, rid)
        return why_unavailable_blocks(unexpected_error_text(rid, "explaining", language=language))
    return [*why_blocks(why, language), *themes_or_reason(svc, request, why, rid, client, language)]


def themes_or_reason(
    svc: Services,
    request: KpiRequest,
    why: WhyResult,
    rid: str,
    client: WebClient | None,
    language: str = "en",
) -> list[dict]:
    """What detractors and promoters wrote (NPS, CSAT; nothing for other KPIs), or one
    sentence: the split above still goes out if this part fails."""
    from bot.answering.comment_themes import themes_for  # the text pipeline loads on first use

    try:
        themes = themes_for(svc, request.query, why, client)
    except Exception:
        log.exception("comment themes for %s failed [request id %s]", request.query.name, rid)
        return themes_failed_blocks(rid, language)
    if themes is None:
        return []
    return themes_blocks(themes, comparison(why.period, locale=language), language)


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
    result: KpiResult,
    why: list[dict],
    summary: str,
    chart: bytes | None,
    language: str = "en",
) -> None:
    """The KPI posted in the channel with its chart inside the message. If Slack will not
    show the uploaded chart in time, the message goes out without it and the chart follows
    in its thread, so the figure is never held back by the picture."""
    channel = command["channel_id"]
    kpi = result.kpi
    file_id = upload_chart(client, chart, kpi, summary) if chart is not None else None
    if file_id is None:
        chart = None  # an upload that failed once is not tried again in the thread
    waits = list(CHART_READY_WAITS) if file_id is not None else []
    while True:
        blocks = cap_blocks([*kpi_blocks(result, language, chart_file_id=file_id), *why])
        try:
            posted = client.chat_postMessage(channel=channel, text=summary, blocks=blocks)
            break
        except SlackApiError as error:
            code = error.response.get("error")
            if code in ("not_in_channel", "channel_not_found"):
                respond(response_type="ephemeral", text=say("kpi.cannot_post_here", language))
                return
            if code != "invalid_blocks" or file_id is None:
                raise
            if not waits:  # the chart is still not ready: the figure goes out without it
                log.warning("chart %s not shown inline, posting it in the thread", file_id)
                file_id = None
                continue
            time.sleep(waits.pop(0))
    if chart is not None and file_id is None:
        client.files_upload_v2(
            channel=posted["channel"],
            thread_ts=posted["ts"],
            content=chart,
            filename=f"{kpi}.png",
            title=summary,
        )


def upload_chart(client: WebClient, chart: bytes, kpi: str, title: str) -> str | None:
    """The chart uploaded to no channel (only a message that names it shows it); its file
    id, or None (logged) when the upload fails: the figures then go out without a chart."""
    try:
        uploaded = client.files_upload_v2(content=chart, filename=f"{kpi}.png", title=title)
    except Exception:
        log.exception("could not upload the chart of %s", kpi)
        return None
    file = uploaded.get("file") or (uploaded.get("files") or [{}])[0]
    return file.get("id")


def register(app: App) -> None:
    """Adds this listener to the app."""
    app.command("/kpi")(ack=acknowledge, lazy=[once(answer_kpi)])
