"""Plain-text renderings of the libraries' results, shared by every command that prints them
(`ask`, `kpi`, `story` and the `demo` tour), so each result reads the same wherever it shows.

Numbers go through bot/formatting.py, as in Slack's views.
"""

from __future__ import annotations

from bot import formatting
from knowledge.models import Answer
from metrics.models import KpiResult
from metrics.stories.cards import StoryCard


def render_answer(answer: Answer) -> str:
    """The answer, its numbered sources (each with its URL, else its path relative to the
    ingested folder) and the footer note, as plain text."""
    lines = [answer.answer]
    if answer.sources:
        lines.append("")
        lines.append("Sources:")
        for number, source in enumerate(answer.sources, start=1):
            lines.append(f"[{number}] {source.label} ({source.url or source.source})")
    if answer.note:
        lines.append("")
        lines.append(answer.note)
    return "\n".join(lines)


ARROWS = {"up": "▲", "down": "▼", "unchanged": "="}


def _change(result: KpiResult) -> str:
    """`▲ +30.0 pp vs previous period (2026-09): 20.0% — worse`."""
    moved = formatting.change(result)
    if moved is None:
        return "no previous period to compare with"
    if moved.verdict == "unchanged":
        return f"{ARROWS['unchanged']} unchanged vs {moved.versus}: {moved.previous}"
    return f"{ARROWS[moved.direction]} {moved.delta} vs {moved.versus}: {moved.previous} — {moved.verdict}"


def render_kpi(result: KpiResult) -> str:
    """A few aligned lines a manager can read at a glance."""
    unit = result.unit
    rows: list[tuple[str, str]] = [("value", formatting.value(result.value, unit))]
    rows.append(("change", _change(result)))
    rows += [formatting.extra(key, value, unit) for key, value in sorted(result.extra.items())]
    rows.append(("n", f"{result.n:,}"))
    start, end = result.period.start, result.period.end
    rows.append(("period", f"{start:%Y-%m-%d %H:%M} → {end:%Y-%m-%d %H:%M} (end exclusive)"))
    if result.segments:
        rows.append(("segment", ", ".join(f"{k}={v}" for k, v in result.segments.items())))
    if result.low_sample:
        rows.append(
            (
                "warning",
                f"only {formatting.observations(result.n)} (< {result.min_sample}): "
                "indicative, not conclusive",
            )
        )
    width = max(len(label) for label, _ in rows)
    lines = [f"{result.title} — {result.period.label}"]
    lines += [f"{label:<{width}}  {text}" for label, text in rows]
    for row in result.breakdown:
        shown = formatting.value(row.value, unit)
        flag = " (low sample)" if row.low_sample else ""
        lines.append(f"  {row.key:<14} {shown:>14}  n = {row.n:,}{flag}")
    return "\n".join(lines)


def render_card(card: StoryCard) -> str:
    """The card as plain text: title, story, who and where from, the KPI line."""
    return f"{card.title}\n\n{card.body}\n\n— {card.who} · {card.source_label}\n{card.kpi_line}"
