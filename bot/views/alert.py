"""Block Kit for alert announcements: a rule's breach, and its recovery, in one sentence each,
with the rule, the filter, the sample and the target beside it.

Numbers come from bot/formatting.py; words from the message catalogue (alerts.yaml). The rule
name, its label and the filter values are the operator's text, and are escaped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import formatting
from bot.i18n import say
from bot.views.limits import MAX_FALLBACK_TEXT, clip, context, section
from bot.views.mrkdwn import escape

if TYPE_CHECKING:
    from metrics.alerts.evaluate import Evaluation
    from metrics.alerts.state import Announcement

#: (notification text, blocks)
Message = tuple[str, list[dict]]


def _size(amount: float, unit: str) -> str:
    """An unsigned change: `1.0 pp`, `3.5 points`."""
    return formatting.delta(abs(amount), unit).removeprefix("+").removeprefix("±")


def announcement_text(evaluation: Evaluation, kind: Announcement, language: str) -> str:
    """The sentence: `:rotating_light: *Net Promoter Score* is *27.5 points* for last 30 days,
    below the alert threshold of 30.0 points.`"""
    result = evaluation.result
    assert result is not None  # a rule is announced only on a figure
    condition = evaluation.rule.condition
    unit = result.unit
    changes = condition.kind in ("rises_by", "falls_by")
    return say(
        f"alerts.{kind}.{condition.kind}",
        language,
        title=escape(result.title),
        value=formatting.value(result.value, unit),
        period=escape(result.period.label),
        threshold=_size(condition.threshold, unit)
        if changes
        else formatting.value(condition.threshold, unit),
        change=_size(result.delta or 0.0, unit),
        versus=escape(formatting.versus(result)),
        previous=formatting.value(result.previous, unit),
    )


def alert_message(evaluation: Evaluation, kind: Announcement, language: str) -> Message:
    """The announcement as chat.postMessage takes it."""
    result = evaluation.result
    assert result is not None
    rule = evaluation.rule
    sentence = announcement_text(evaluation, kind, language)
    facts = [say("alerts.rule", language, rule=f"`{escape(rule.name)}`")]
    if rule.label:
        facts.insert(0, f"_{escape(rule.label)}_")
    if result.segments:
        shown = ", ".join(f"{key}={value}" for key, value in sorted(result.segments.items()))
        facts.append(say("alerts.filter", language, segments=escape(shown)))
    facts.append(say("alerts.sample", language, n=f"{result.n:,}"))
    if result.target is not None:
        target = formatting.value(result.target, result.unit)
        facts.append(say("alerts.target", language, target=target))
    blocks = [section(sentence), context(*facts)]
    if result.low_sample:
        blocks.append(
            context(
                say("alerts.low_sample", language, n=f"{result.n:,}", minimum=result.min_sample)
            )
        )
    return clip(sentence.replace("*", ""), MAX_FALLBACK_TEXT), blocks
