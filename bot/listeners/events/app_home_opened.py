"""App Home: headline KPIs, the last customer story and how to ask, computed when opened."""

from __future__ import annotations

import logging

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot import services
from bot.dedupe import once
from bot.services import Services
from bot.views.home import Headline, home_view
from metrics.errors import MetricsError

log = logging.getLogger(__name__)

HEADLINE_KPIS = ("nps", "csat", "churn_rate", "time_to_resolution")


def headlines(svc: Services) -> list[Headline]:
    """Each KPI on its own: one without data (or a broken one) does not hide the others."""
    from metrics.kpis import compute_kpi

    s = svc.settings
    items: list[Headline] = []
    for name in HEADLINE_KPIS:
        try:
            result = compute_kpi(
                svc.engine(),
                name,
                s.kpi_default_period,
                timezone=s.kpi_timezone,
                min_sample=s.kpi_min_sample,
                currency=s.kpi_currency,
                gross_margin=s.kpi_gross_margin,
                discount_rate=s.kpi_discount_rate,
            )
            items.append(Headline(name, result))
        except MetricsError as error:
            items.append(Headline(name, problem=str(error)))
    return items


def last_story(svc: Services):  # noqa: ANN201 (StoryCard | None, imported lazily)
    from metrics.stories import last_posted

    try:
        return last_posted(svc.engine())
    except MetricsError as error:
        log.warning("no story for App Home: %s", error)
        return None


def publish_home(event: dict, client: WebClient, context: BoltContext) -> None:
    if event.get("tab", "home") != "home":
        return
    svc = services.of(context)
    client.views_publish(user_id=event["user"], view=home_view(headlines(svc), last_story(svc)))


def acknowledge(ack) -> None:  # noqa: ANN001
    ack()


def register(app: App) -> None:
    """Adds this listener to the app."""
    app.event("app_home_opened")(ack=acknowledge, lazy=[once(publish_home)])
