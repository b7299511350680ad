"""Why did a KPI move, as text: per attribute, the top three groups' signed contributions
(mix + rate), then "other" for the rest, so the printed lines add up to the printed total.

Rounding happens here: each line is rounded, and "other" (and each line's rate) is what is
left of the rounded total, so a reader adding the lines gets exactly the change shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.formatting import comparison, number, unit_word
from bot.i18n import say, say_or
from bot.views.limits import cap_blocks, context, section
from bot.views.mrkdwn import escape

if TYPE_CHECKING:
    from metrics.why import Contribution, Decomposition, WhyResult

TOP = 3
PERCENT_UNITS = {"%", "percent"}


def _step(unit: str, language: str = "en") -> tuple[str, int]:
    """The unit of a change and its decimals: pp for percentages, points for NPS."""
    if unit in PERCENT_UNITS:
        return unit_word("pp", language), 1
    if unit == "points":
        return unit_word("points", language), 1
    return unit_word(unit, language), 2


def signed(value: float, decimals: int, language: str = "en") -> str:
    rounded = round(value, decimals)
    if rounded == 0:
        return f"±{number(0, decimals, locale=language)}"
    return f"{'+' if rounded > 0 else '−'}{number(abs(rounded), decimals, locale=language)}"


def _note(c: Contribution, min_sample: int, language: str = "en") -> str:
    notes = []
    if c.presence == "new":
        notes.append(say("why.new", language))
    elif c.presence == "gone":
        notes.append(say("why.gone", language))
    if c.low_sample:
        notes.append(
            say("why.low_sample", language, before=c.n_before, after=c.n_after, minimum=min_sample)
        )
    return f" ({'; '.join(notes)})" if notes else ""


def split_lines(
    split: Decomposition, unit: str, min_sample: int, language: str = "en"
) -> list[tuple[str, str]]:
    """(label, text) rows: the top three groups, `other`, and the total, adding up."""
    step, decimals = _step(unit, language)
    total = round(split.change, decimals)
    rows: list[tuple[str, str]] = []
    shown = 0.0
    for c in split.contributions[:TOP]:
        line, mix = round(c.total, decimals), round(c.mix, decimals)
        shown += line
        text = say(
            "why.row",
            language,
            change=signed(line, decimals, language),
            step=step,
            mix=signed(mix, decimals, language),
            rate=signed(line - mix, decimals, language),
        )
        rows.append((c.key, text + _note(c, min_sample, language)))
    rest = split.contributions[TOP:]
    other = round(total - shown, decimals)
    if rest or other != 0:
        if rest:
            key = "why.one_more_group" if len(rest) == 1 else "why.more_groups"
            what = say(key, language, count=len(rest))
        else:
            what = say("why.rounding", language)
        rows.append(
            (say("why.other", language), f"{signed(other, decimals, language)} {step} ({what})")
        )
    rows.append((say("why.total", language), f"{signed(total, decimals, language)} {step}"))
    return rows


def why_text(why: WhyResult) -> str:
    """Plain text for the CLI."""
    step, decimals = _step(why.unit)
    lines = [
        f"Why {why.title} moved {signed(why.change, decimals)} {step} "
        f"vs {why.period.comparison or why.previous_period.label}"
    ]
    for split in why.decompositions:
        rows = split_lines(split, why.unit, why.min_sample)
        width = max(len(label) for label, _ in rows)
        lines.append(f"by {split.by}:")
        lines += [f"  {label:<{width}}  {text}" for label, text in rows]
    lines.append(
        "mix: the group's share of the sample moved; rate: the value within the group moved."
    )
    return "\n".join(lines)


def why_blocks(why: WhyResult, language: str = "en") -> list[dict]:
    """Block Kit for `/kpi … why` (group names come from imported data: escaped)."""
    step, decimals = _step(why.unit, language)
    versus = escape(comparison(why.period, locale=language))
    change = f"{signed(why.change, decimals, language)} {step}"
    blocks = [section(say("why.title", language, change=change, versus=versus))]
    for split in why.decompositions:
        rows = split_lines(split, why.unit, why.min_sample, language)
        lines = [f"• *{escape(label)}* {escape(text)}" for label, text in rows]
        by = say_or(split.by, f"dimension.{split.by}", language)
        blocks.append(section(say("why.by", language, by=by) + "\n" + "\n".join(lines)))
    blocks.append(context(say("why.legend", language)))
    return cap_blocks(blocks)


def why_unavailable_blocks(reason: str) -> list[dict]:
    """`reason` is Slack mrkdwn already (bot.failures escapes what it quotes)."""
    return [context(f":grey_question: {reason}")]
