"""The App Home tab: headline KPIs, the last customer story, how to ask."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.views.kpi import format_value, headline
from bot.views.limits import cap_blocks, clip, context, header, section
from bot.views.mrkdwn import escape

if TYPE_CHECKING:
    from metrics.models import KpiResult
    from metrics.stories import StoryCard

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


def home_view(headlines: Sequence[Headline], story: StoryCard | None) -> dict:
    blocks: list[dict] = [header("journeybot"), section(HOW_TO_ASK), {"type": "divider"}]
    blocks.append(header("Headline KPIs"))
    for item in headlines:
        if item.result is not None:
            r = item.result
            blocks.append(section(f"*{r.title}* ({r.period.label}, n = {r.n:,})\n{headline(r)}"))
        else:
            problem = escape(item.problem)
            blocks.append(section(f"*{item.name}*: {format_value(None, '')} — {problem}"))
    blocks.append({"type": "divider"})
    blocks.append(header("Latest customer story"))
    if story is None:
        blocks.append(section("No customer story has been posted yet."))
    else:
        blocks.append(section(f"*{escape(story.title)}*\n{escape(clip(story.body, 2500))}"))
        details = [story.who, story.kpi_line, story.source_label]
        blocks.append(context(*(escape(d) for d in details if d)))
    return {"type": "home", "blocks": cap_blocks(blocks)}
