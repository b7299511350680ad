"""Removes personal data from story text before anything leaves the database for Slack.

Over-redaction is the safe failure. What goes, in this order:
- links (any URL, or a domain with a path: `linkedin.com/in/soren-jorgensen` names a person);
- e-mail addresses;
- street addresses in Danish, Norwegian and Swedish forms: a street (`Nørrebrogade`,
  `Karl Johans gate`) and its number, with floor/door and postcode + town when they follow;
- any run of 8 or more digits (phones, CPR, personnummer, fødselsnummer, card numbers, E.164),
  however its groups are separated (dashes of any kind, several spaces, a line break, a
  no-break or thin space), except the shapes that are clearly not personal: dates (2026-10-01,
  01.10.2026), clock times, amounts with a currency and percentages; a date, price or
  percentage glued to more digits ("01.01.90-1234", "12 34 56 78 kr") is a number like any
  other;
- the customer's own name, which becomes the descriptor ("en SMB-kunde i Danmark");
- the names of everyone else we know (`KnownNames`: other customers, the workspace), which
  become `[name]`.

Names are matched whole-word, with the Nordic genitive "s" ("Jensens", "Lindqvist’s") and with
æ/ø/å/ä/ö written without those letters ("Soren", "Soeren"). The customer's own name is matched
in any case; other people's names only when capitalised, as proper nouns are, because a
customer called Glad or Berg must not take those words out of every story.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

EMAIL_TOKEN = "[e-mail]"
NUMBER_TOKEN = "[number]"
ADDRESS_TOKEN = "[address]"
LINK_TOKEN = "[link]"
NAME_TOKEN = "[name]"

# A scheme or www. starts a link; otherwise a host with a letter TLD followed by a path
# ("12.5/10" and dates are not hosts). Trailing sentence punctuation is not part of it.
_LINK = re.compile(
    r"""(?:\b(?:https?|ftp)://|\bwww\.|(?<![\w@.\-])(?:[\w\-]+\.)+[a-z]{2,}(?::\d+)?/)
        [^\s<>|"]*(?<![.,;:!?)\]'’])""",
    re.VERBOSE | re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)

# ---- street addresses -------------------------------------------------------------------
_UPPER = "A-ZÆØÅÄÖÜÉ"
#: Endings of one-word street names: Nørrebrogade, Storgata, Drottninggatan, Kungsvägen.
_STREET_ENDINGS = (
    "gade|gaden|vej|vejen|vænge|vænget|allé|alle|stræde|strædet|plads|pladsen|torv|torvet|"
    "boulevard|bakke|bakken|stien|kaj|kajen|"
    "gate|gata|gaten|vei|veien|veg|vegen|plass|plassen|torg|torget|brygge|bryggen|"
    "gatan|vägen|väg|gränd|gränden|allén|backe|backen|esplanad|esplanaden|promenaden|kajen"
)
#: Street types written as a word of their own after a genitive: Karl Johans gate,
#: H.C. Andersens Boulevard, Niels Juels Gade.
_STREET_WORDS = "gade|vej|allé|alle|stræde|plads|torv|boulevard|gate|gata|vei|veg|plass|torg|gatan|väg|vägen|gränd"
#: Street types that are one whatever precedes them: Bygdøy allé, Strandvejens Boulevard.
_ALWAYS_STREET_WORDS = "allé|boulevard|esplanade"
_NAME_WORD = rf"[{_UPPER}][\w'’.\-]*"
_ADDRESS = re.compile(
    rf"""
    (?<![\w.])
    (?:
        (?:{_NAME_WORD}\s+){{0,3}}[{_UPPER}][\w'’\-]*?(?i:{_STREET_ENDINGS})
      | (?:{_NAME_WORD}\s+){{0,2}}{_NAME_WORD}s\s+(?i:{_STREET_WORDS})
      | (?:{_NAME_WORD}\s+){{1,3}}(?i:{_ALWAYS_STREET_WORDS})
    )
    \s+\d{{1,4}}(?:\s?[-–]\s?\d{{1,4}})?(?:\s?[A-Za-z](?![\w]))?           # 12, 5B, 12-14, 7 A
    (?:,?\s+(?:\d{{1,2}}\.\s?(?:(?:th|tv|mf|sal)\b\.?)?                       # 2. th., 1. sal
              |st\.(?:\s?(?:th|tv|mf)\b\.?)?                                  # st. tv.
              |\d{{1,2}}\s?(?:th|tv|mf|sal)\b\.?))?                           # 3 mf
    (?:,?\s+(?:\d{{3}}\s?\d{{2}}|\d{{4}})\s+[{_UPPER}][\w\-]+                 # 2200 København
        (?:\s(?:N|NV|NØ|Ø|V|SV|S|K|C)(?![\w]))?)?                            # … N
    (?![\w])
    """,
    re.VERBOSE,
)

# ---- numbers ------------------------------------------------------------------------------
# Numbers are found on a shadow of the text in which every run of whitespace (several spaces,
# a line break, no-break and thin spaces) is one space and every dash is "-", so "12  34\n56
# 78" and "070–123 45 67" read like "12 34 56 78" and "070-123 45 67"; what is found there is
# removed from the text as written.
#
# A protected shape must be the whole number, not the tail or head of a longer run that
# `_NUMBER_RUN` would otherwise count: "01.01.90-1234" (CPR) is not a date, "12 34 56 78 kr"
# not a price. No shape may touch a digit through a separator ("-", ".", "/", "+", or one with
# spaces around it, like " - "); amounts and percentages not through a plain space either, as
# phone groups are space-separated. A date followed by a lone 4–5 digit number is a national
# id (010190 1234, fødselsnummer 010190 12345), so that is not protected either.
_JOINED_BEFORE = r"(?<!\d)(?<!\d[-./+])(?<!\d\s[-./+])(?<!\d[-./+]\s)(?<!\d\s[-./+]\s)"
_SPACED_BEFORE = r"(?<![\d.,])(?<!\d\s)"
_JOINED_AFTER = r"(?![-./+]?\d)(?!\s[-./+]\s?\d)(?![-./+]\s\d)"
_NO_SERIAL_AFTER = r"(?!\s\d{4,5}(?!\d|[:.,]\d))"
_CURRENCY = r"(?:kr\.?|DKK|NOK|SEK|EUR|€|,-)(?!\w)"
_NO_UNIT_AFTER = rf"(?!\s?(?:{_CURRENCY}|%))"  # "01.01.0000 kr" is a number with a unit
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"  # also a month: 10/31/26 is as much a date as 31.10.26
_ISO_DATE = r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:[T\s]\d{2}:\d{2}(?::\d{2})?)?"
_DOTTED_DATE = rf"{_DAY}[./]{_DAY}[./](?:\d{{4}}|\d{{2}})"
_RANGE = r"\s?-\s?"  # 01.10.2026-31.12.2026 is two dates, not one long number
_NOT_A_DATE_AFTER = _JOINED_AFTER + _NO_SERIAL_AFTER + _NO_UNIT_AFTER
_PROTECTED = re.compile(
    rf"""
    {_JOINED_BEFORE}{_ISO_DATE}(?:{_RANGE}{_ISO_DATE})?{_NOT_A_DATE_AFTER}
    | {_JOINED_BEFORE}{_DOTTED_DATE}(?:{_RANGE}{_DOTTED_DATE})?{_NOT_A_DATE_AFTER}
    | (?<![\d:])\d{{1,2}}:\d{{2}}(?![\d:])                                    # 9:30
    | {_JOINED_BEFORE}{_SPACED_BEFORE}\d{{1,3}}(?:[.\s]\d{{3}})*(?:,\d{{1,2}})?\s?
        {_CURRENCY}                                                        # 1.299 kr
    | {_JOINED_BEFORE}{_SPACED_BEFORE}\d{{1,4}}(?:[.,]\d{{1,3}})?\s?%            # 12,5 %
    """,
    re.VERBOSE | re.IGNORECASE,
)
# A run of digits joined by single separators: "+45 12 34 56 78", "070-123 45 67",
# "900101+1234", "4111-1111-1111-1111", "+46 (0)70 123 45 67".
_NUMBER_RUN = re.compile(r"\+?\(?\d+\)?(?:(?:\s?[-./+]\s?|\s)\(?\d+\)?)*")
_MIN_PII_DIGITS = 8
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212"  # hyphen, non-breaking hyphen, …, minus
_WHITESPACE_RUN = re.compile(r"\s+")


