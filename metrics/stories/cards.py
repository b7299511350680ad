"""A story card: one database row turned into a redacted card in the story's language.

The customer's words (a `stories` row, an NPS comment) are labelled with the language the
caller's detector finds in them; metrics/ has no detector of its own (the product has one,
knowledge/language.py, which bot/ passes in). A ticket story is our own template, written in
the language of the customer's country. Every text in the card is redacted here, so nothing
built from a card can name the customer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from metrics.stories.redaction import KnownNames, describe_customer, redact
from metrics.stories.sources import SOURCES, StorySource, source_label

#: Text in, "da" / "no" / "sv" / "en" out.
LanguageDetector = Callable[[str], str]
#: Which table a candidate row came from (its key starts with `<kind>:`).
RowKind = Literal["story", "nps", "ticket"]

LANGUAGES = ("da", "no", "sv", "en")
COUNTRY_LANGUAGE = {"DK": "da", "NO": "no", "SE": "sv"}


class StoryCard(BaseModel):
    """One story, redacted and ready to render; nothing in it names the customer."""

    key: str
    title: str
    body: str
    who: str
    source: str
    source_label: str
    kpi_line: str
    language: str
    customer_id: str | None = None
    segment: str | None = None
    created_at: datetime | None = None


def country_language(country: str | None) -> str:
    """The language of the customer's country; English when we have none for it."""
    return COUNTRY_LANGUAGE.get((country or "").upper(), "en")


def customer_language(text: str, country: str | None, detect_language: LanguageDetector) -> str:
    """The language of a customer's words: the detector's, or their country's when the
    detector names a language we have no templates in."""
    language = detect_language(text)
    return language if language in LANGUAGES else country_language(country)


def redactor(name: str | None, who: str, known: KnownNames) -> Callable[[str], str]:
    """Redaction of one customer's words: their own name becomes `who` ("an SMB customer in
    Denmark"), everyone in `known` becomes [name], contact details go (see redaction.py)."""
    names = [name] if name else []

    def clean(text: str) -> str:
        return redact(text, names=names, replacement_who=who, known_names=known)

    return clean


def _hours(start: datetime, end: datetime) -> str:
    hours = (end - start).total_seconds() / 3600
    return f"{hours:.0f} h" if hours >= 1 else f"{max(1, round(hours * 60))} min"


_CHANNEL_WORDS = {
    "phone": {"da": "telefon", "no": "telefon", "sv": "telefon", "en": "phone"},
    "email": {"da": "e-mail", "no": "e-post", "sv": "e-post", "en": "e-mail"},
    "chat": {"da": "chat", "no": "chat", "sv": "chatt", "en": "chat"},
}


def _ticket_text(row: dict, lang: str, who: str) -> tuple[str, str, str]:
    took = _hours(row["opened_at"], row["created_at"])
    channel = (row.get("channel") or "").strip().lower()
    via = _CHANNEL_WORDS.get(channel, {}).get(lang, channel)
    who = who[:1].upper() + who[1:]
    texts = {
        "da": (
            f"Løst på {took} – og kunden gav {row['csat']}/5",
            f"{who} kontaktede os{f' via {via}' if via else ''}. Sagen blev løst på {took}, og bagefter gav kunden {row['csat']} ud af 5 i tilfredshed.",
            f"CSAT efter løsning: {row['csat']}/5, løst på {took}",
        ),
        "no": (
            f"Løst på {took} – og kunden ga {row['csat']}/5",
            f"{who} kontaktet oss{f' via {via}' if via else ''}. Saken ble løst på {took}, og etterpå ga kunden {row['csat']} av 5 i tilfredshet.",
            f"CSAT etter løsning: {row['csat']}/5, løst på {took}",
        ),
        "sv": (
            f"Löst på {took} – och kunden gav {row['csat']}/5",
            f"{who} kontaktade oss{f' via {via}' if via else ''}. Ärendet löstes på {took}, och efteråt gav kunden {row['csat']} av 5 i nöjdhet.",
            f"CSAT efter lösning: {row['csat']}/5, löst på {took}",
        ),
        "en": (
            f"Resolved in {took} – and rated {row['csat']}/5",
            f"{who} contacted us{f' via {via}' if via else ''}. The case was resolved in {took}, and afterwards the customer rated their satisfaction {row['csat']} out of 5.",
            f"CSAT after resolution: {row['csat']}/5, resolved in {took}",
        ),
    }
    return texts[lang]


def _nps_line(score: int, lang: str) -> str:
    return {
        "da": f"NPS-score givet: {score}",
        "no": f"NPS-score gitt: {score}",
        "sv": f"NPS-betyg: {score}",
        "en": f"NPS score given: {score}",
    }[lang]


def _first_sentence_title(body: str, lang: str) -> str:
    sentences = re.split(r"(?<=[.!?])\s", body.strip(), maxsplit=1)
    sentence = sentences[0] if len(sentences) > 1 else ""  # a one-liner is the story itself
    fallback = {
        "da": "Det sagde en promotor",
        "no": "Dette sa en promotor",
        "sv": "Det här sa en promotor",
        "en": "What a promoter told us",
    }
    return (
        sentence[:80].rstrip(" ,.;:") + ("…" if len(sentence) > 80 else "")
        if sentence
        else fallback[lang]
    )


def _no_kpi_line(lang: str) -> str:
    return {
        "da": "Ingen KPI koblet til endnu",
        "no": "Ingen KPI koblet til ennå",
        "sv": "Ingen KPI kopplad ännu",
        "en": "No KPI linked yet",
    }[lang]


def build_card(
    kind: RowKind,
    row: dict,
    *,
    known: KnownNames,
    detect_language: LanguageDetector,
    nps_score: int | None = None,
) -> StoryCard:
    """The redacted card of one candidate row. `nps_score` is the customer's shareable NPS
    score, shown on a `story` card (an NPS comment shows its own score)."""
    if kind == "ticket":
        lang = country_language(row.get("country"))
    else:
        text = f"{row.get('title') or ''} {row.get('body') or ''}"
        lang = customer_language(text, row.get("country"), detect_language)
    who = describe_customer(row.get("segment"), row.get("country"), lang)
    clean = redactor(row.get("name"), who, known)

    source: StorySource
    if kind == "story":
        source = row["source"] if row["source"] in SOURCES else "interview"
        title, body = row["title"], row["body"]
        kpi_line = _nps_line(nps_score, lang) if nps_score is not None else _no_kpi_line(lang)
    elif kind == "nps":
        source, body = "nps_comment", row["body"].strip()
        title = _first_sentence_title(clean(body), lang)
        kpi_line = _nps_line(row["score"], lang)
    else:
        source = "support_case"
        title, body, kpi_line = _ticket_text(row, lang, who)
    return StoryCard(
        key=row["key"],
        title=clean(title),
        body=clean(body),
        who=who,
        source=source,
        source_label=source_label(source, lang),
        kpi_line=kpi_line,
        language=lang,
        customer_id=row.get("customer_id"),
        segment=row.get("segment"),
        created_at=row["created_at"],
    )
