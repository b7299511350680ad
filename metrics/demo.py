"""Two years of plausible demo data for a Nordic company, so every KPI, chart and story
works on a fresh install before any real data is imported.

The data tells a story the KPIs can show: NPS climbs from about 12 to about 42, tickets get
resolved faster, checkout completion improves, churn stays at a few percent a quarter.
Everything comes from one seeded random generator, so the same seed and `now` give the same
rows; every demo id starts with `demo-`, and re-seeding replaces those rows (real imported
data is never touched: if imported rows point at demo customers, re-seeding refuses and
changes nothing, rather than deleting the user's rows or failing on a foreign key).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Table, func, select
from sqlalchemy.engine import Connection, Engine

from metrics.errors import MetricsError
from metrics.rollups import rebuild as rebuild_rollups
from metrics.schema import (
    checkout_sessions,
    csat_responses,
    customers,
    nps_responses,
    orders,
    stories,
    tickets,
)

PREFIX = "demo-"
YEARS = 2
CUSTOMERS = 3_000
NPS_START, NPS_END = 12.0, 42.0
PASSIVE_SHARE = 0.30

SEGMENTS = {  # share of customers, churn per quarter, orders per year, median order DKK
    "consumer": (0.50, 0.045, 3.0, 650.0),
    "smb": (0.30, 0.030, 6.0, 4_200.0),
    "mid-market": (0.15, 0.020, 10.0, 16_000.0),
    "enterprise": (0.05, 0.010, 12.0, 65_000.0),
}
COUNTRIES = {"DK": 0.40, "SE": 0.30, "NO": 0.25, "FI": 0.05}
LANGUAGE = {"DK": "da", "NO": "no", "SE": "sv", "FI": "en"}

FIRST_NAMES = {
    "DK": ["Mette", "Lars", "Sofie", "Mads", "Ida", "Jens", "Freja", "Rasmus", "Anne", "Kasper"],
    "NO": ["Ingrid", "Ola", "Nora", "Henrik", "Sigrid", "Magnus", "Kari", "Eirik", "Tone", "Jonas"],
    "SE": ["Elsa", "Erik", "Astrid", "Oskar", "Maja", "Nils", "Linnea", "Johan", "Karin", "Axel"],
    "FI": ["Aino", "Mikko", "Emilia", "Juha", "Venla", "Antti"],
}
LAST_NAMES = {
    "DK": ["Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Kristensen", "Madsen", "Holm"],
    "NO": ["Hansen", "Johansen", "Olsen", "Larsen", "Berg", "Haugen", "Bakken", "Solberg"],
    "SE": ["Andersson", "Johansson", "Karlsson", "Nilsson", "Lindqvist", "Berg", "Ek", "Holm"],
    "FI": ["Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Laine"],
}
COMPANY_WORDS = [
    "Fjord", "Nordlys", "Havblik", "Skovly", "Granit", "Bølge", "Ravn", "Lyng", "Tinde",
    "Kyst", "Bjørk", "Saga", "Vinter", "Ask", "Strand", "Polar", "Mose", "Eng", "Klippe",
]  # fmt: skip
COMPANY_KINDS = ["Logistik", "Design", "Foods", "Tech", "Bygg", "Consult", "Retail", "Energi"]
COMPANY_FORMS = {"DK": "ApS", "NO": "AS", "SE": "AB", "FI": "Oy"}

# Our own short survey comments, by language and by kind of answer. A detractor's or
# promoter's is still drawn here, so every later draw of the seed stays where it was, and is
# then replaced by a themed comment (THEMED_COMMENTS); passives keep theirs.
COMMENTS = {
    "da": {
        "promoter": [
            "Levering dagen efter, og alt var pakket ordentligt. Det gør vi gerne igen.",
            "Supporten ringede selv tilbage og løste det på ti minutter.",
            "Det nye bestillingsflow sparer os en halv time hver uge.",
            "Venlig og konkret hjælp, også da vi selv havde lavet fejlen.",
        ],
        "passive": [
            "Fint nok, men fakturaen er svær at læse.",
            "Produkterne er gode, leveringstiden kunne være kortere.",
        ],
        "detractor": [
            "Vi ventede fem dage på svar fra kundeservice.",
            "Ordren kom i to forsendelser uden at vi fik besked.",
            "Prisen steg, uden at vi fik mere for pengene.",
        ],
    },
    "no": {
        "promoter": [
            "Rask svar på chat, og de fulgte opp dagen etter.",
            "Enkel bestilling og levering som avtalt. Anbefales.",
            "Kundeservice tok seg tid til å forstå hva vi egentlig trengte.",
        ],
        "passive": [
            "Greit nok, men appen henger av og til.",
            "Bra produkter, litt dyrt i forhold til konkurrentene.",
        ],
        "detractor": [
            "Ingen svarte på e-posten min på over en uke.",
            "Betalingen feilet tre ganger før den gikk gjennom.",
            "Vi fikk feil vare og måtte betale returen selv.",
        ],
    },
    "sv": {
        "promoter": [
            "Snabb leverans och tydlig information hela vägen.",
            "Supporten löste vårt problem direkt i telefonen.",
            "Vi har beställt i två år och det fungerar bara.",
        ],
        "passive": [
            "Helt okej, men kassan är krånglig på mobilen.",
            "Bra sortiment, men det tar tid att få svar.",
        ],
        "detractor": [
            "Leveransen var försenad och ingen hörde av sig.",
            "Svårt att nå någon när något går fel.",
            "Fakturan stämde inte med ordern, igen.",
        ],
    },
    "en": {
        "promoter": [
            "Quick delivery and a support team that actually listens.",
            "Ordering is simple and the follow-up call was a nice touch.",
            "They fixed our billing problem before we even asked twice.",
        ],
        "passive": [
            "Good products, but the checkout asks for too much.",
            "Fine overall; response times vary a lot.",
        ],
        "detractor": [
            "Waited a week for an answer to a simple question.",
            "The website crashed twice while I was paying.",
            "Too many emails, too little help when it matters.",
        ],
    },
}
# What detractors and promoters write about, for the comment themes of `kpi nps --why`:
# theme → language → phrasings (each names the theme in other words: "ventetiden" and "lang
# ventetid" are one theme once stemmed). How often each theme comes up follows the data's
# story (see _THEME_WEIGHTS): waits and failed payments fade as tickets and checkout improve,
# and a price rise RECENT_DAYS before the end brings price complaints and chat praise up.
THEMED_COMMENTS: dict[str, dict[str, dict[str, list[str]]]] = {
    "detractor": {
        "waiting": {
            "da": ["Ventetiden i telefonen var alt for lang.", "Lang ventetid hos kundeservice, igen.", "Vi ventede fem dage på svar fra kundeservice."],
            "no": ["Ventetiden på telefon var altfor lang.", "Lang ventetid hos kundeservice, igjen.", "Ingen svarte på e-posten min på over en uke."],
            "sv": ["Väntetiden i telefon var alldeles för lång.", "Lång väntetid hos kundtjänst, igen.", "Svårt att nå någon när något går fel."],
            "en": ["The waiting time on the phone was far too long.", "Long wait time for a simple question.", "Waited a week for an answer from customer service."],
        },
        "late_delivery": {
            "da": ["Leveringen kom tre dage for sent.", "Forsinket levering uden besked."],
            "no": ["Leveringen kom tre dager for sent.", "Forsinket levering uten beskjed."],
            "sv": ["Leveransen kom tre dagar för sent.", "Försenad leverans och ingen hörde av sig."],
            "en": ["The delivery arrived three days late.", "Late delivery and no message from you."],
        },
        "invoice": {
            "da": ["Fakturaen stemte ikke med ordren.", "Forkert faktura for anden gang."],
            "no": ["Fakturaen stemte ikke med bestillingen.", "Feil faktura for andre gang."],
            "sv": ["Fakturan stämde inte med ordern, igen.", "Fel faktura för andra gången."],
            "en": ["The invoice did not match the order.", "Wrong invoice for the second time."],
        },
        "price": {
            "da": ["Prisen steg, uden at vi fik mere for pengene.", "Alt for høje priser efter prisstigningen."],
            "no": ["Prisen økte uten at vi fikk mer for pengene.", "Altfor høye priser etter prisøkningen."],
            "sv": ["Priset höjdes utan att vi fick mer för pengarna.", "Alldeles för höga priser efter prishöjningen."],
            "en": ["The price went up and we got nothing more for it.", "Prices are far too high after the price increase."],
        },
        "payment": {
            "da": ["Betalingen fejlede to gange i kassen.", "Betalingen gik ikke igennem med mit kort."],
            "no": ["Betalingen feilet tre ganger før den gikk gjennom.", "Betalingen feilet i kassen."],
            "sv": ["Betalningen misslyckades två gånger i kassan.", "Betalningen gick inte igenom med mitt kort."],
            "en": ["The payment failed twice at checkout.", "The website crashed while I was paying."],
        },
    },
    "promoter": {
        "fast_delivery": {
            "da": ["Hurtig levering, og alt var pakket ordentligt.", "Levering dagen efter, som lovet."],
            "no": ["Rask levering, og alt var godt pakket.", "Levering dagen etter, som lovet."],
            "sv": ["Snabb leverans och allt var väl förpackat.", "Leverans dagen efter, som utlovat."],
            "en": ["Fast delivery and everything well packed.", "Next-day delivery, as promised."],
        },
        "helpful_support": {
            "da": ["Kundeservice var venlig og hjælpsom.", "Supporten ringede selv tilbage og løste det på ti minutter."],
            "no": ["Kundeservice var hyggelig og hjelpsom.", "Kundeservice ringte tilbake og løste det på ti minutter."],
            "sv": ["Kundtjänst var vänlig och hjälpsam.", "Supporten ringde tillbaka och löste det på tio minuter."],
            "en": ["Customer service was friendly and helpful.", "Support called back and fixed it in ten minutes."],
        },
        "easy_ordering": {
            "da": ["Nem bestilling, også fra mobilen.", "Det nye bestillingsflow sparer os en halv time hver uge."],
            "no": ["Enkel bestilling, også fra mobilen.", "Det nye bestillingsflyten sparer oss en halvtime hver uke."],
            "sv": ["Enkel beställning, även i mobilen.", "Det nya beställningsflödet sparar oss en halvtimme varje vecka."],
            "en": ["Ordering is simple, even on the phone.", "The new ordering flow saves us half an hour every week."],
        },
        "chat": {
            "da": ["Hurtigt svar på chatten.", "Chatten gav svar med det samme."],
            "no": ["Raskt svar på chatten.", "Chatten ga svar med en gang."],
            "sv": ["Snabbt svar i chatten.", "Chatten gav svar direkt."],
            "en": ["Quick answer on the chat.", "The chat answered straight away."],
        },
        "quality": {
            "da": ["Gode produkter i solid kvalitet.", "Kvaliteten er altid i orden."],
            "no": ["Gode produkter i solid kvalitet.", "Kvaliteten er alltid i orden."],
            "sv": ["Bra produkter med hög kvalitet.", "Kvaliteten är alltid bra."],
            "en": ["Good products of solid quality.", "The quality is always right."],
        },
    },
}  # fmt: skip
RECENT_DAYS = 45
#: theme → (weight at the start, weight at the end, extra weight in the last RECENT_DAYS).
_THEME_WEIGHTS = {
    "waiting": (4.0, 1.0, 0.0),
    "late_delivery": (2.0, 2.0, 0.0),
    "invoice": (2.0, 1.0, 0.0),
    "price": (1.0, 1.0, 4.0),
    "payment": (2.5, 0.5, 0.0),
    "fast_delivery": (2.0, 3.0, 0.0),
    "helpful_support": (1.5, 3.0, 0.0),
    "easy_ordering": (1.0, 2.0, 0.0),
    "chat": (0.5, 1.0, 3.0),
    "quality": (1.5, 1.5, 0.0),
}
#: Of the responses without one of the original comments, the share that get a themed one
#: (unhappy customers write more), and how many of those consent to being quoted.
_EXTRA_COMMENT = {"detractor": 0.85, "promoter": 0.25}
_CONSENT = {"detractor": 0.3, "promoter": 0.5}

# Comments with contact details in them: the story redaction must remove these.
CONTACT_COMMENTS = {
    "da": "Tusind tak til Mette i kundeservice! Ring gerne til mig på {phone} eller skriv til {email}.",
    "no": "Veldig fornøyd med hjelpen. Dere kan nå meg på {email} eller {phone}.",
    "sv": "Bästa servicen vi haft. Hör gärna av er på {phone}, {email}.",
    "en": "Great help from your team. Contact me at {email} or {phone} if you want a quote.",
}
PHONE_PREFIX = {"da": "+45", "no": "+47", "sv": "+46", "en": "+358"}

# Longer customer stories: (language, source, consent, title, body).
STORIES = [
    ("da", "interview", True, "Fra fem dages ventetid til svar samme dag",
     "Indkøberen hos en lille købmandskæde fortalte, at de tidligere ventede op til fem dage på svar. Efter vi flyttede sagerne til chat, fik hun svar samme formiddag og bestilte igen ugen efter."),
    ("da", "support_case", True, "Den forkerte palle",
     "En kunde fik leveret en palle med forkerte varer dagen før åbning. Supporten sendte en ny palle med kurér samme aften og ringede dagen efter for at høre, om åbningen gik godt."),
    ("da", "nps_comment", True, "Et flow der sparer en halv time",
     "En kontorchef skrev i sin NPS-besvarelse, at det nye bestillingsflow sparer hende en halv time hver uge, fordi hun kan genbruge sidste måneds ordre."),
    ("da", "interview", False, "Prisen var ikke problemet",
     "Ved et opfølgende interview forklarede en tidligere kunde, at de ikke stoppede på grund af prisen, men fordi ingen fulgte op på to reklamationer."),
    ("no", "interview", True, "Hytteeieren som ble ambassadør",
     "En hytteeier i Telemark fortalte at han først var skeptisk, men at rask hjelp på telefon under en storm fikk ham til å anbefale oss til hele velforeningen."),
    ("no", "support_case", True, "Betalingen som feilet tre ganger",
     "En kunde prøvde å betale tre ganger uten å lykkes. Saken førte til at vi fant en feil i kassen for norske kort, og andelen fullførte kjøp steg uken etter."),
    ("no", "nps_comment", False, "Feil vare og dyr retur",
     "En kunde skrev at hun fikk feil vare og selv måtte betale returen. Vi endret returreglene slik at feil fra vår side alltid gir gratis retur."),
    ("no", "interview", True, "Oppfølgingen etter første ordre",
     "Innkjøpsansvarlig i et entreprenørfirma sa at telefonen fra oss etter første ordre var grunnen til at de valgte oss som fast leverandør."),
    ("sv", "interview", True, "Kassan som blev enklare",
     "En småbarnsförälder berättade att hon gav upp köpet i mobilen två gånger. Efter att vi tog bort tre fält i kassan genomförde hon köpet på under en minut."),
    ("sv", "support_case", True, "Leveransen före midsommar",
     "En restaurang i Stockholm behövde sin leverans före midsommar. Supporten bokade om transporten och ringde kunden varje morgon tills varorna var framme."),
    ("sv", "nps_comment", True, "Två år utan krångel",
     "En kund skrev att de beställt i två år och att det bara fungerar, och att det är därför de aldrig letat efter en annan leverantör."),
    ("sv", "support_case", False, "Fakturan som inte stämde",
     "En kund fick en faktura som inte stämde med ordern för tredje gången. Ärendet ledde till att fakturan nu skapas direkt från den levererade ordern."),
    ("en", "interview", True, "The follow-up call",
     "A mid-market customer in Helsinki told us the follow-up call after their first delivery was the moment they decided to move all purchasing to us."),
    ("en", "support_case", True, "Billing fixed before the second ask",
     "A customer reported a double charge late on a Friday. Support refunded it within the hour and explained what had gone wrong, without being asked twice."),
    ("en", "nps_comment", False, "Too many emails",
     "A long-time customer wrote that our newsletters had become noise. We cut the frequency and let customers choose topics; unsubscribes fell by half."),
    ("en", "interview", True, "Listening to the warehouse",
     "A warehouse manager explained that clear delivery windows mattered more to them than price. We now send a two-hour window the evening before each delivery."),
]  # fmt: skip


class DemoBlocked(MetricsError):
    """Imported rows reference demo customers, so the demo rows cannot be replaced."""


class DemoReport(BaseModel):
    """How many demo rows of each table were written, for which seed and window."""

    seed: int
    start: datetime
    end: datetime
    counts: dict[str, int]


@dataclass
class _Customer:
    id: str
    segment: str
    country: str
    signed_up_at: datetime
    churned_at: datetime | None


def seed_demo(engine: Engine, seed: int = 7, now: datetime | None = None) -> DemoReport:
    """Replace all demo rows with a fresh, deterministic set ending at `now`."""
    end = (now or datetime.now(UTC)).astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    start = end - timedelta(days=365 * YEARS)
    rng = random.Random(seed)
    rows: dict[Table, list[dict]] = {table: [] for table in _TABLES}
    people = _customers(rng, start, end, rows[customers])
    _orders_and_checkouts(rng, people, start, end, rows[orders], rows[checkout_sessions])
    # Comment text comes from a generator of its own: the scores and every other row stay
    # exactly what the seed gave before comments had themes.
    words = random.Random(seed * 1_000_003 + 17)
    _nps(rng, people, start, end, rows[nps_responses], words)
    _tickets_and_csat(rng, people, start, end, rows[tickets], rows[csat_responses], words)
    _stories(rng, people, start, end, rows[stories])
    with engine.begin() as conn:
        _refuse_if_referenced(conn)
        _wipe(conn)
        for table in _TABLES:
            for offset in range(0, len(rows[table]), 5_000):
                conn.execute(table.insert(), rows[table][offset : offset + 5_000])
        # A whole data set replaced: every rollup day may have changed, so all are rebuilt.
        rebuild_rollups(conn)
    return DemoReport(
        seed=seed, start=start, end=end, counts={t.name: len(rows[t]) for t in _TABLES}
    )


#: Parents before children, so inserts (and reversed, deletes) respect foreign keys.
_TABLES = [customers, orders, checkout_sessions, nps_responses, tickets, csat_responses, stories]


def _is_demo(column: ColumnElement) -> ColumnElement[bool]:
    """An exact, case-sensitive prefix test (SQLite's LIKE ignores case: 'Demo-1' is not ours)."""
    return func.substr(column, 1, len(PREFIX)) == PREFIX


def _refuse_if_referenced(conn: Connection) -> None:
    """Raise DemoBlocked, before anything is deleted, when non-demo rows reference demo
    customers: deleting those customers would break the foreign key or the user's data."""
    found: list[tuple[int, str]] = []
    for table in _TABLES[1:]:
        key = next(iter(table.primary_key.columns))
        count = conn.execute(
            select(func.count())
            .select_from(table)
            .where(_is_demo(table.c.customer_id), ~_is_demo(key))
        ).scalar_one()
        if count:
            found.append((count, table.name))
    if not found:
        return
    total = sum(count for count, _ in found)
    first, *others = found
    where = f"{first[0]:,} imported {'row' if first[0] == 1 else 'rows'} in {first[1]}" + "".join(
        f" and {count:,} in {name}" for count, name in others
    )
    raise DemoBlocked(
        f"{where} {'references' if total == 1 else 'reference'} demo customers (ids starting "
        f"with {PREFIX}), so the demo data was left unchanged; delete those rows or run the "
        "demo with another JOURNEYBOT_HOME."
    )


def _wipe(conn: Connection) -> None:
    for table in reversed(_TABLES):
        key = next(iter(table.primary_key.columns))
        conn.execute(table.delete().where(_is_demo(key)))


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _progress(moment: datetime, start: datetime, end: datetime) -> float:
    """0.0 at the start of the demo window, 1.0 at its end."""
    return min(1.0, max(0.0, (moment - start) / (end - start)))


def _customers(
    rng: random.Random, start: datetime, end: datetime, out: list[dict]
) -> list[_Customer]:
    people = []
    for number in range(1, CUSTOMERS + 1):
        segment = _pick(rng, {name: spec[0] for name, spec in SEGMENTS.items()})
        country = _pick(rng, COUNTRIES)
        # 60 % were customers before the window opened (up to three years earlier).
        if rng.random() < 0.6:
            signed_up = start - timedelta(days=rng.uniform(1, 3 * 365))
        else:
            signed_up = start + timedelta(days=rng.uniform(0, 365 * YEARS - 1))
        signed_up = signed_up.replace(microsecond=0)
        quarterly_churn = SEGMENTS[segment][1]
        daily_rate = -math.log(1 - quarterly_churn) / 91.25
        churned = signed_up + timedelta(days=rng.expovariate(daily_rate))
        # Only churn inside the window, so earlier churners don't shrink the base.
        if churned < start:
            churned = start + (churned - signed_up)
        churned_at = churned.replace(microsecond=0) if churned < end else None
        if segment == "consumer":
            name = f"{rng.choice(FIRST_NAMES[country])} {rng.choice(LAST_NAMES[country])}"
        else:
            name = (
                f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_KINDS)} {COMPANY_FORMS[country]}"
            )
        person = _Customer(f"{PREFIX}c{number:05d}", segment, country, signed_up, churned_at)
        people.append(person)
        out.append(
            {
                "customer_id": person.id,
                "name": name,
                "segment": segment,
                "country": country,
                "signed_up_at": signed_up,
                "churned_at": churned_at,
            }
        )
    return people


