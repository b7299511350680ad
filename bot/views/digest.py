"""Block Kit for the weekly KPI digest: one line per headline KPI (figure, change with its
arrow and verdict, target met or missed), then the "why" line for the KPI that moved most.

Numbers come from bot/formatting.py and the why rows from bot/views/why.py (which add up to
the change shown); words from the message catalogue (digest.yaml). Group names in the why
line come from imported data and are escaped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import formatting
from bot.i18n import say
from bot.views.kpi import ARROWS
from bot.views.limits import MAX_FALLBACK_TEXT, cap_blocks, clip, context, header, section
from bot.views.mrkdwn import escape
from bot.views.why import split_lines

if TYPE_CHECKING:
    from metrics.digest import Digest
    from metrics.models import KpiResult
    from metrics.why import WhyResult

#: Groups named per attribute in the why line (the full split is `/kpi NAME why`).
WHY_GROUPS = 2
VERDICT_MARKS = {"better": ":large_green_circle:", "worse": ":small_red_triangle:"}


def target_note(result: KpiResult, language: str) -> str:
    """`target 40.0 points met` (a floor where higher is better, else a ceiling), or ``."""
    if result.target is None:
        return ""
    met = (
        result.value >= result.target
        if result.polarity == "higher_is_better"
        else result.value <= result.target
    )
    key = "digest.target_met" if met else "digest.target_missed"
    return say(key, language, target=formatting.value(result.target, result.unit))


def kpi_line(result: KpiResult, language: str) -> str:
    """`:arrow_up: *Net Promoter Score*: 41.2 points (+3.1 points) :large_green_circle: · …`."""
    moved = formatting.change(result)
    if moved is None:
        arrow, delta = ARROWS["unchanged"], say("digest.no_comparison", language)
    elif moved.verdict == "unchanged":
        arrow, delta = ARROWS["unchanged"], say("digest.unchanged", language)
    else:
        arrow, delta = ARROWS[moved.direction], moved.delta
    line = say(
        "digest.line",
        language,
        arrow=arrow,
        title=escape(result.title),
        value=formatting.value(result.value, result.unit),
        delta=delta,
    )
    if moved is not None and moved.verdict in VERDICT_MARKS:
        line += f" {VERDICT_MARKS[moved.verdict]}"
    notes = [target_note(result, language)]
    if result.low_sample:
        notes.append(say("digest.low_sample", language, n=f"{result.n:,}"))
    shown = [note for note in notes if note]
    return line + (f" · {' · '.join(shown)}" if shown else "")


def why_line(why: WhyResult, language: str) -> str:
    """`*Biggest move:* Net Promoter Score −6.0 points. By segment: *enterprise* −4.1 points
    (mix −0.2, rate −3.9), …`: the top groups per attribute, as `/kpi … why` splits them."""
    reasons = []
    for split in why.decompositions:
        rows = [row for row in split_lines(split, why.unit, why.min_sample)]
        groups = [
            f"*{escape(label)}* {escape(text)}"
            for label, text in rows
            if label not in ("other", "total")
        ][:WHY_GROUPS]
        if groups:
            key = "digest.why_by_country" if split.by == "country" else "digest.why_by_segment"
            reasons.append(say(key, language, groups="; ".join(groups)))
    return say(
        "digest.why",
        language,
        title=escape(why.title),
        delta=formatting.delta(why.change, why.unit),
        reasons=" ".join(reasons),
    )


def digest_message(digest: Digest, language: str) -> tuple[str, list[dict]]:
    """(notification text, blocks) for chat.postMessage."""
    week = escape(digest.week)
    lines = []
    for line in digest.lines:
        if line.result is None:
            lines.append(say("digest.no_data", language, title=escape(line.kpi), week=week))
        else:
            lines.append(kpi_line(line.result, language))
    intro = say("digest.intro", language, week=week, previous=escape(digest.previous_week))
    blocks = [
        header(say("digest.header", language, week=digest.week)),
        section(intro + "\n" + "\n".join(lines)),
    ]
    if digest.why is not None:
        blocks.append(section(why_line(digest.why, language)))
    elif digest.why_detail:
        blocks.append(
            context(say("digest.why_missing", language, reason=escape(digest.why_detail)))
        )
    blocks.append(context(say("digest.footer", language)))
    summary = ", ".join(
        f"{result.title} {formatting.value(result.value, result.unit)}" for result in digest.results
    )
    text = say("digest.text", language, week=digest.week, summary=summary)
    return clip(text, MAX_FALLBACK_TEXT), cap_blocks(blocks)
