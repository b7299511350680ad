"""Prompt templates as plain Markdown files, so they can be reviewed and edited as text."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def load(name: str) -> str:
    """The text of `prompts/<name>.md`."""
    return files(__package__).joinpath(f"{name}.md").read_text(encoding="utf-8")


#: How prompts name the languages answers and stories are written in ("Answer in Danish").
LANGUAGE_NAMES = {"da": "Danish", "no": "Norwegian (Bokmål)", "sv": "Swedish", "en": "English"}


def language_name(code: str) -> str:
    """The prompt's name for a language code; English for any other."""
    return LANGUAGE_NAMES.get(code, "English")