def _active(person: _Customer, start: datetime, end: datetime) -> tuple[datetime, datetime]:
    return max(person.signed_up_at, start), min(person.churned_at or end, end)


def _poisson_times(
    rng: random.Random, first: datetime, last: datetime, per_year: float
) -> list[datetime]:
    times, moment = [], first
    while True:
        moment += timedelta(days=rng.expovariate(per_year / 365))
        if moment >= last:
            return times
        times.append(moment.replace(microsecond=0))


def _orders_and_checkouts(
    rng: random.Random,
    people: list[_Customer],
    start: datetime,
    end: datetime,
    order_rows: list[dict],
    session_rows: list[dict],
) -> None:
    for person in people:
        _, _, per_year, median = SEGMENTS[person.segment]
        first, last = _active(person, start, end)
        for moment in _poisson_times(rng, first, last, per_year):
            amount = rng.lognormvariate(math.log(median), 0.6)
            order_id = f"{PREFIX}o{len(order_rows) + 1:06d}"
            order_rows.append(
                {
                    "order_id": order_id,
                    "customer_id": person.id,
                    "ordered_at": moment,
                    "amount": Decimal(f"{amount:.2f}"),
                }
            )
            # Completion improves from ~62 % to ~72 %: abandoned tries before the order.
            completion = 0.62 + 0.10 * _progress(moment, start, end)
            tries = []
            while rng.random() > completion and len(tries) < 5:
                tries.append(moment - timedelta(minutes=rng.uniform(5, 60 * 24 * 3)))
            for tried in tries:
                session_rows.append(
                    {
                        "session_id": f"{PREFIX}k{len(session_rows) + 1:07d}",
                        "customer_id": person.id,
                        "started_at": max(tried, person.signed_up_at).replace(microsecond=0),
                        "completed_at": None,
                    }
                )
            session_rows.append(
                {
                    "session_id": f"{PREFIX}k{len(session_rows) + 1:07d}",
                    "customer_id": person.id,
                    "started_at": moment - timedelta(minutes=rng.randint(2, 15)),
                    "completed_at": moment,
                }
            )


