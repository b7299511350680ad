"""Removes personal data from story text before anything leaves the database for Slack.

Over-redaction is the safe failure: any run of 8 or more digits (phones, CPR, personnummer,
fødselsnummer, card numbers, E.164) is removed, except the shapes that are clearly not
personal: dates (2026-10-01, 01.10.2026), clock times, amounts with a currency and
percentages. Names are matched whole-word and case-insensitively, including the Nordic
genitive "s" ("Jensens").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

EMAIL_TOKEN = "[e-mail]"
NUMBER_TOKEN = "[number]"

_EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_PROTECTED = re.compile(
    r"""
    (?<!\d)\d{4}-\d{2}-\d{2}(?:[T\s]\d{2}:\d{2}(?::\d{2})?)?(?!\d)   # ISO dates
    | (?<![\d.])\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})(?![\d.])      # 01.10.2026, 1/10/26
    | (?<![\d:])\d{1,2}:\d{2}(?![\d:])                                 # 9:30
    | (?<![\d.,])\d{1,3}(?:[.\s\u00a0]\d{3})*(?:,\d{1,2})?\s?(?:kr\.?|DKK|NOK|SEK|EUR|€|,-)(?!\w)  # 1.299 kr
    | (?<![\d.,])\d+(?:[.,]\d+)?\s?%                                   # 12,5 %
    """,
    re.VERBOSE | re.IGNORECASE,
)
# A run of digits joined by single separators: "+45 12 34 56 78", "070-123 45 67",
# "900101+1234", "4111-1111-1111-1111", "+46 (0)70 123 45 67".
_NUMBER_RUN = re.compile(r"\+?\(?\d+\)?(?:(?:\s?[-./+]\s?|[ \u00a0])\(?\d+\)?)*")
_MIN_PII_DIGITS = 8
_PLACEHOLDER = "\x00{}\x00"
_PLACEHOLDER_RE = re.compile("\x00(\\d+)\x00")


def _redact_numbers(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        digits = sum(ch.isdigit() for ch in match.group(0))
        return NUMBER_TOKEN if digits >= _MIN_PII_DIGITS else match.group(0)

    return _NUMBER_RUN.sub(replace, text)


def name_parts(name: str | None) -> list[str]:
    """The full name, then each part of at least 3 letters (shorter ones are too ambiguous)."""
    if not name or not name.strip():
        return []
    full = " ".join(name.split())
    parts = [part for part in re.split(r"[\s\-]+", full) if sum(c.isalpha() for c in part) >= 3]
    ordered = [full, *sorted(set(parts), key=len, reverse=True)]
    return list(dict.fromkeys(p for p in ordered if p))


def _redact_names(text: str, names: Iterable[str], replacement: str) -> str:
    for name in names:
        for part in name_parts(name):
            pattern = r"\s+".join(re.escape(piece) for piece in part.split())
            text = re.sub(
                rf"(?<!\w){pattern}(?:'?s)?(?!\w)",
                lambda _m: replacement,
                text,
                flags=re.IGNORECASE,
            )
    return text


def redact(text: str, *, names: Iterable[str] = (), replacement_who: str = "the customer") -> str:
    """`text` without e-mail addresses, PII-length numbers and the given people's names."""
    text = _EMAIL.sub(EMAIL_TOKEN, text)
    kept: list[str] = []

    def protect(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return _PLACEHOLDER.format(len(kept) - 1)

    text = _PROTECTED.sub(protect, text.replace("\x00", ""))
    text = _redact_numbers(text)
    text = _PLACEHOLDER_RE.sub(lambda m: kept[int(m.group(1))], text)
    return _redact_names(text, list(names), replacement_who)


_COUNTRIES = {
    "da": {"DK": "Danmark", "NO": "Norge", "SE": "Sverige", "FI": "Finland", "DE": "Tyskland"},
    "no": {"DK": "Danmark", "NO": "Norge", "SE": "Sverige", "FI": "Finland", "DE": "Tyskland"},
    "sv": {"DK": "Danmark", "NO": "Norge", "SE": "Sverige", "FI": "Finland", "DE": "Tyskland"},
    "en": {"DK": "Denmark", "NO": "Norway", "SE": "Sweden", "FI": "Finland", "DE": "Germany"},
}
_CUSTOMER = {"da": "kunde", "no": "kunde", "sv": "kund", "en": "customer"}
_IN = {"da": "i", "no": "i", "sv": "i", "en": "in"}
_ARTICLE = {"da": "en", "no": "en", "sv": "en", "en": "a"}


def _segment_label(segment: str) -> str:
    return segment.upper() if len(segment) <= 3 else segment.lower()


def describe_customer(segment: str | None, country: str | None, language: str) -> str:
    """ "an SMB customer in Sweden" / "en SMB-kunde i Sverige": who, without saying who."""
    lang = language if language in _CUSTOMER else "en"
    noun = _CUSTOMER[lang]
    if segment:
        label = _segment_label(segment)
        noun = f"{label} {noun}" if lang == "en" else f"{label}-{noun}"
    article = _ARTICLE[lang]
    if lang == "en" and (noun[:1].lower() in "aeiou" or noun.startswith(("SMB", "B2"))):
        article = "an"  # spoken "an ess-em-bee", "an enterprise"
    who = f"{article} {noun}"
    if country:
        place = _COUNTRIES[lang].get(country.upper(), country.upper())
        who = f"{who} {_IN[lang]} {place}"
    return who