def _shadow(text: str) -> tuple[str, list[int], list[int]]:
    """`text` with whitespace runs as one space and dashes as "-", and where each of its
    characters came from: `text[starts[i]:ends[i]]` is what shadow character i stands for."""
    shadow: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for match in _WHITESPACE_RUN.finditer(text):
        for index in range(position, match.start()):
            char = text[index]
            shadow.append("-" if char in _DASHES else char)
            starts.append(index)
            ends.append(index + 1)
        shadow.append(" ")
        starts.append(match.start())
        ends.append(match.end())
        position = match.end()
    for index in range(position, len(text)):
        char = text[index]
        shadow.append("-" if char in _DASHES else char)
        starts.append(index)
        ends.append(index + 1)
    return "".join(shadow), starts, ends


def _redact_numbers(text: str) -> str:
    if sum(map(str.isdigit, text)) < _MIN_PII_DIGITS:
        return text  # no run can hold 8 digits: skip the per-character shadow
    shadow, starts, ends = _shadow(text)
    # Protected shapes become a barrier of the same length, so no run can join across them.
    masked = _PROTECTED.sub(lambda m: "\x00" * len(m.group(0)), shadow)
    spans = [
        (starts[m.start()], ends[m.end() - 1])
        for m in _NUMBER_RUN.finditer(masked)
        if sum(ch.isdigit() for ch in m.group(0)) >= _MIN_PII_DIGITS
    ]
    for start, end in reversed(spans):
        text = text[:start] + NUMBER_TOKEN + text[end:]
    return text