def _nps_score(rng: random.Random, target: float) -> int:
    """A score such that promoters − detractors averages `target` with ~30 % passives."""
    promoters = (1 - PASSIVE_SHARE + target / 100) / 2
    draw = rng.random()
    if draw < promoters:
        return rng.choice([9, 10, 10])
    if draw < promoters + PASSIVE_SHARE:
        return rng.choice([7, 8])
    return rng.choices(range(7), weights=[1, 1, 1, 2, 3, 5, 6])[0]


def _themed_comment(
    words: random.Random, language: str, kind: str, moment: datetime, start: datetime, end: datetime
) -> str:
    """One or two sentences on the themes a customer of this `kind` writes about then."""
    progress = _progress(moment, start, end)
    recent = moment >= end - timedelta(days=RECENT_DAYS)
    themes = THEMED_COMMENTS[kind]
    weights = []
    for theme in themes:
        first, last, extra = _THEME_WEIGHTS[theme]
        weights.append(first + (last - first) * progress + (extra if recent else 0.0))
    chosen = words.choices(list(themes), weights=weights, k=2 if words.random() < 0.3 else 1)
    sentences = [words.choice(themes[theme][language]) for theme in dict.fromkeys(chosen)]
    return " ".join(sentences)


def _survey_comment(
    words: random.Random,
    language: str,
    kind: str,
    moments: tuple[datetime, datetime, datetime],
    comment: str | None,
    consent: bool,
) -> tuple[str | None, bool]:
    """The comment and consent of a detractor's or promoter's answer: the original ones (a
    comment with contact details is kept for the redaction to show), or a themed comment."""
    if kind == "passive" or (comment is not None and "@example." in comment):
        return comment, consent
    if comment is None:
        if words.random() >= _EXTRA_COMMENT[kind]:
            return None, False
        consent = words.random() < _CONSENT[kind]
    elif kind == "detractor":
        consent = words.random() < _CONSENT[kind]
    return _themed_comment(words, language, kind, *moments), consent


