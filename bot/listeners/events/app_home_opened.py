"""App Home: headline KPIs, the last customer story and how to ask, computed when opened.

The KPIs follow the same access rule as `/kpi` (bot.slack.access): someone `/kpi` refuses sees the
refusal here too, not the figures. A database outage is one sentence, not an empty tab.
"""

from __future__ import annotations

import logging

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot import services
from bot.services import Services
from bot.slack.dedupe import once
from bot.slack.failures import DATABASE_DOWN, database_down_text, problem_text, request_id
from bot.views.home import Headline, home_view
from metrics.errors import MetricsError

log = logging.getLogger(__name__)

HEADLINE_KPIS = ("nps", "csat", "churn_rate", "time_to_resolution")


def headlines(svc: Services, language: str = "en") -> list[Headline]:
    """Each KPI on its own: one without data (or a broken one) does not hide the others;
    a database that is down raises (one of DATABASE_DOWN) for the whole tab to say so."""
    from metrics.kpi_query import KpiQuery

    items: list[Headline] = []
    for name in HEADLINE_KPIS:
        try:
            result = svc.kpis().compute(KpiQuery(name=name))
            items.append(Headline(name, result))
        except DATABASE_DOWN:
            raise
        except MetricsError as error:
            items.append(Headline(name, problem=problem_text(error, language)))
    return items


def last_story(svc: Services):  # noqa: ANN201 (StoryCard | None, imported lazily)
    from knowledge.language import detect
    from metrics.stories.selection import last_posted

    try:
        return last_posted(svc.engine(), detect_language=detect)
    except DATABASE_DOWN:
        raise
    except MetricsError as error:
        log.warning("no story for App Home: %s", error)
        return None


def home_for(svc: Services, client: WebClient, user: str) -> dict:
    """The tab as this user may see it, in the language they read."""
    language = svc.readers.of(client, user)
    allowed = svc.kpi_access.allows(client, user)
    try:
        items = headlines(svc, language) if allowed else []
        story = last_story(svc)
    except DATABASE_DOWN as error:
        rid = request_id()
        log.error("App Home without KPIs, database unavailable [request id %s]: %s", rid, error)
        outage = database_down_text(rid, language=language)
        return home_view([], None, outage=outage, language=language)
    refused = "" if allowed else svc.kpi_access.refusal(language)
    return home_view(items, story, kpis_refused=refused, language=language)


def publish_home(event: dict, client: WebClient, context: BoltContext) -> None:
    if event.get("tab", "home") != "home":
        return
    user = event["user"]
    client.views_publish(user_id=user, view=home_for(services.of(context), client, user))


def acknowledge(ack) -> None:  # noqa: ANN001
    ack()


def register(app: App) -> None:
    """Adds this listener to the app."""
    app.event("app_home_opened")(ack=acknowledge, lazy=[once(publish_home)])
