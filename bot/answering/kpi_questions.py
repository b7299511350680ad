"""Questions in words that ask for one of our KPI figures, read into the query `/kpi` runs.

"Hvad var vores NPS i oktober?" wants the figure from the metrics database, not an article's
worked example; "Hvordan beregnes NPS?" wants the article. This module reads a question in
da/no/sv/en offline: which KPI it names (catalogue names, aliases and everyday words for
them), which period (month names, "sidste måned", "förra kvartalet", "i fjor", "the last 30
days" …, as a period string metrics.periods.resolve_period accepts), which segment or
country, and whether it asks for our value (a period, a possessive, "now", "how high",
"trend") or for the concept (how it is computed, what it is, why, how to improve it).
When both or neither show, the route is UNSURE and the bot asks back.

It composes metrics (the KPI catalogue) with knowledge (language detection), which is why it
lives in bot/; it knows nothing about Slack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.i18n import say
from knowledge.language import detect
from metrics.periods import ACCEPTED_FORMS
from metrics.registry import list_kpis


class Route(StrEnum):
    KPI = "kpi"  # answer from the metrics layer
    CONCEPT = "concept"  # answer from the knowledge base
    UNSURE = "unsure"  # ask which of the two was meant


@dataclass(frozen=True)
class KpiQuestion:
    """A question about a KPI: where to route it and, for the figure, the `/kpi` query."""

    route: Route
    language: str
    kpi: str | None = None  # catalogue name; None when the question names no known KPI
    period: str | None = None  # resolve_period string; None = the configured default
    segments: dict[str, str] = field(default_factory=dict)
    #: One sentence saying what could not be understood (unknown KPI or period), else None.
    problem: str | None = None


def _words(*phrases: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + "|".join(phrases) + r")(?![\w])", re.IGNORECASE)


# Everyday words for each KPI (catalogue names and aliases are added from the registry).
_KPI_WORDS: dict[str, tuple[str, ...]] = {
    "nps": (r"nps(?:-?(?:en|et|tal|score|scoren))?", r"net promoter(?: score)?"),
    "csat": (
        r"csat(?:-?(?:score|scoren))?",
        r"kunde(?:tilfredshed|tilfredshet)(?:en)?",
        r"kundnöjdhet(?:en)?",
        r"customer satisfaction",
        r"tilfredshed(?:en)?",
        r"tilfredshet(?:en)?",
        r"nöjdhet(?:en)?",
        r"satisfaction",
    ),
    "churn_rate": (
        r"churn(?:-?(?:rate|raten|en))?",
        r"(?:kunde)?frafald(?:et|sraten)?",
        r"(?:kunde)?frafall(?:et)?",
        r"kundeavgang(?:en)?",
        r"kundbortfall(?:et)?",
        r"attrition",
        r"forlod os",
        r"forlot oss",
        r"lämnade oss",
        r"left us",
    ),
    "retention_rate": (
        r"retention(?: rate)?",
        r"(?:kunde)?fastholdelse(?:n|sgrad|sgraden)?",
        r"kundbehållning(?:en)?",
        r"kvarhållning(?:en)?",
        r"(?:kunde)?oppbevaring(?:en)?",
    ),
    "time_to_resolution": (
        r"time to resolution",
        r"resolution time",
        r"løsningstid(?:en)?",
        r"lösningstid(?:en)?",
        r"behandlingstid(?:en)?",
        r"løse (?:sager|saker|sagerne|sakene)",
        r"lösa ärenden(?:a)?",
        r"resolve (?:tickets|cases)",
    ),
    "aov": (
        r"(?:gennemsnitlig(?:e)? |gjennomsnittlig(?:e)? |genomsnittligt? )?ordre(?:værdi|verdi)(?:en)?",
        r"(?:genomsnittligt? )?ordervärde(?:t)?",
        r"(?:average )?order value",
        r"kurvstørrelse(?:n)?",
    ),
    "revenue_share_existing": (
        r"(?:omsætning|omsetning|intäkt|revenue)\w* (?:\w+ ){0,4}"
        r"(?:eksisterende|befintliga|existing)",
    ),
    "checkout_completion": (
        r"checkout(?: completion)?",
        r"kass(?:e|er|erne|ene|orna|or)\b.{0,30}(?:gennemført|fullført|slutför|completed)\w*",
        r"handlekurv\w*.{0,30}(?:gennemført|fullført|completed)\w*",
    ),
    "clv": (
        r"clv",
        r"(?:customer )?lifetime value",
        r"kunde(?:levetids|livstids)(?:værdi|verdi)(?:en)?",
        r"kundlivstidsvärde(?:t)?",
    ),
    "purchase_frequency": (
        r"purchase frequency",
        r"købsfrekvens(?:en)?",
        r"kjøpsfrekvens(?:en)?",
        r"köpfrekvens(?:en)?",
    ),
}


def _kpi_patterns() -> list[tuple[str, re.Pattern[str]]]:
    patterns = []
    for definition in list_kpis():
        names = [definition.name, *definition.aliases]
        phrases = [re.escape(n) for n in names] + list(_KPI_WORDS.get(definition.name, ()))
        patterns.append((definition.name, _words(*phrases)))
    return patterns


_KPIS = _kpi_patterns()

# --- periods ----------------------------------------------------------------------------

_MONTHS = {
    1: r"januar|januari|january|jan",
    2: r"februar|februari|february|feb",
    3: r"marts|mars|march|mar",
    4: r"april|apr",
    5: r"maj|mai|may",
    6: r"juni|june|jun",
    7: r"juli|july|jul",
    8: r"august|augusti|aug",
    9: r"september|sept|sep",
    10: r"oktober|october|okt|oct",
    11: r"november|nov",
    12: r"december|desember|dec|des",
}
_MONTH = _words(
    r"(?:i|in|under|for|för|på)\s+(?P<name>"
    + "|".join(_MONTHS.values())
    + r")(?:\s+(?P<year>\d{4}))?"
)
_ORDINALS = {
    1: r"1\.?|første|första|first|1st",
    2: r"2\.?|andet|andre|andra|second|2nd",
    3: r"3\.?|tredje|third|3rd",
    4: r"4\.?|fjerde|fjärde|fourth|4th",
}
_QUARTER_NUMBERED = re.compile(
    r"(?<![\w-])(?:q(?P<q>[1-4])|(?P<ord>"
    + "|".join(_ORDINALS.values())
    + r")\s+(?:kvartal|kvartalet|quarter))(?:\s+(?:(?:i|of|in)\s+)?(?P<year>\d{4}))?(?![\w])",
    re.IGNORECASE,
)
_THIS_MONTH = _words(
    r"denne måned(?:en)?", r"den här månaden", r"denna månad", r"this month", r"i måneden"
)
_LAST_MONTH = _words(
    r"(?:sidste|forrige|seneste|siste) måned(?:en)?",
    r"förra månaden",
    r"(?:last|previous|past) month",
)
_THIS_QUARTER = _words(
    r"(?:dette|denne) kvartal(?:et)?",
    r"i kvartalet",
    r"(?:detta|det här) kvartalet?",
    r"this quarter",
)
_LAST_QUARTER = _words(
    r"(?:sidste|forrige|seneste|siste) kvartal(?:et)?",
    r"förra kvartalet",
    r"(?:last|previous|past) quarter",
)
_THIS_YEAR = _words(
    r"i år", r"(?:hittills|indtil videre|så langt) i år", r"this year", r"year to date", r"ytd"
)
_LAST_YEAR = _words(
    r"(?:sidste|forrige|siste) år(?:et)?",
    r"i fjor",
    r"i fjol",
    r"förra året",
    r"(?:last|previous|past) year",
)
_YEAR = _words(r"(?:i|in|under|for|för|during)\s+(?P<year>\d{4})")
_TRAILING = _words(
    r"(?:de |dei |the )?(?:sidste|seneste|siste|senaste|last|past)\s+(?P<n>\d{1,3})\s+"
    r"(?P<unit>dage|dagene|dager|dagar|dagarna|days|uger|ugerne|uker|ukene|veckor|veckorna|weeks)"
)
_LAST_WEEK = _words(
    r"(?:sidste|forrige|seneste|siste) uke(?:n)?",
    r"(?:sidste|forrige|seneste) uge(?:n)?",
    r"förra veckan",
    r"(?:last|previous|past) week",
)
#: Words that show a period was meant even though none of the forms above was understood.
_PERIOD_HINT = _words(
    r"i (?:sommer|vinter|foråret|efteråret|høst|våres|somras|vintras|julen?)",
    r"(?:last|this) (?:summer|winter|spring|autumn)",
    r"siden|sedan|since|between|mellem|mellom|mellan",
    r"(?:uge|uke|vecka|week|w)\s*\d{1,2}",
)
_NOW = _words(
    r"nu",
    r"nå",
    r"lige nu",
    r"akkurat nå",
    r"just nu",
    r"for tiden",
    r"for tida",
    r"för närvarande",
    r"right now",
    r"currently",
    r"these days",
    r"at the moment",
    r"today",
    r"i dag",
    r"idag",
)

# --- intent -----------------------------------------------------------------------------

_POSSESSIVE = _words(r"vores", r"vor", r"vår", r"vårt", r"våre", r"våra", r"our", r"us")
_HOW_HIGH = _words(
    r"hvor (?:høj|højt|høy|høyt|lav|lavt|lang|god|godt|stor)",
    r"hur (?:hög|högt|låg|lågt|lång|bra|stor)",
    r"how (?:high|low|long|good|big)",
    r"hvor (?:længe|lenge)|hur länge",
    r"hvor mange procent|hvor mange prosent|hur många procent|what percentage",
)
_TREND = _words(
    r"udvikle[rt]?(?: sig)?",
    r"utvikle[rt]?(?: seg)?",
    r"utvecklats|utvecklat|utvecklas",
    r"udviklet|utviklet",
    r"developed|developing|trending|trend",
    r"gått|gået|gått",
    r"ligger|ligget",
    r"steget|stiger|faldet|falder|falt|faller|ökat|ökar|minskat|minskar|going (?:up|down)",
    r"rising|falling|gone (?:up|down)",
)
_SHOW = _words(
    r"vis(?: mig| meg)?",
    r"visa(?: mig)?",
    r"gi meg",
    r"giv mig",
    r"show(?: me)?",
    r"give me",
    r"get me",
    r"what'?s",
)
_VALUE_TENSE = _words(
    r"(?:hvad|hva|vad|what|how) (?:var|was|were|blev|ble|vart)",
    r"(?:hvordan|hur|how) (?:var|was|were|blev|ble)",
)
_CONCEPT = _words(
    r"bereg(?:nes|ner|net|ne)|beräkna[rs]?|beräknas|calculated?|computed?|measured?",
    r"måles|mäts|måler|mäter",
    r"definition(?:en)?|defineres|definieras|defined?",
    r"betyder|betyr|innebär|means?|meaning",
    r"hvorfor|varför|why",
    r"forskel(?:len)?|forskjell(?:en)?|skillnad(?:en)?|difference",
    r"(?:hvordan|hur|how) (?:kan|can|bør|bör|should|could|do|gør|gjør|gör) (?:vi|we|man|jeg|jag|i)",
    r"(?:hvad|hva|vad|what) (?:er|är|is) (?:en |et |ett |a |an )?god",
    r"what is a good",
    r"(?:hvad|hva|vad) (?:er|är)(?= \w+\?*$)",
    r"what(?:'s| is)(?= \w+\?*$)",
)
#: "What is churn rate & who counts?": a question opening with "what is", not about ours.
_DEFINITION_START = re.compile(
    r"^(?:what(?:'s| is| are)|hvad er|hva er|vad är)\b"
    r"(?! (?:vores|vor|vår|vårt|våre|våra|our)\b)(?!.*\b(?:now|nu|nå)\b)",
    re.IGNORECASE,
)

# --- segments ---------------------------------------------------------------------------

#: (key, value, words for it, its code: matched only in capitals, since "se", "no" and "fi"
#: are everyday words).
_SEGMENTS: tuple[tuple[str, str, re.Pattern[str], str | None], ...] = (
    (
        "segment",
        "enterprise",
        _words(r"enterprise(?:-?(?:kunder|kundene|kunderna|customers))?"),
        None,
    ),
    ("segment", "smb", _words(r"smb(?:-?(?:kunder|kundene|kunderna|customers))?", r"smv"), None),
    ("segment", "mid-market", _words(r"mid-?market"), None),
    (
        "segment",
        "consumer",
        _words(
            r"consumers?",
            r"konsumenter(?:na)?",
            r"privatkunder(?:ne)?",
            r"forbrugere(?:ne)?",
            r"forbrukere(?:ne)?",
        ),
        None,
    ),
    ("country", "DK", _words(r"danmark|denmark|danish"), "DK"),
    ("country", "NO", _words(r"norge|norway|norwegian"), "NO"),
    ("country", "SE", _words(r"sverige|sweden|swedish"), "SE"),
    ("country", "FI", _words(r"finland|suomi|finnish"), "FI"),
)

_QUESTION_WORD_KPI = _words(
    r"(?:hvad|hva|vad|what) (?:var|was|er|is|är)(?: (?:vores|vor|vår|vårt|våre|våra|our))",
    r"what'?s our",
)


def _latest_month(month: int, now: datetime) -> str:
    year = now.year if month <= now.month else now.year - 1
    return f"{year}-{month:02d}"


def _quarter_of(now: datetime) -> int:
    return (now.month - 1) // 3 + 1


def read_period(text: str, now: datetime) -> tuple[str | None, bool]:
    """(period string, whether the question named a period at all) for `now`'s calendar.

    A month or quarter without a year is the latest one that has begun."""
    if match := _TRAILING.search(text):
        unit = "w" if match["unit"].lower()[0] in "uvw" else "d"
        return f"{int(match['n'])}{unit}", True
    if _LAST_WEEK.search(text):
        return "7d", True
    if match := _MONTH.search(text):
        name = match["name"].lower()
        month = next(m for m, names in _MONTHS.items() if name in names.split("|"))
        if match["year"]:
            return f"{match['year']}-{month:02d}", True
        return _latest_month(month, now), True
    if match := _QUARTER_NUMBERED.search(text):
        if match["q"]:
            quarter = int(match["q"])
        else:
            spoken = match["ord"].lower()
            quarter = next(q for q, words in _ORDINALS.items() if re.fullmatch(words, spoken))
        if match["year"]:
            return f"{match['year']}-Q{quarter}", True
        year = now.year if quarter <= _quarter_of(now) else now.year - 1
        return f"{year}-Q{quarter}", True
    if _THIS_MONTH.search(text):
        return f"{now.year}-{now.month:02d}", True
    if _LAST_MONTH.search(text):
        return _latest_month(12 if now.month == 1 else now.month - 1, now), True
    if _LAST_QUARTER.search(text):
        quarter = _quarter_of(now) - 1
        return (f"{now.year}-Q{quarter}" if quarter else f"{now.year - 1}-Q4"), True
    if _THIS_QUARTER.search(text):
        return f"{now.year}-Q{_quarter_of(now)}", True
    if _LAST_YEAR.search(text):
        return str(now.year - 1), True
    if _THIS_YEAR.search(text):
        return "ytd", True
    if match := _YEAR.search(text):
        return match["year"], True
    return None, False


def read_kpi(text: str) -> str | None:
    """The catalogue name of the first KPI the text names, or None."""
    found = [(m.start(), name) for name, pattern in _KPIS if (m := pattern.search(text))]
    return min(found)[1] if found else None


def read_segments(text: str) -> dict[str, str]:
    """Segment and country filters the text names ("for enterprise", "i Norge")."""
    segments: dict[str, str] = {}
    for key, value, pattern, code in _SEGMENTS:
        if key in segments:
            continue
        if pattern.search(text) or (code and re.search(rf"(?<![\w-]){code}(?![\w])", text)):
            segments[key] = value
    return segments


def read_question(text: str, *, now: datetime) -> KpiQuestion | None:
    """The routing of a question that names a KPI; None when it names none (the knowledge
    base answers it as before). `now` is local time in the KPI timezone."""
    text = " ".join((text or "").split())
    if not text:
        return None
    language = detect(text)
    kpi = read_kpi(text)
    period, named_period = read_period(text, now)
    if kpi is None:
        # "Hvad var vores bruttomargin i oktober?": our value in a period, of no KPI we know.
        asked = _QUESTION_WORD_KPI.search(text)
        if asked and named_period:
            name = text[asked.end() :].split()[:1]
            if name:
                known = ", ".join(d.name for d in list_kpis())
                word = name[0].strip("?!.,")
                return KpiQuestion(
                    route=Route.KPI,
                    language=language,
                    problem=say("error.unknown_kpi", language, name=repr(word), known=known),
                )
        return None
    strong_value = bool(
        named_period
        or _NOW.search(text)
        or _TREND.search(text)
        or _HOW_HIGH.search(text)
        or _VALUE_TENSE.search(text)
        or _SHOW.search(text)
        and not _CONCEPT.search(text)
    )
    segments = read_segments(text)
    value = strong_value or bool(_POSSESSIVE.search(text) or segments)
    # "What is churn …" asks for the concept, unless a period or segment says whose and when.
    defines = bool(_DEFINITION_START.search(text)) and not (named_period or segments)
    concept = bool(_CONCEPT.search(text)) or defines
    if concept and not strong_value:
        route = Route.CONCEPT
    elif value and not concept:
        route = Route.KPI
    else:
        route = Route.UNSURE
    problem = None
    if route is Route.KPI and not named_period and _PERIOD_HINT.search(text):
        problem = say("kpi_question.bad_period", language, forms=ACCEPTED_FORMS)
    return KpiQuestion(
        route=route,
        language=language,
        kpi=kpi,
        period=period,
        segments=segments,
        problem=problem,
    )
