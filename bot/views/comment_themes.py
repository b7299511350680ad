"""Comment themes (bot/answering/comment_themes.py) as text for the CLI and as Block Kit for `/kpi … why`.

Labels, other wordings and quotes are customers' words: every one goes through `escape`
before Slack. Our sentences come from the message catalogue (catalogue/why.yaml).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.formatting import delta, value
from bot.i18n import say
from bot.views.limits import context, section
from bot.views.mrkdwn import escape

if TYPE_CHECKING:
    from bot.answering.comment_themes import CommentThemes, GroupThemes, Theme


def _scores(scores: list[int]) -> str:
    return f"{scores[0]}–{scores[-1]}" if len(scores) > 1 else str(scores[0])


def group_title(themes: CommentThemes, group: GroupThemes, language: str) -> str:
    """ "Detractors (0–6)", "Satisfied (4–5)"."""
    return say(f"why.themes.{themes.kpi}.{group.group}", language, scores=_scores(group.scores))


def group_notes(themes: CommentThemes, group: GroupThemes, language: str) -> list[str]:
    """The comment counts, a sample, and a low sample said in words."""
    notes = [
        say(
            "why.themes.comments",
            language,
            count=f"{group.comments:,}",
            before=f"{group.comments_before:,}",
        )
    ]
    if group.read < group.comments or group.read_before < group.comments_before:
        notes.append(
            say(
                "why.themes.sampled",
                language,
                read=f"{group.read:,}",
                read_before=f"{group.read_before:,}",
            )
        )
    if group.low_sample:
        notes.append(
            say(
                "why.themes.low_sample",
                language,
                before=f"{group.comments_before:,}",
                count=f"{group.comments:,}",
                min_sample=themes.min_sample,
            )
        )
    return notes


def theme_count(theme: Theme, group: GroupThemes, language: str) -> str:
    """ "in 16 of 26 comments · 61.5% (+21.2 pp from 40.3%)"."""
    share = value(theme.share, "%")
    counts = {"mentions": f"{theme.mentions:,}", "read": f"{group.read:,}", "share": share}
    if theme.change is None:
        return say("why.themes.count_new", language, **counts)
    return say(
        "why.themes.count",
        language,
        **counts,
        change=delta(theme.change, "%"),
        share_before=value(theme.share_before, "%"),
    )


def _also(theme: Theme, language: str) -> str | None:
    return say("why.themes.also", language, words=", ".join(theme.words)) if theme.words else None


def themes_text(themes: CommentThemes, comparison: str, language: str = "en") -> str:
    """Plain text for the CLI."""
    lines = [say("why.themes.heading", language, comparison=comparison)]
    for group in themes.groups:
        lines.append(
            f"{group_title(themes, group, language)}: "
            + " — ".join(group_notes(themes, group, language))
        )
        if not group.themes:
            lines.append(
                "  " + say("why.themes.none", language, min_customers=themes.min_customers)
            )
        for theme in group.themes:
            also = _also(theme, language)
            label = f"{theme.label} ({also})" if also else theme.label
            lines.append(f"  {label}: {theme_count(theme, group, language)}")
            lines += [f"    “{quote.text}”" for quote in theme.quotes]
    lines.append(say("why.themes.footer", language, min_customers=themes.min_customers))
    return "\n".join(lines)


def themes_blocks(themes: CommentThemes, comparison: str, language: str = "en") -> list[dict]:
    """Block Kit: a heading, per group a line with its counts and one section per theme (so
    no section nears Slack's 3,000 characters), and a footnote."""
    blocks = [section(f"*{escape(say('why.themes.heading', language, comparison=comparison))}*")]
    for group in themes.groups:
        notes = " · ".join(escape(note) for note in group_notes(themes, group, language))
        title = f"_{escape(group_title(themes, group, language))}_ · {notes}"
        if not group.themes:
            none = say("why.themes.none", language, min_customers=themes.min_customers)
            title += f"\n{escape(none)}"
        blocks.append(section(title))
        for theme in group.themes:
            also = _also(theme, language)
            label = f"*{escape(theme.label)}*" + (f" ({escape(also)})" if also else "")
            lines = [f"• {label}: {escape(theme_count(theme, group, language))}"]
            lines += [f"> “{escape(quote.text)}”" for quote in theme.quotes]
            blocks.append(section("\n".join(lines)))
    blocks.append(
        context(escape(say("why.themes.footer", language, min_customers=themes.min_customers)))
    )
    return blocks


def themes_failed_blocks(request_id: str, language: str = "en") -> list[dict]:
    return [context(escape(say("why.themes.failed", language, request_id=request_id)))]
