"""Where a customer story comes from: the one list of sources, and how each is labelled.

The `stories` table's `source` column, the CSV import, the "add a story" modal and the card's
label all take their values from here.
"""

from __future__ import annotations

from typing import Literal, get_args

StorySource = Literal["interview", "nps_comment", "support_case", "slack"]
SOURCES: tuple[StorySource, ...] = get_args(StorySource)

#: source → language → label shown on the card (and, in English, in the modal's menu).
SOURCE_LABELS: dict[StorySource, dict[str, str]] = {
    "interview": {"da": "Interview", "no": "Intervju", "sv": "Intervju", "en": "Interview"},
    "nps_comment": {
        "da": "NPS-kommentar",
        "no": "NPS-kommentar",
        "sv": "NPS-kommentar",
        "en": "NPS comment",
    },
    "support_case": {
        "da": "Supportsag",
        "no": "Supportsak",
        "sv": "Supportärende",
        "en": "Support case",
    },
    "slack": {
        "da": "Delt i Slack",
        "no": "Delt i Slack",
        "sv": "Delad i Slack",
        "en": "Shared in Slack",
    },
}


def source_label(source: StorySource, language: str) -> str:
    """The source's label in `language` (English for a language we have no label in)."""
    labels = SOURCE_LABELS[source]
    return labels.get(language, labels["en"])
