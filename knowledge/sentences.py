"""Where one sentence ends and the next begins, in Danish, Norwegian, Swedish and English.

The one sentence splitter of the knowledge layer: chunking cuts long paragraphs with it and
the answerer quotes what it returns. A full stop followed by a capital or a digit ends a
sentence unless the word before it is an abbreviation that never ends one ("ca. 20 %",
"kl. 14", "bl.a. Norge", "e.g. NPS"). Abbreviations that often do end a sentence ("osv.",
"etc.", "m.fl.") split like any word before a capital.
"""

from __future__ import annotations

import re

# Abbreviations after which a capital or a digit continues the sentence.
_NON_TERMINAL = frozenset(
    """
    ca. kl. nr. bl.a. f.eks. fx. t.ex. dvs. d.v.s. e.g. i.e. vs. jf. jfr. evt. inkl. ekskl.
    exkl. pga. p.g.a. ifm. f.x. s. st. mr. mrs. dr. prof. tlf. tel. fig. pkt. kap. ref.
    eks. ex. resp. approx. cf. jan. feb. aug. sep. sept. okt. oct. nov. dec.
    """.split()  # noqa: SIM905 (one word list, easy to read and extend)
)
_BOUNDARY = re.compile(r"[.!?…][\"»”')\]]*\s+(?=[\"«“(]?[A-ZÆØÅÄÖÉ0-9])")


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, whitespace folded, abbreviations kept inside theirs."""
    text = " ".join(text.split())
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if text[match.start()] == "." and _abbreviation_before(text, start, match.start() + 1):
            continue
        sentences.append(text[start : match.start() + len(match.group(0).rstrip())].strip())
        start = match.end()
    sentences.append(text[start:].strip())
    return [sentence for sentence in sentences if sentence]


def _abbreviation_before(text: str, start: int, end: int) -> bool:
    """Is the word that ends at `end` (its full stop included) a non-terminal abbreviation?"""
    word = text[start:end].rsplit(" ", 1)[-1].lstrip("\"«“'([").lower()
    return word in _NON_TERMINAL