def _nps(
    rng: random.Random,
    people: list[_Customer],
    start: datetime,
    end: datetime,
    out: list[dict],
    words: random.Random,
) -> None:
    for person in people:
        first, last = _active(person, start, end)
        language = LANGUAGE[person.country] if rng.random() < 0.85 else "en"
        for moment in _poisson_times(rng, first, last, 2.4):  # ~one survey answer in five months
            target = NPS_START + (NPS_END - NPS_START) * _progress(moment, start, end)
            score = _nps_score(rng, target + rng.gauss(0, 3))
            kind = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
            comment, consent = None, False
            if rng.random() < 0.18:
                comment = rng.choice(COMMENTS[language][kind])
                if kind == "promoter" and rng.random() < 0.08:
                    comment = _contact_comment(rng, language, person.id)
                consent = kind == "promoter" and rng.random() < 0.5
            comment, consent = _survey_comment(
                words, language, kind, (moment, start, end), comment, consent
            )
            out.append(
                {
                    "response_id": f"{PREFIX}n{len(out) + 1:06d}",
                    "customer_id": person.id,
                    "score": score,
                    "responded_at": moment,
                    "comment": comment,
                    "consent_to_share": consent,
                }
            )


def _contact_comment(rng: random.Random, language: str, customer_id: str) -> str:
    digits = " ".join(f"{rng.randint(10, 99)}" for _ in range(4))
    email = f"kunde{customer_id[-4:]}@example.{'com' if language == 'en' else language}"
    return CONTACT_COMMENTS[language].format(
        phone=f"{PHONE_PREFIX[language]} {digits}", email=email
    )


