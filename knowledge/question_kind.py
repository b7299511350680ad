"""What shape of answer a question asks for, from its question words in da/no/sv/en.

"Which are the steps …" wants the list items, "how do we …" the steps or the how-to line,
"how many / how much / when" the sentence with the figure, "what is …" the definition.
Only the question's grammar is read here, never its topic; the answerer then looks for
that shape (a list, a figure, a defining sentence) in the best-matching passage.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Kind(StrEnum):
    LIST = "list"
    HOWTO = "howto"
    FIGURE = "figure"
    DEFINITION = "definition"
    OTHER = "other"


def _words(*phrases: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b", re.IGNORECASE)


# "How many/much/long/often", "when", "what was the result" — the answer is a figure.
_FIGURE = _words(
    r"how (?:many|much|few|long|often|big|large|high|low|old)",
    r"what (?:age|percentage|share|rate|threshold|default)",
    r"at what",
    r"hvor (?:mange|meget|mye|længe|lenge|ofte|stor[et]?|høje?t?|høye?t?|gammel|gamle|få)",
    r"hvornår",
    r"hvilken alder",
    r"hur (?:många|mycket|länge|ofta|stor[at]?|höga?t?|gammal|gamla|få)",
    r"vid vilken",
    r"(?:what|hvad|hva|vad) (?:was|were|became|blev|ble|var|vart)",
    # a price or a level: "what does it cost", "hvad koster", "vad ligger NPS på"
    r"what does .{1,60} cost",
    r"(?:hvad|hva) koster",
    r"vad kostar",
    r"(?:hvad|hva|vad|hvor|var) ligger",
    r"what time",
    r"(?:which|what) (?:day|weekday|date|time)",
    r"(?:hvilken|hvilket|vilken|vilket) (?:dag|ugedag|ukedag|veckodag|dato|datum|tidspunkt|klokkeslæt|klokkeslett|tid)",
)
# "Which …", "what are the …", "name the …" — the answer is the items of a list.
_LIST = _words(
    r"which",
    r"what (?:are|were) the",
    r"what (?:kinds?|types?|sorts?)",
    r"list",
    r"hvilke",
    r"hvilken type",
    r"hvad er de",
    r"hva er de",
    r"vilka",
    r"vad är de",
    r"hvilka",
)
# "How do we …", "how can I …", "what should we do …" — the answer is steps or a how-to.
_HOWTO = _words(
    r"how (?:do|does|can|could|should|would|to|is|are)",
    r"what (?:should|can|must) (?:we|i|you)",
    r"hvordan",
    r"hur",
    r"hvad (?:skal|kan|bør|gør) (?:vi|jeg|man)",
    r"hva (?:skal|kan|bør|gjør) (?:vi|jeg|man)",
    r"vad (?:ska|kan|bör|gör) (?:vi|jag|man)",
)
_DEFINITION = _words(
    r"what(?:'s| is| does .* mean| are)",
    r"define",
    r"meaning of",
    r"hvad (?:er|betyder|menes)",
    r"hva (?:er|betyr|menes)",
    r"vad (?:är|betyder|menas|innebär)",
)


# "When …?" asks for a time only as the question word: "what do we do wrong when we ask
# them?" and "vanliga misstag när man bygger …" use it as a conjunction.
_WHEN_FIRST = re.compile(r"^\W*(?:when|när|når)\b", re.IGNORECASE)
# "What was the pizza example about?" asks for a description, not a figure.
_ABOUT = re.compile(r"\babout\s*\??\s*$", re.IGNORECASE)


def kind_of(question: str) -> Kind:
    """The answer shape `question` asks for; a bare term ("Kundesegmentering?") is a
    request for its definition."""
    text = " ".join(question.split())
    if (_FIGURE.search(text) or _WHEN_FIRST.search(text)) and not _ABOUT.search(text):
        return Kind.FIGURE
    if _LIST.search(text):
        return Kind.LIST
    if _HOWTO.search(text):
        return Kind.HOWTO
    if _DEFINITION.search(text) or len(text.split()) <= 3:
        return Kind.DEFINITION
    return Kind.OTHER


# Digits, and the words that state a number or a period in da/no/sv/en (the articles
# en/et/ett/one are left out: they are everywhere).
_SHARED_PERIODS = r"hver uge|hver uke|varje vecka|om året|per år|i året"
# Per language: "to" is two in Danish and Norwegian but a preposition in English, "ni" nine
# in Danish and Norwegian but "you" in Swedish, "sex" six only in Swedish.
_NUMBER_WORDS = {
    "da": _words(
        r"to|tre|fire|fem|seks|syv|otte|ni|ti|elleve|tolv|tyve|hundrede|tusind|halvdelen",
        r"dagligt?|ugentligt?|månedligt?|årligt?|gang|gange",
        _SHARED_PERIODS,
    ),
    "no": _words(
        r"to|tre|fire|fem|seks|sju|syv|åtte|ni|ti|elleve|tolv|tjue|hundre|tusen|halvparten",
        r"daglig|ukentlig|månedlig|årlig|gang|ganger",
        _SHARED_PERIODS,
    ),
    "sv": _words(
        r"två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|tjugo|hundra|tusen|hälften",
        r"dagligen|veckovis|månadsvis|årligen|gång|gånger",
        _SHARED_PERIODS,
    ),
    "en": _words(
        r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|hundred",
        r"thousand|million|once|twice|half|dozen|daily|weekly|monthly|quarterly|yearly",
        r"annually",
    ),
}


def states_a_figure(text: str, language: str | None = None) -> bool:
    """Whether the text states a number, an amount or a frequency: what "how many", "how
    much", "how often" and "when" questions ask for. Number words are read in the text's
    language (all four when it is not known)."""
    if any(char.isdigit() for char in text):
        return True
    languages = [language] if language in _NUMBER_WORDS else list(_NUMBER_WORDS)
    return any(_NUMBER_WORDS[each].search(text) for each in languages)


_WHO_OF_OURS = _words(
    r"who (?:is|are) (?:our|the)",
    r"hvem er (?:vores|vor|vår|vårt|våre)",
    r"vem är (?:vår|vårt|våra)",
)
_NAME = re.compile(r"(?<=\S\s)[A-ZÆØÅÄÖ][a-zæøåäöé]+")


def asks_for_a_name(question: str) -> bool:
    """ "Who is our data protection officer?": only a line that names someone answers it."""
    return bool(_WHO_OF_OURS.search(" ".join(question.split())))


def names_someone(text: str) -> bool:
    """A capitalised word inside the sentence (not its first word): "Ask Mette Holm"."""
    return bool(_NAME.search(text))


# The asker's own organisation or self: "our", "we", "my" in da/no/sv/en.
_OURS = _words(
    r"our|ours|we|us|my",
    r"vores|vor|vi|os|min|mit|mine|jeg",
    r"vår|vårt|våre|oss|mitt|mine",
    r"våra|mina|jag",
)
# A question after one value: "what is our …", "which … do we …" (singular which).
_ONE_VALUE = _words(
    r"(?:what|hvad|hva|vad)(?:'s| is| was| er| var| blev| ble| är| blev)",
    r"what (?:\w+ ){1,2}(?:does|do|did|is|was)",
    r"hvilken|hvilket|vilken|vilket",
)


def asks_for_our_specifics(question: str) -> bool:
    """ "What is our NPS target?", "Vilket CRM-system använder vi?", "Hvad er frafaldet hos
    vores største konkurrent?": a value, a name or a choice of the asker's own
    organisation. General guidance cannot answer these; only a line that states the value
    (a figure or a name) can."""
    text = " ".join(question.split())
    return bool(_OURS.search(text)) and (
        kind_of(text) is Kind.FIGURE or bool(_ONE_VALUE.search(text))
    )


_HOW_MANY = re.compile(
    r"\b(?:how (?:many|few)|hvor (?:mange|få)|hur (?:många|få))\s+([^\W\d_][\w-]*)",
    re.IGNORECASE,
)


_FIGURE_OF = re.compile(
    r"\b(?:(?:what|hvad|hva|vad) (?:was|were|became|blev|ble|var|vart)|how much is|"
    r"how (?:high|low|big|large) (?:is|was)|hvor (?:høj|høy|stor)t? (?:er|var|blev|ble)|"
    r"hur (?:hög|stor)t? (?:är|var|blev))\s+(?:the |den |det |de )?([^\W_][\w-]*)",
    re.IGNORECASE,
)


def figure_subject(question: str) -> str | None:
    """What a figure question asks the figure of: "CLV" in "Vad blev CLV i exemplet?",
    "personas" in "How many personas …": the line that answers states that figure."""
    found = _FIGURE_OF.search(" ".join(question.split()))
    return found.group(1).lower() if found else counted_thing(question)


def counted_thing(question: str) -> str | None:
    """The word a "how many …" question counts ("personas" in "How many personas …"):
    the figure that answers it is a number of those, so its passage must name them."""
    found = _HOW_MANY.search(" ".join(question.split()))
    return found.group(1).lower() if found else None
