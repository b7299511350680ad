"""The App Home tab: headline KPIs (for those allowed to see KPIs), the last customer story,
how to ask. When the metrics database is down it says so once, instead of an empty tab."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot import formatting
from bot.views.kpi import headline
from bot.views.limits import cap_blocks, clip, context, header, section
from bot.views.mrkdwn import escape

if TYPE_CHECKING:
    from metrics.models import KpiResult
    from metrics.stories.cards import StoryCard

HOW_TO_ASK = (
    "*Ask me anything about our customer practice* — mention me in a channel "
    "(`@journeybot how do we measure churn?`) and I answer in its thread, or send me a direct "
    "message. `/ask QUESTION` answers only you, with a button to share the answer in the "
    "channel. I answer with my sources, in Danish, Norwegian, Swedish or English; follow-ups "
    "in a thread I answered need no mention.\n"
    "*KPIs:* `/kpi` lists them, `/kpi nps 90d` shows one."
)


@dataclass(frozen=True)
class Headline:
    """One KPI on the home tab: its result, or why there is none (e.g. no data yet)."""

    name: str
    result: KpiResult | None = None
    problem: str = ""


def home_view(
    headlines: Sequence[Headline],
    story: StoryCard | None,
    *,
    kpis_refused: str = "",
    outage: str = "",
) -> dict:
    """The tab. `kpis_refused` stands in for the KPIs of someone KPI access excludes;
    `outage` for KPIs and story when the metrics database is down."""
    blocks: list[dict] = [header("journeybot"), section(HOW_TO_ASK), {"type": "divider"}]
    if outage:
        blocks.append(section(f":warning: {outage}"))
        return {"type": "home", "blocks": cap_blocks(blocks)}
    if kpis_refused:
        blocks.append(context(kpis_refused))
    else:
        blocks.append(header("Headline KPIs"))
        blocks.extend(_headline_block(item) for item in headlines)
    blocks.append({"type": "divider"})
    blocks.append(header("Latest customer story"))
    if story is None:
        blocks.append(section("No customer story has been posted yet."))
    else:
        blocks.append(section(f"*{escape(story.title)}*\n{escape(clip(story.body, 2500))}"))
        details = [story.who, story.kpi_line, story.source_label]
        blocks.append(context(*(escape(d) for d in details if d)))
    return {"type": "home", "blocks": cap_blocks(blocks)}


def _headline_block(item: Headline) -> dict:
    if item.result is None:
        return section(f"*{item.name}*: {formatting.NO_DATA} — {escape(item.problem)}")
    r = item.result
    return section(f"*{r.title}* ({r.period.label}, n = {r.n:,})\n{headline(r)}")