def _tickets_and_csat(
    rng: random.Random,
    people: list[_Customer],
    start: datetime,
    end: datetime,
    ticket_rows: list[dict],
    csat_rows: list[dict],
    words: random.Random,
) -> None:
    for person in people:
        language = LANGUAGE[person.country]
        first, last = _active(person, start, end)
        for opened in _poisson_times(rng, first, last, 1.5):
            progress = _progress(opened, start, end)
            channel = _pick(rng, {"email": 0.45, "chat": 0.35, "phone": 0.20})
            first_hours = rng.lognormvariate(math.log(4 - 2.5 * progress), 0.8)
            # Median resolution falls from ~30 h to ~12 h over the two years.
            resolve_hours = first_hours + rng.lognormvariate(math.log(30 - 18 * progress), 0.7)
            resolved = opened + timedelta(hours=resolve_hours)
            ticket_id = f"{PREFIX}t{len(ticket_rows) + 1:06d}"
            ticket_rows.append(
                {
                    "ticket_id": ticket_id,
                    "customer_id": person.id,
                    "opened_at": opened,
                    "first_response_at": (opened + timedelta(hours=first_hours)).replace(
                        microsecond=0
                    ),
                    "resolved_at": resolved.replace(microsecond=0) if resolved < end else None,
                    "channel": channel,
                }
            )
            if resolved < end and rng.random() < 0.6:
                satisfied = 0.70 + 0.15 * progress - 0.01 * min(resolve_hours, 72) / 7
                score = rng.choice([4, 5, 5]) if rng.random() < satisfied else rng.randint(1, 3)
                responded = min(resolved + timedelta(hours=2), end).replace(microsecond=0)
                kind = "promoter" if score >= 4 else "detractor"
                comment, consent = _survey_comment(
                    words, language, kind, (responded, start, end), None, False
                )
                csat_rows.append(
                    {
                        "response_id": f"{PREFIX}s{len(csat_rows) + 1:06d}",
                        "customer_id": person.id,
                        "score": score,
                        "responded_at": responded,
                        "comment": comment,
                        "consent_to_share": consent,
                    }
                )


def _stories(
    rng: random.Random, people: list[_Customer], start: datetime, end: datetime, out: list[dict]
) -> None:
    by_language = {
        language: [p for p in people if LANGUAGE[p.country] == language]
        for language in ("da", "no", "sv", "en")
    }
    for number, (language, source, consent, title, body) in enumerate(STORIES, start=1):
        customer = rng.choice(by_language[language]) if rng.random() < 0.8 else None
        out.append(
            {
                "story_id": f"{PREFIX}story{number:02d}",
                "customer_id": customer.id if customer else None,
                "title": title,
                "body": body,
                "source": source,
                "consent": consent,
                "created_at": (start + (end - start) * rng.uniform(0.3, 1.0)).replace(
                    microsecond=0
                ),
            }
        )
