"""Removes personal data from story text before anything leaves the database for Slack.

Over-redaction is the safe failure: any run of 8 or more digits (phones, CPR, personnummer,
fødselsnummer, card numbers, E.164) is removed, except the shapes that are clearly not
personal: dates (2026-10-01, 01.10.2026), clock times, amounts with a currency and
percentages; a date, price or percentage glued to more digits ("01.01.90-1234",
"12 34 56 78 kr") is a number like any other. Names are matched whole-word and
case-insensitively, with the Nordic genitive "s" ("Jensens", "Lindqvist’s") and with æ/ø/å/ä/ö
written without those letters ("Soren", "Soeren").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

EMAIL_TOKEN = "[e-mail]"
NUMBER_TOKEN = "[number]"

_EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A protected shape must be the whole number, not the tail or head of a longer run that
# `_NUMBER_RUN` would otherwise count: "01.01.90-1234" (CPR) is not a date, "12 34 56 78 kr"
# not a price. No shape may touch a digit through a separator ("-", ".", "/", "+", or one with
# spaces around it, like " - "); amounts and percentages not through a plain space either, as
# phone groups are space-separated. A date followed by a lone 4–5 digit number is a national
# id (010190 1234, fødselsnummer 010190 12345), so that is not protected either.
_JOINED_BEFORE = r"(?<!\d)(?<!\d[-./+])(?<!\d\s[-./+])(?<!\d[-./+]\s)(?<!\d\s[-./+]\s)"
_SPACED_BEFORE = r"(?<![\d.,])(?<!\d[\s\u00a0])"
_JOINED_AFTER = r"(?![-./+]?\d)(?!\s[-./+]\s?\d)(?![-./+]\s\d)"
_NO_SERIAL_AFTER = r"(?!\s\d{4,5}(?!\d|[:.,]\d))"
_CURRENCY = r"(?:kr\.?|DKK|NOK|SEK|EUR|€|,-)(?!\w)"
_NO_UNIT_AFTER = rf"(?!\s?(?:{_CURRENCY}|%))"  # "01.01.0000 kr" is a number with a unit
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"  # also a month: 10/31/26 is as much a date as 31.10.26
_ISO_DATE = r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:[T\s]\d{2}:\d{2}(?::\d{2})?)?"
_DOTTED_DATE = rf"{_DAY}[./]{_DAY}[./](?:\d{{4}}|\d{{2}})"
_RANGE = r"\s?[-–]\s?"  # 01.10.2026-31.12.2026 is two dates, not one long number
_NOT_A_DATE_AFTER = _JOINED_AFTER + _NO_SERIAL_AFTER + _NO_UNIT_AFTER
_PROTECTED = re.compile(
    rf"""
    {_JOINED_BEFORE}{_ISO_DATE}(?:{_RANGE}{_ISO_DATE})?{_NOT_A_DATE_AFTER}
    | {_JOINED_BEFORE}{_DOTTED_DATE}(?:{_RANGE}{_DOTTED_DATE})?{_NOT_A_DATE_AFTER}
    | (?<![\d:])\d{{1,2}}:\d{{2}}(?![\d:])                                    # 9:30
    | {_JOINED_BEFORE}{_SPACED_BEFORE}\d{{1,3}}(?:[.\s\u00a0]\d{{3}})*(?:,\d{{1,2}})?\s?
        {_CURRENCY}                                                        # 1.299 kr
    | {_JOINED_BEFORE}{_SPACED_BEFORE}\d{{1,4}}(?:[.,]\d{{1,3}})?\s?%            # 12,5 %
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


# How a name's Nordic letters get written on keyboards and in systems without them: "Søren
# Jørgensen" arrives as "Soren Jorgensen" or "Soeren Joergensen", "Åse" as "Aase", and a
# decomposed "å" (a + combining ring) must match too.
_SPELLINGS: dict[str, tuple[str, ...]] = {
    "æ": ("æ", "ae", "ä", "a"),
    "ø": ("ø", "oe", "ö", "o"),
    "å": ("å", "aa", "a"),
    "ä": ("ä", "ae", "æ", "a"),
    "ö": ("ö", "oe", "ø", "o"),
    "ü": ("ü", "ue", "u"),
    "é": ("é", "e"),
}


def _letter_pattern(letter: str) -> str:
    spellings = _SPELLINGS.get(letter.lower())
    if spellings is None:
        return re.escape(letter)
    forms = {*spellings, *(unicodedata.normalize("NFD", form) for form in spellings)}
    return "(?:" + "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True)) + ")"


def _name_pattern(part: str) -> str:
    """`part` as a regex: any whitespace between words, any spelling of its Nordic letters."""
    words = unicodedata.normalize("NFC", part).split()
    return r"\s+".join("".join(_letter_pattern(letter) for letter in word) for word in words)


def _redact_names(text: str, names: Iterable[str], replacement: str) -> str:
    for name in names:
        for part in name_parts(name):
            pattern = _name_pattern(part)
            text = re.sub(
                rf"(?<!\w){pattern}(?:['\u2019]?s)?(?!\w)",  # Jensens, Lindqvist's, Lindqvist’s
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
