"""Why did a KPI move, as text: per attribute, the top three groups' signed contributions
(mix + rate), then "other" for the rest, so the printed lines add up to the printed total.

Rounding happens here: each line is rounded, and "other" (and each line's rate) is what is
left of the rounded total, so a reader adding the lines gets exactly the change shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.views.limits import cap_blocks, context, section
from bot.views.mrkdwn import escape

if TYPE_CHECKING:
    from metrics.why import Contribution, Decomposition, WhyResult

TOP = 3
PERCENT_UNITS = {"%", "percent"}


def _step(unit: str) -> tuple[str, int]:
    """The unit of a change and its decimals: pp for percentages, points for NPS."""
    if unit in PERCENT_UNITS:
        return "pp", 1
    if unit == "points":
        return "points", 1
    return unit, 2


def signed(value: float, decimals: int) -> str:
    rounded = round(value, decimals)
    if rounded == 0:
        return f"±{0:.{decimals}f}"
    return f"{'+' if rounded > 0 else '−'}{abs(rounded):.{decimals}f}"


def _note(c: Contribution, min_sample: int) -> str:
    notes = []
    if c.presence == "new":
        notes.append("new this period")
    elif c.presence == "gone":
        notes.append("absent this period")
    if c.low_sample:
        notes.append(f"low sample: n = {c.n_before} → {c.n_after}, fewer than {min_sample}")
    return f" ({'; '.join(notes)})" if notes else ""


def split_lines(split: Decomposition, unit: str, min_sample: int) -> list[tuple[str, str]]:
    """(label, text) rows: the top three groups, `other`, and the total, adding up."""
    step, decimals = _step(unit)
    total = round(split.change, decimals)
    rows: list[tuple[str, str]] = []
    shown = 0.0
    for c in split.contributions[:TOP]:
        line, mix = round(c.total, decimals), round(c.mix, decimals)
        shown += line
        rows.append(
            (
                c.key,
                f"{signed(line, decimals)} {step} (mix {signed(mix, decimals)}, "
                f"rate {signed(line - mix, decimals)}){_note(c, min_sample)}",
            )
        )
    rest = split.contributions[TOP:]
    other = round(total - shown, decimals)
    if rest or other != 0:
        what = f"{len(rest)} more group{'' if len(rest) == 1 else 's'}" if rest else "rounding"
        rows.append(("other", f"{signed(other, decimals)} {step} ({what})"))
    rows.append(("total", f"{signed(total, decimals)} {step}"))
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


def why_blocks(why: WhyResult) -> list[dict]:
    """Block Kit for `/kpi … why` (group names come from imported data: escaped)."""
    step, decimals = _step(why.unit)
    comparison = escape(why.period.comparison or why.previous_period.label)
    blocks = [
        section(f"*Why it moved* {signed(why.change, decimals)} {step} vs {comparison}"),
    ]
    for split in why.decompositions:
        rows = split_lines(split, why.unit, why.min_sample)
        lines = [f"• *{escape(label)}* {escape(text)}" for label, text in rows]
        blocks.append(section(f"_by {split.by}_\n" + "\n".join(lines)))
    blocks.append(context("mix: the group's share of the sample moved · rate: its value moved"))
    return cap_blocks(blocks)


def why_unavailable_blocks(reason: str) -> list[dict]:
    return [context(f":grey_question: {escape(reason)}")]
