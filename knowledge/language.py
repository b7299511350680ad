"""Tell Danish, Norwegian, Swedish and English apart, offline and without models.

Questions are short (5–15 words) and Danish/Norwegian share most of their vocabulary, so a
generic detector guesses. We score what actually separates the four: letters (ä/ö vs æ/ø),
function words that differ (hvad/hva/vad/what, af/av, nogle/noen/några, mellem/mellom/mellan),
and spelling habits (-sjon vs -tion, -het vs -hed, kj, øy vs øj, -ert vs -eret). Every rule
is a weighted vote; the highest total wins; empty text and ties with English give
English, a tie between Scandinavian languages gives the first of da, no, sv.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from knowledge.text import words as text_words

LANGUAGES = ("da", "no", "sv", "en")
FALLBACK = "en"


# word -> {language: weight}. Weights: 3 = only this language writes it, 1–2 = shared but
# telling. Words common to several languages list each of them.
_WORDS: dict[str, dict[str, float]] = {}


def _add(languages: str, weight: float, words: str) -> None:
    for word in words.split():
        votes = _WORDS.setdefault(word, {})
        for language in languages.split(","):
            votes[language] = votes.get(language, 0.0) + weight


# Danish only
_add(
    "da",
    3,
    "hvad af nogle noget nogen meget mellem virksomhed virksomheder virksomheden bruge "
    "bruger bruges end blive bliver blev sådan nu vores jeres hjælpe hjælp spørgsmål op ud "
    "ej efter eller mig dig sig øge øget måle måles lige gøre gør kan man hvornår hvilken "
    "hvilket sammen ønsker ønske købe køb kunne mere mest også tilfreds tilfredshed "
    "fastholde fastholdelse frafald kundeoplevelse kundetilfredshed sådan derfor selv "
    "fordi synes skriv forklar beskriv hvordan hvorfor hvem hvor vi jeg når spørge "
    "uden udvikle os tale hurtigt hurtig lave laver medarbejder medarbejdere "
    "netop dog måske tænke tænker vandt fodbold fik sidste sit uge ugen",
)
# Norwegian only
_add(
    "no",
    3,
    "hva av noen noe mye mellom bedrift bedrifter bedriften bruke brukes enn bli blir ble "
    "sånn nå våre vår deres hjelpe hjelp spørsmål opp ut etter meg deg seg øke økt måle "
    "måles like gjøre gjør kan man når hvilken hvilket sammen ønsker ønske kjøpe kjøp "
    "kunne mer mest også fornøyd fornøyde tilfredshet beholde frafall kundeopplevelse "
    "kundetilfredshet derfor selv fordi synes skriv forklar beskriv hvordan hvorfor hvem "
    "hvor vi jeg ikkje å snakke raskt lage lager ansatt ansatte nettopp likevel "
    "kanskje veldig tenke tenker vant fotball fikk siste sitt uke uken oss",
)
# Swedish only
_add(
    "sv",
    3,
    "vad av några något någon mycket mellan företag företaget företagen använda används "
    "använder än vann fotboll fick senaste sitt oss vecka veckan bli blir blev sådan nu våra vår era hjälpa hjälp fråga frågor upp ut "
    "efter mig dig sig öka ökad mäta mäts lika göra gör kan man när vilken vilket "
    "tillsammans önskar köpa köp kunna mer mest också nöjd nöjda nöjdhet behålla "
    "kundupplevelse kundnöjdhet därför själv eftersom tycker skriv förklara beskriv hur "
    "varför vem var vi jag inte och att är för vara",
)
# English
_add(
    "en",
    3,
    "the and of to is are what how why which who when where do does did can could should "
    "would will a an in on for with that this these those it its be been being was were "
    "by from at as or not our your their my we you they me us about between than more "
    "most customer customers company business use used make get explain describe tell "
    "there have has had any some much many",
)
# Shared Scandinavian function words that still separate from English.
_add("da,no", 1.5, "og er det den de til på med som har ikke ved fra hos om hvis et en være")
_add("sv", 1.5, "som på med till det den de har om")
_add("sv", 1.0, "en ett")
_add("no,sv", 3, "eller")
_add("da", 3, "deres")
# Danish and Norwegian spell these apart (b/d/g vs p/t/k, -et vs -tt, af/av, ind/inn).
_add("no", 3, "inn inne mitt ditt fått gått nytt åpen åpent åpne tilbake avgang litt blitt")
_add("da", 3, "ind inde mit dit fået gået nyt åben åbent åbne tilbage afgang lidt blevet")
# Words where the shared spelling leans one way in practice.
_add("da", 2.0, "at")  # the Danish infinitive marker; English "at" votes too

# Remove cross-votes: a word that several languages spell identically keeps each vote,
# so they cancel; pure markers stay decisive.

# Spelling habits: (pattern over a word, {language: weight}).
_SPELLING: list[tuple[re.Pattern[str], dict[str, float]]] = [
    (re.compile(r"[ä]"), {"sv": 2.5}),
    (re.compile(r"[ö]"), {"sv": 2.5}),
    (re.compile(r"[æ]"), {"da": 1.5, "no": 1.5}),
    (re.compile(r"[ø]"), {"da": 1.5, "no": 1.5}),
    (re.compile(r"å"), {"da": 0.7, "no": 0.7, "sv": 0.7}),
    (re.compile(r"øy"), {"no": 2.5}),
    (re.compile(r"[øæ]j"), {"da": 2.5}),
    (re.compile(r"kj"), {"no": 1.5}),
    (re.compile(r"sjon(en|er|ene|ar|s)?$"), {"no": 2.5}),
    (re.compile(r"tion(en|er|erne|s)?$"), {"da": 1.0, "sv": 1.0, "en": 1.0}),
    (re.compile(r"tionen|tioner$"), {"da": 0.5, "sv": 1.0}),
    (re.compile(r"het(en|er|ene)?$"), {"no": 1.2, "sv": 1.2}),
    (re.compile(r"hed(en|er|erne)?$"), {"da": 2.0}),
    (re.compile(r"eret$|erede$|eres$"), {"da": 1.5}),
    (re.compile(r"[^eov]ert$|[^eov]erte$"), {"no": 1.5}),  # kundesentrert, not hvert/svert
    (re.compile(r"erne$"), {"da": 1.5}),
    (re.compile(r"ene$"), {"no": 1.0}),
    (re.compile(r"arna$|orna$|erna$|arnas$"), {"sv": 2.5}),
    (re.compile(r"ing$|ings$"), {"en": 0.3}),
    (re.compile(r"ning(en|ar)?$"), {"da": 0.3, "no": 0.3, "sv": 0.3}),
    (re.compile(r"ningar$|ningen$"), {"sv": 0.6}),
    (re.compile(r"^(th|wh)"), {"en": 1.0}),
    (re.compile(r"ould$|ough|ight$"), {"en": 2.0}),
    (re.compile(r"ly$"), {"en": 0.8}),
    (re.compile(r"^sk[jy]"), {"no": 0.3, "sv": 0.3}),
    (re.compile(r"^kv|^hv"), {"da": 0.5, "no": 0.5}),
    (re.compile(r"igt$"), {"da": 0.8}),
    (re.compile(r"sigt"), {"da": 1.5}),  # langsigtet/langsiktig
    (re.compile(r"ei"), {"no": 0.8, "en": 0.2}),  # vei/vej, veiledning/vejledning, meg/mig
    (re.compile(r"ej"), {"da": 0.8, "sv": 0.3}),
    (re.compile(r"^tilbake|avg[aå]ng"), {"no": 1.5}),  # tilbakestille/tilbagestille
    (re.compile(r"^tilbage|afg[aå]ng"), {"da": 1.5}),
    (re.compile(r"^finn"), {"no": 1.5}),  # finne/finde/hitta
    (re.compile(r"^find"), {"da": 1.0, "en": 1.0}),
    (re.compile(r"^rask"), {"no": 1.5}),  # rask/hurtig/snabb
    (re.compile(r"[aeiouyæøå]k(e|en|er|else|elsen)$"), {"no": 0.6}),  # søke/søge, uke/uge
    (re.compile(r"[aeiouyæøå]g(e|en|er|else|elsen)$"), {"da": 0.6}),
    (re.compile(r"sikt"), {"no": 1.0, "sv": 1.0}),
    (re.compile(r"^ud[a-zæøå]"), {"da": 1.0}),  # udvikle/utvikle, uden/uten
    (re.compile(r"[aeiouyæøå]b(e|er|et)?$"), {"da": 0.8}),  # køb/kjøp, skabe/skape
    (re.compile(r"[aeiouyæøå]gle$|[aeiouyæøå]gl"), {"da": 0.5}),  # nøgle/nøkkel
    (re.compile(r"[aeiouyæøå]pe$"), {"no": 0.5, "sv": 0.3}),
    (re.compile(r"[aeiouyæøå]ll$|kk[aeiouyæøå]l"), {"no": 0.5, "en": 0.2}),  # tall/tal, nøkkel
    (re.compile(r"op[lbfhgs]"), {"da": 1.0}),  # oplevelse/opplevelse/upplevelse
    (re.compile(r"opp[lbfhgs]"), {"no": 1.0}),
    (re.compile(r"ig$"), {"no": 0.3, "sv": 0.3, "da": 0.3}),
    (re.compile(r"iga$|igt$"), {"sv": 0.8}),
    (re.compile(r"lige$"), {"da": 0.6}),
    (re.compile(r"^(kund)(er|erna|en|s)?$"), {"sv": 0.5}),
    (re.compile(r"^(kunde)(r|n|ne|rne)?$"), {"da": 0.3, "no": 0.3}),
    (re.compile(r"^kunde.*rne$"), {"da": 1.0}),
    (re.compile(r"^kunde.*ne$"), {"no": 0.5}),
    (re.compile(r"^kundes[ea]ntr|^kundesentr"), {"no": 2.5}),
    (re.compile(r"^kundecentr"), {"da": 2.5}),
    (re.compile(r"^kundcentr"), {"sv": 2.5}),
]


@lru_cache(maxsize=100_000)
def _votes(word: str) -> tuple[tuple[str, float], ...]:
    """One word's votes, its word-list votes then its spelling votes, in the order `scores`
    adds them (the same sums, to the last bit); cached: words recur from text to text."""
    votes = list(_WORDS.get(word, {}).items())
    for pattern, spelling in _SPELLING:
        if pattern.search(word):
            votes += spelling.items()
    return tuple(votes)


def scores(text: str) -> dict[str, float]:
    """Total vote per language; exposed so tests and benchmarks can see the margins."""
    totals = dict.fromkeys(LANGUAGES, 0.0)
    words = Counter(text_words(text))
    for word, count in words.items():
        # A word repeated many times (a heading echoed, a keyword) should not outvote
        # the rest of the text: damp repeats.
        weight = 1.0 + 0.5 * (min(count, 5) - 1)
        for language, vote in _votes(word):
            totals[language] += vote * weight
    return totals


def detect(text: str) -> str:
    """The language of `text` as "da", "no", "sv" or "en"; "en" when there is no evidence."""
    return _winner(scores(text))


def _winner(totals: dict[str, float]) -> str:
    best = max(totals.values())
    if best <= 0:
        return FALLBACK
    winners = [language for language in LANGUAGES if totals[language] == best]
    if len(winners) == 1:
        return winners[0]
    # A tie that includes English means the text gave no Scandinavian evidence. A tie
    # between Danish and Norwegian is still Scandinavian: answering in a neighbour
    # language reads far better than switching to English.
    return FALLBACK if FALLBACK in winners else winners[0]


#: How many times the runner-up's vote the winner needs for `sure` to name it.
SURE_MARGIN = 2.0


def sure(text: str) -> str | None:
    """`detect`'s language when the text clearly speaks it (its vote at least SURE_MARGIN
    times the runner-up's), else None: a short survey comment ("Snabbt svar i chatten.")
    often gives no evidence or splits its votes, and then the caller knows better (the
    customer's country)."""
    totals = scores(text)
    best, runner_up = sorted(totals.values(), reverse=True)[:2]
    if best <= 0 or best < SURE_MARGIN * runner_up:
        return None
    return _winner(totals)
