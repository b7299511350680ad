"""Plain-text renderings of the libraries' results, shared by every command that prints them
(`ask`, `kpi`, `story` and the `demo` tour), so each result reads the same wherever it shows.

Numbers go through bot/formatting.py, as in Slack's views.
"""

from __future__ import annotations

from knowledge.models import Answer
from metrics.models import KpiResult
from metrics.stories import StoryCard

PERCENT = "%"


def render_answer(answer: Answer) -> str:
    """The answer, its numbered sources and the footer note, as plain text."""
    lines = [answer.answer]
    if answer.sources:
        lines.append("")
        lines.append("Sources:")
        for number, source in enumerate(answer.sources, start=1):
            where = f"{source.title} — {source.section}" if source.section else source.title
            lines.append(f"[{number}] {where} ({source.source})")
    if answer.note:
        lines.append("")
        lines.append(answer.note)
    return "\n".join(lines)


def _number(value: float, unit: str) -> str:
    if unit == PERCENT:
        return f"{value:.1f}%"
    return f"{value:,.2f} {unit}" if abs(value) < 100 else f"{value:,.0f} {unit}"


def render_kpi(result: KpiResult) -> str:
    """A few aligned lines a manager can read at a glance."""
    rows: list[tuple[str, str]] = [("value", _number(result.value, result.unit))]
    if result.delta is None or result.previous is None:
        rows.append(("change", "no previous period to compare with"))
    else:
        arrow = "▲" if result.delta > 0 else "▼" if result.delta < 0 else "="
        step = (
            f"{abs(result.delta):.1f} pp"
            if result.unit == PERCENT
            else _number(abs(result.delta), result.unit)
        )
        better = result.delta > 0 if result.polarity == "higher_is_better" else result.delta < 0
        verdict = "unchanged" if result.delta == 0 else ("better" if better else "worse")
        previous = _number(result.previous, result.unit)
        rows.append(("change", f"{arrow} {step} vs previous period ({previous}) — {verdict}"))
    rows += [(key, f"{value:,.2f}") for key, value in sorted(result.extra.items())]
    rows.append(("n", f"{result.n:,}"))
    start, end = result.period.start, result.period.end
    rows.append(("period", f"{start:%Y-%m-%d %H:%M} → {end:%Y-%m-%d %H:%M} (end exclusive)"))
    if result.segments:
        rows.append(("segment", ", ".join(f"{k}={v}" for k, v in result.segments.items())))
    if result.low_sample:
        observations = "observation" if result.n == 1 else "observations"
        rows.append(
            (
                "warning",
                f"only {result.n} {observations} (< {result.min_sample}): "
                "indicative, not conclusive",
            )
        )
    width = max(len(label) for label, _ in rows)
    lines = [f"{result.title} — {result.period.label}"]
    lines += [f"{label:<{width}}  {text}" for label, text in rows]
    for row in result.breakdown:
        shown = "no data" if row.value is None else _number(row.value, result.unit)
        flag = " (low sample)" if row.low_sample else ""
        lines.append(f"  {row.key:<14} {shown:>14}  n = {row.n:,}{flag}")
    return "\n".join(lines)


def render_card(card: StoryCard) -> str:
    """The card as plain text: title, story, who and where from, the KPI line."""
    return f"{card.title}\n\n{card.body}\n\n— {card.who} · {card.source_label}\n{card.kpi_line}"