# ---- names --------------------------------------------------------------------------------
# How a name's Nordic letters get written on keyboards and in systems without them: "Søren
# Jørgensen" arrives as "Soren Jorgensen" or "Soeren Joergensen", "Åse" as "Aase". Both the
# name and the text are folded to one spelling before they are compared: the letters to their
# base vowel, then "ae", "oe", "ue" (ø written as oe) and doubled vowels ("aa" for å) to one.
_BASE_VOWELS = str.maketrans(
    {"æ": "a", "ä": "a", "å": "a", "ø": "o", "ö": "o", "ü": "u", "é": "e", "è": "e"}
)
_DIGRAPH = re.compile(r"([aou])(?:e|\1)")
_WORD = re.compile(r"[^\W\d_]+(?:['’]s(?![^\W\d_]))?")
_NAME_GAP = re.compile(r"[\s.\-'’]*")  # what may stand between the words of a full name
_SHORTEST_PART = 3  # shorter name parts ("Bo", "Ek") are too ambiguous on their own


@lru_cache(maxsize=65_536)
def _fold(word: str) -> str:
    folded = unicodedata.normalize("NFC", word).lower().translate(_BASE_VOWELS)
    while True:
        shorter = _DIGRAPH.sub(r"\1", folded)
        if shorter == folded:
            return folded
        folded = shorter


def _spellings(token: str) -> tuple[str, ...]:
    """The token folded, and without a genitive s ("Jensens", "Lindqvist’s") if it has one."""
    if token[-2:] in ("'s", "’s"):
        return (_fold(token[:-2]),)
    if token[-1:] in ("s", "S"):
        return (_fold(token), _fold(token[:-1]))
    return (_fold(token),)


