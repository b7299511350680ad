"""Every sentence the bot says to a person, in da/no/sv/en, looked up by key.

The texts live in `catalogue/*.yaml` (one file per feature, so a translator edits data, never
code): each key maps a language code to a `str.format` template. A missing language falls back
to English; a key that does not exist is a programming error and raises at once.
`tests/bot/test_i18n.py` checks that every key has all four languages with the same
placeholders.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

LANGUAGES = ("da", "no", "sv", "en")
FALLBACK = "en"
#: The Babel locale whose number, percent and date formats each language reads
#: (Norwegian is Bokmål: Slack's `nb-NO`, and what `no` means in CLDR).
LOCALES = {"da": "da_DK", "no": "nb_NO", "sv": "sv_SE", "en": "en_US"}
CATALOGUE = Path(__file__).with_name("catalogue")


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """All keys of all catalogue files; a key defined twice is refused."""
    texts: dict[str, dict[str, str]] = {}
    for path in sorted(CATALOGUE.glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            entries = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
        for key, languages in entries.items():
            if key in texts:
                raise ValueError(f"{path.name}: message key {key!r} is defined twice")
            texts[key] = {str(code): str(text) for code, text in languages.items()}
    return texts


def language_or_fallback(language: str | None) -> str:
    """One of LANGUAGES: Slack locales such as `nb-NO`, `sv-SE` or `da` map to theirs."""
    code = (language or "").lower().replace("_", "-").split("-")[0]
    code = {"nb": "no", "nn": "no"}.get(code, code)
    return code if code in LANGUAGES else FALLBACK


def babel_locale(language: str | None) -> str:
    """`da` → `da_DK`: the locale Babel formats numbers and dates for."""
    return LOCALES[language_or_fallback(language)]


def say(key: str, language: str | None, /, **values: object) -> str:
    """The text for `key` in `language` (English when it has no translation), filled in."""
    texts = catalogue()[key]
    template = texts.get(language_or_fallback(language)) or texts[FALLBACK]
    return template.format(**values)


def say_or(default: str, key: str, language: str | None, /, **values: object) -> str:
    """For keys built from data (a KPI's name, a unit, an error code): `default` when the
    catalogue has no such key, so a KPI or unit added without translations still reads."""
    if key not in catalogue():
        return default
    return say(key, language, **values)
