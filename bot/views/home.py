"""The App Home tab: headline KPIs (for those allowed to see KPIs), the last customer story,
how to ask, in the reader's language (catalogue/home.yaml). When the metrics database is down
it says so once, instead of an empty tab."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot import formatting
from bot.i18n import say
from bot.views.kpi import headline, kpi_title
from bot.views.limits import cap_blocks, clip, context, header, section
from bot.views.mrkdwn import escape

if TYPE_CHECKING:
    from metrics.models import KpiResult
    from metrics.stories.cards import StoryCard


@dataclass(frozen=True)
class Headline:
    """One KPI on the home tab: its result, or why there is none (e.g. no data yet; Slack
    mrkdwn, as bot.failures.problem_text words it)."""

    name: str
    result: KpiResult | None = None
    problem: str = ""


def home_view(
    headlines: Sequence[Headline],
    story: StoryCard | None,
    *,
    kpis_refused: str = "",
    outage: str = "",
    language: str = "en",
) -> dict:
    """The tab. `kpis_refused` stands in for the KPIs of someone KPI access excludes;
    `outage` for KPIs and story when the metrics database is down."""
    blocks: list[dict] = [
        header("journeybot"),
        section(say("home.how_to_ask", language)),
        {"type": "divider"},
    ]
    if outage:
        blocks.append(section(f":warning: {outage}"))
        return {"type": "home", "blocks": cap_blocks(blocks)}
    if kpis_refused:
        blocks.append(context(kpis_refused))
    else:
        blocks.append(header(say("home.headline_kpis", language)))
        blocks.extend(_headline_block(item, language) for item in headlines)
    blocks.append({"type": "divider"})
    blocks.append(header(say("home.latest_story", language)))
    if story is None:
        blocks.append(section(say("home.no_story", language)))
    else:
        blocks.append(section(f"*{escape(story.title)}*\n{escape(clip(story.body, 2500))}"))
        details = [story.who, story.kpi_line, story.source_label]
        blocks.append(context(*(escape(d) for d in details if d)))
    return {"type": "home", "blocks": cap_blocks(blocks)}


def _headline_block(item: Headline, language: str = "en") -> dict:
    if item.result is None:
        nothing = formatting.value(None, "", locale=language)
        return section(f"*{item.name}*: {nothing} — {item.problem}")
    r = item.result
    n = formatting.count(r.n, locale=language)
    title = kpi_title(r, language)
    shown = formatting.period_label(r.period, locale=language)
    return section(f"*{title}* ({shown}, n = {n})\n{headline(r, language)}")