def name_parts(name: str | None) -> list[str]:
    """The words of a name that are matched on their own: those of at least 3 letters."""
    if not name:
        return []
    return [
        word
        for word in _WORD.findall(unicodedata.normalize("NFC", name))
        if len(word) >= _SHORTEST_PART
    ]


class KnownNames:
    """People's names, folded once so a story is checked against thousands in one pass."""

    def __init__(self, names: Iterable[str | None]) -> None:
        self.parts: set[str] = set()
        #: folded first word → the full names (as folded word tuples) that start with it
        self.full_names: dict[str, set[tuple[str, ...]]] = {}
        for name in names:
            words = tuple(_fold(w) for w in _WORD.findall(unicodedata.normalize("NFC", name or "")))
            if not words:
                continue
            self.full_names.setdefault(words[0], set()).add(words)
            self.parts.update(_fold(part) for part in name_parts(name))

    def __bool__(self) -> bool:
        return bool(self.parts or self.full_names)

    def replace(self, text: str, replacement: str, *, proper_nouns_only: bool) -> str:
        """`text` with every known name (a full name once, else each part) replaced."""
        tokens = list(_WORD.finditer(text))
        out: list[str] = []
        position = index = 0
        while index < len(tokens):
            token = tokens[index]
            if proper_nouns_only and not token.group(0)[0].isupper():
                index += 1
                continue
            length = self._match_at(text, tokens, index, proper_nouns_only)
            if length == 0:
                index += 1
                continue
            out.append(text[position : token.start()])
            out.append(replacement)
            position = tokens[index + length - 1].end()
            index += length
        out.append(text[position:])
        return "".join(out)

    def _match_at(
        self, text: str, tokens: list[re.Match[str]], index: int, proper_nouns_only: bool
    ) -> int:
        """How many tokens from `index` on are one known name (0: none)."""
        best = 0
        for first in _spellings(tokens[index].group(0)):
            for full in self.full_names.get(first, ()):
                if len(full) > best and self._spans(text, tokens, index, full, proper_nouns_only):
                    best = len(full)
        if best:
            return best
        return 1 if any(s in self.parts for s in _spellings(tokens[index].group(0))) else 0

    @staticmethod
    def _spans(
        text: str,
        tokens: list[re.Match[str]],
        index: int,
        full: tuple[str, ...],
        proper_nouns_only: bool,
    ) -> bool:
        if index + len(full) > len(tokens):
            return False
        for offset, word in enumerate(full[1:], start=1):
            token, previous = tokens[index + offset], tokens[index + offset - 1]
            gap = text[previous.end() : token.start()]
            if not _NAME_GAP.fullmatch(gap) or "\n\n" in gap:
                return False
            if proper_nouns_only and not token.group(0)[0].isupper():
                return False
            if word not in _spellings(token.group(0)):
                return False
        return True


def redact(
    text: str,
    *,
    names: Iterable[str] = (),
    replacement_who: str = "the customer",
    known_names: KnownNames | None = None,
) -> str:
    """`text` without links, e-mail addresses, street addresses, PII-length numbers, the
    customer's name (`names`, replaced by `replacement_who`) and anyone else's in
    `known_names` (replaced by `[name]`)."""
    text = unicodedata.normalize("NFC", text)
    text = _LINK.sub(LINK_TOKEN, text)
    text = _EMAIL.sub(EMAIL_TOKEN, text)
    text = _ADDRESS.sub(ADDRESS_TOKEN, text)
    text = _redact_numbers(text)
    own = KnownNames(names)
    if own:
        text = own.replace(text, replacement_who, proper_nouns_only=False)
    if known_names:
        text = known_names.replace(text, NAME_TOKEN, proper_nouns_only=True)
    return text


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
