"""Customer stories: where they come from, who consented, and which one goes out next.

Three sources, all filtered on consent IN THE SQL (and re-checked by `is_consented` right
before posting):
- `stories` rows (imported or added in Slack) with `consent = true` and approved (a story
  added in Slack waits for STORY_APPROVERS when that is set; see metrics/story_approvals.py);
- promoter NPS comments (score 9–10) whose response has `consent_to_share = true`;
- resolved tickets followed within 14 days by a CSAT of 4–5 from the same customer. A ticket
  has no consent field of its own, so we require the customer's MOST RECENT NPS response to
  carry `consent_to_share = true`: consent must be visible in data we can show, and a later
  "no" withdraws an earlier "yes".
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import String, and_, exists, func, insert, literal, select, true
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql import ColumnElement, Select

from metrics.errors import MetricsError
from metrics.redaction import KnownNames, describe_customer, redact
from metrics.schema import csat_responses, customers, nps_responses, stories, story_posts, tickets
from metrics.story_approvals import APPROVED, Approval

Source = Literal["interview", "nps_comment", "support_case", "slack"]
SOURCES: tuple[str, ...] = ("interview", "nps_comment", "support_case", "slack")
CSAT_WINDOW = timedelta(days=14)
CANDIDATES_PER_SOURCE = 50
MIN_COMMENT_CHARS = 20

_SOURCE_LABELS = {
    "interview": {"da": "Interview", "no": "Intervju", "sv": "Intervju", "en": "Interview"},
    "nps_comment": {
        "da": "NPS-kommentar",
        "no": "NPS-kommentar",
        "sv": "NPS-kommentar",
        "en": "NPS comment",
    },
    "support_case": {
        "da": "Supportsag",
        "no": "Supportsak",
        "sv": "Supportärende",
        "en": "Support case",
    },
    "slack": {
        "da": "Delt i Slack",
        "no": "Delt i Slack",
        "sv": "Delad i Slack",
        "en": "Shared in Slack",
    },
}
_COUNTRY_LANGUAGE = {"DK": "da", "NO": "no", "SE": "sv"}
_STOPWORDS = {
    "da": {
        "og",
        "jeg",
        "det",
        "ikke",
        "vi",
        "har",
        "med",
        "til",
        "er",
        "af",
        "meget",
        "os",
        "vores",
        "på",
        "som",
        "hjælp",
        "også",
        "selv",
        "hurtigt",
        "være",
        "en",
        "et",
        "kom",
        "fik",
    },
    "no": {
        "og",
        "jeg",
        "det",
        "ikke",
        "vi",
        "har",
        "med",
        "til",
        "er",
        "av",
        "veldig",
        "oss",
        "vår",
        "på",
        "som",
        "hjelp",
        "også",
        "selv",
        "raskt",
        "være",
        "en",
        "et",
        "kom",
        "fikk",
    },
    "sv": {
        "och",
        "jag",
        "det",
        "inte",
        "vi",
        "har",
        "med",
        "till",
        "är",
        "av",
        "mycket",
        "oss",
        "vår",
        "vårt",
        "på",
        "som",
        "hjälp",
        "också",
        "själv",
        "snabbt",
        "att",
        "fick",
        "kom",
    },
    "en": {
        "and",
        "the",
        "a",
        "i",
        "it",
        "not",
        "we",
        "have",
        "with",
        "to",
        "is",
        "of",
        "very",
        "was",
        "that",
        "our",
        "they",
        "us",
        "you",
        "for",
        "on",
        "before",
        "even",
        "actually",
    },
}


class InvalidStory(MetricsError):
    """A story to add is incomplete or lacks consent; the message says which field."""


class StoryCard(BaseModel):
    """One story, redacted and ready to render; nothing in it names the customer."""

    key: str
    title: str
    body: str
    who: str
    source: str
    source_label: str
    kpi_line: str
    language: str
    customer_id: str | None = None
    segment: str | None = None
    created_at: datetime | None = None


def guess_language(text: str, country: str | None = None) -> str:
    """da/no/sv/en from common words, else the customer's country, else English."""
    words = re.findall(r"[a-zæøåäö]+", text.lower())
    scores = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
    if "ø" in text.lower() or "æ" in text.lower():
        scores["sv"] -= 5
    if "ä" in text.lower() or "ö" in text.lower():
        scores["sv"] += 3
    best = max(scores, key=lambda lang: scores[lang])
    if (
        scores[best] >= 1
        and list(scores.values()).count(scores[best]) == 1
        or (scores[best] >= 1 and best in ("da", "no") and scores["da"] == scores["no"])
    ):
        if best in ("da", "no") and country and country.upper() in ("DK", "NO"):
            return _COUNTRY_LANGUAGE[country.upper()]  # da/no share most short words
        return best
    return _COUNTRY_LANGUAGE.get((country or "").upper(), "en")


def _key(prefix: str, column: ColumnElement[str]) -> ColumnElement[str]:
    return literal(prefix, String).concat(column)


def _not_posted(key: ColumnElement[str]) -> ColumnElement[bool]:
    return ~exists().where(
        and_(story_posts.c.story_key == key, story_posts.c.posted_at.is_not(None))
    )


def _latest_nps_consents(customer_id: ColumnElement[str]) -> ColumnElement[bool]:
    """True when the customer's most recent NPS response says yes to sharing."""
    latest = (
        select(nps_responses.c.consent_to_share)
        .where(nps_responses.c.customer_id == customer_id)
        .order_by(nps_responses.c.responded_at.desc(), nps_responses.c.response_id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return latest == true()


def _story_rows(repeats: bool, *, approved_only: bool = True) -> Select:
    key = _key("story:", stories.c.story_id)
    query = (
        select(
            key.label("key"),
            stories.c.title,
            stories.c.body,
            stories.c.source,
            stories.c.created_at,
            customers.c.customer_id,
            customers.c.name,
            customers.c.segment,
            customers.c.country,
        )
        .select_from(stories.outerjoin(customers, stories.c.customer_id == customers.c.customer_id))
        .where(stories.c.consent == true())
    )
    if approved_only:
        query = query.where(stories.c.approval == APPROVED)
    return query if repeats else query.where(_not_posted(key))


def _nps_rows(repeats: bool) -> Select:
    key = _key("nps:", nps_responses.c.response_id)
    query = (
        select(
            key.label("key"),
            nps_responses.c.comment.label("body"),
            nps_responses.c.score,
            nps_responses.c.responded_at.label("created_at"),
            customers.c.customer_id,
            customers.c.name,
            customers.c.segment,
            customers.c.country,
        )
        .select_from(
            nps_responses.join(customers, nps_responses.c.customer_id == customers.c.customer_id)
        )
        .where(
            nps_responses.c.consent_to_share == true(),
            nps_responses.c.score >= 9,
            func.length(func.trim(nps_responses.c.comment)) >= MIN_COMMENT_CHARS,
        )
    )
    return query if repeats else query.where(_not_posted(key))


def _ticket_rows(repeats: bool) -> Select:
    key = _key("ticket:", tickets.c.ticket_id)
    # The first 4–5 CSAT after resolution; the 14-day window is checked in Python because
    # date arithmetic differs between SQLite and PostgreSQL.
    first_good_csat = (
        select(csat_responses)
        .where(
            csat_responses.c.customer_id == tickets.c.customer_id,
            csat_responses.c.score >= 4,
            csat_responses.c.responded_at >= tickets.c.resolved_at,
        )
        .order_by(csat_responses.c.responded_at, csat_responses.c.response_id)
        .limit(1)
        .correlate(tickets)
    )
    score = first_good_csat.with_only_columns(csat_responses.c.score).scalar_subquery()
    csat_at = first_good_csat.with_only_columns(csat_responses.c.responded_at).scalar_subquery()
    query = (
        select(
            key.label("key"),
            tickets.c.opened_at,
            tickets.c.resolved_at.label("created_at"),
            tickets.c.channel,
            score.label("csat"),
            csat_at.label("csat_at"),
            customers.c.customer_id,
            customers.c.name,
            customers.c.segment,
            customers.c.country,
        )
        .select_from(tickets.join(customers, tickets.c.customer_id == customers.c.customer_id))
        .where(
            tickets.c.resolved_at.is_not(None),
            score.is_not(None),
            _latest_nps_consents(tickets.c.customer_id),
        )
    )
    return query if repeats else query.where(_not_posted(key))


def _hours(start: datetime, end: datetime) -> str:
    hours = (end - start).total_seconds() / 3600
    return f"{hours:.0f} h" if hours >= 1 else f"{max(1, round(hours * 60))} min"


_CHANNEL_WORDS = {
    "phone": {"da": "telefon", "no": "telefon", "sv": "telefon", "en": "phone"},
    "email": {"da": "e-mail", "no": "e-post", "sv": "e-post", "en": "e-mail"},
    "chat": {"da": "chat", "no": "chat", "sv": "chatt", "en": "chat"},
}


def _ticket_text(row: dict, lang: str, who: str) -> tuple[str, str, str]:
    took = _hours(row["opened_at"], row["created_at"])
    channel = (row.get("channel") or "").strip().lower()
    via = _CHANNEL_WORDS.get(channel, {}).get(lang, channel)
    who = who[:1].upper() + who[1:]
    texts = {
        "da": (
            f"Løst på {took} – og kunden gav {row['csat']}/5",
            f"{who} kontaktede os{f' via {via}' if via else ''}. Sagen blev løst på {took}, og bagefter gav kunden {row['csat']} ud af 5 i tilfredshed.",
            f"CSAT efter løsning: {row['csat']}/5, løst på {took}",
        ),
        "no": (
            f"Løst på {took} – og kunden ga {row['csat']}/5",
            f"{who} kontaktet oss{f' via {via}' if via else ''}. Saken ble løst på {took}, og etterpå ga kunden {row['csat']} av 5 i tilfredshet.",
            f"CSAT etter løsning: {row['csat']}/5, løst på {took}",
        ),
        "sv": (
            f"Löst på {took} – och kunden gav {row['csat']}/5",
            f"{who} kontaktade oss{f' via {via}' if via else ''}. Ärendet löstes på {took}, och efteråt gav kunden {row['csat']} av 5 i nöjdhet.",
            f"CSAT efter lösning: {row['csat']}/5, löst på {took}",
        ),
        "en": (
            f"Resolved in {took} – and rated {row['csat']}/5",
            f"{who} contacted us{f' via {via}' if via else ''}. The case was resolved in {took}, and afterwards the customer rated their satisfaction {row['csat']} out of 5.",
            f"CSAT after resolution: {row['csat']}/5, resolved in {took}",
        ),
    }
    return texts[lang]


def _nps_line(score: int, lang: str) -> str:
    return {
        "da": f"NPS-score givet: {score}",
        "no": f"NPS-score gitt: {score}",
        "sv": f"NPS-betyg: {score}",
        "en": f"NPS score given: {score}",
    }[lang]


def _first_sentence_title(body: str, lang: str) -> str:
    sentences = re.split(r"(?<=[.!?])\s", body.strip(), maxsplit=1)
    sentence = sentences[0] if len(sentences) > 1 else ""  # a one-liner is the story itself
    fallback = {
        "da": "Det sagde en promotor",
        "no": "Dette sa en promotor",
        "sv": "Det här sa en promotor",
        "en": "What a promoter told us",
    }
    return (
        sentence[:80].rstrip(" ,.;:") + ("…" if len(sentence) > 80 else "")
        if sentence
        else fallback[lang]
    )


def _latest_shareable_nps_score(conn: Connection, customer_id: str | None) -> int | None:
    """The score of the customer's newest NPS response that may be shared: the story's own
    consent covers the story, not a survey answer the customer asked us to keep private."""
    if not customer_id:
        return None
    return conn.execute(
        select(nps_responses.c.score)
        .where(
            nps_responses.c.customer_id == customer_id,
            nps_responses.c.consent_to_share == true(),
        )
        .order_by(nps_responses.c.responded_at.desc(), nps_responses.c.response_id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _since_line(lang: str) -> str:
    return {
        "da": "Ingen KPI koblet til endnu",
        "no": "Ingen KPI koblet til ennå",
        "sv": "Ingen KPI kopplad ännu",
        "en": "No KPI linked yet",
    }[lang]


def _card(conn: Connection, kind: str, row: dict, known: KnownNames) -> StoryCard:
    raw_text = f"{row.get('title') or ''} {row.get('body') or ''}"
    lang = (
        guess_language(raw_text, row.get("country"))
        if kind != "ticket"
        else _COUNTRY_LANGUAGE.get((row.get("country") or "").upper(), "en")
    )
    who = describe_customer(row.get("segment"), row.get("country"), lang)
    names = [row["name"]] if row.get("name") else []

    def clean(text: str) -> str:
        return redact(text, names=names, replacement_who=who, known_names=known)

    if kind == "story":
        source = row["source"] if row["source"] in SOURCES else "interview"
        title, body = row["title"], row["body"]
        score = _latest_shareable_nps_score(conn, row.get("customer_id"))
        kpi_line = _nps_line(score, lang) if score is not None else _since_line(lang)
    elif kind == "nps":
        source, body = "nps_comment", row["body"].strip()
        title = _first_sentence_title(clean(body), lang)
        kpi_line = _nps_line(row["score"], lang)
    else:
        source = "support_case"
        title, body, kpi_line = _ticket_text(row, lang, who)
    return StoryCard(
        key=row["key"],
        title=clean(title),
        body=clean(body),
        who=who,
        source=source,
        source_label=_SOURCE_LABELS[source][lang],
        kpi_line=kpi_line,
        language=lang,
        customer_id=row.get("customer_id"),
        segment=row.get("segment"),
        created_at=row["created_at"],
    )


def _as_utc(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _csat_in_window(row: dict) -> bool:
    return _as_utc(row["csat_at"]) - _as_utc(row["created_at"]) <= CSAT_WINDOW


def known_names(engine: Engine, others: Iterable[str] = ()) -> KnownNames:
    """Every name a story must not show: all customers' (not only the story's own customer's:
    a story may name someone else, or have no customer at all) and `others` (the workspace)."""
    with engine.connect() as conn:
        names = conn.execute(select(customers.c.name).where(customers.c.name.is_not(None)))
        return KnownNames([*names.scalars(), *others])


def candidates(
    engine: Engine, *, allow_repeats: bool = False, known: KnownNames | None = None
) -> list[StoryCard]:
    """Every consented story not posted before (or all, with repeats), newest first, redacted
    of the `known` names (default: every customer's)."""
    known = known if known is not None else known_names(engine)
    cards: list[StoryCard] = []
    with engine.connect() as conn:
        for kind, query in (
            ("story", _story_rows(allow_repeats)),
            ("nps", _nps_rows(allow_repeats)),
            ("ticket", _ticket_rows(allow_repeats)),
        ):
            rows = conn.execute(
                query.order_by(query.selected_columns.created_at.desc()).limit(
                    CANDIDATES_PER_SOURCE
                )
            )
            for row in rows:
                values = dict(row._mapping)
                if kind == "ticket" and not _csat_in_window(values):
                    continue
                cards.append(_card(conn, kind, values, known))
    epoch = datetime.min.replace(tzinfo=UTC)
    return sorted(cards, key=lambda card: (card.created_at or epoch, card.key), reverse=True)


def _last_posted_key(conn: Connection) -> str | None:
    return conn.execute(
        select(story_posts.c.story_key)
        .where(story_posts.c.posted_at.is_not(None), story_posts.c.story_key.is_not(None))
        .order_by(story_posts.c.posted_at.desc(), story_posts.c.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _segment_of(conn: Connection, key: str) -> str | None:
    kind, _, ident = key.partition(":")
    table = {
        "story": (stories, "story_id"),
        "nps": (nps_responses, "response_id"),
        "ticket": (tickets, "ticket_id"),
    }
    if kind not in table:
        return None
    source, id_column = table[kind]
    return conn.execute(
        select(customers.c.segment)
        .select_from(source.join(customers, source.c.customer_id == customers.c.customer_id))
        .where(source.c[id_column] == ident)
    ).scalar_one_or_none()


def next_story(
    engine: Engine, *, allow_repeats: bool = False, known: KnownNames | None = None
) -> StoryCard | None:
    """The newest consented story, preferring a segment other than the last one posted."""
    pool = candidates(engine, allow_repeats=allow_repeats, known=known)
    if not pool:
        return None
    with engine.connect() as conn:
        last_key = _last_posted_key(conn)
        last_segment = _segment_of(conn, last_key) if last_key else None
    if allow_repeats and last_key:
        pool = [card for card in pool if card.key != last_key] or pool
    if last_segment is not None:
        for card in pool:
            if card.segment != last_segment:
                return card
    return pool[0]


def story_by_key(engine: Engine, key: str) -> StoryCard | None:
    """The card for `key` if it still exists AND is still consented (posted or not)."""
    return next((card for card in candidates(engine, allow_repeats=True) if card.key == key), None)


def story_for_review(
    engine: Engine, story_id: str, *, known: KnownNames | None = None
) -> StoryCard | None:
    """The redacted card of a consented story whatever its approval: what an approver sees."""
    known = known if known is not None else known_names(engine)
    query = _story_rows(True, approved_only=False).where(stories.c.story_id == story_id)
    with engine.connect() as conn:
        row = conn.execute(query).first()
        return _card(conn, "story", dict(row._mapping), known) if row else None


def is_consented(engine: Engine, key: str) -> bool:
    """Re-checks consent (and a story's approval) in the database right before a post: it may
    have been withdrawn."""
    kind, _, ident = key.partition(":")
    with engine.connect() as conn:
        if kind == "story":
            query = select(stories.c.story_id).where(
                stories.c.story_id == ident,
                stories.c.consent == true(),
                stories.c.approval == APPROVED,
            )
        elif kind == "nps":
            query = select(nps_responses.c.response_id).where(
                nps_responses.c.response_id == ident, nps_responses.c.consent_to_share == true()
            )
        elif kind == "ticket":
            query = select(tickets.c.ticket_id).where(
                tickets.c.ticket_id == ident, _latest_nps_consents(tickets.c.customer_id)
            )
        else:
            return False
        return conn.execute(query).first() is not None


def last_posted(engine: Engine) -> StoryCard | None:
    """The story posted most recently, weekly or by `/story share` (None if none, or consent
    withdrawn)."""
    with engine.connect() as conn:
        key = _last_posted_key(conn)
    return story_by_key(engine, key) if key else None


def add_story(
    engine: Engine,
    *,
    title: str,
    body: str,
    source: str,
    consent: bool,
    customer_id: str | None = None,
    story_id: str | None = None,
    now: datetime | None = None,
    approval: Approval = APPROVED,
) -> str:
    """Saves a story and returns its id; refuses one without consent or with empty fields.
    A `pending` story is not posted until an approver approves it."""
    title, body, customer_id = title.strip(), body.strip(), (customer_id or "").strip() or None
    if not consent:
        raise InvalidStory(
            "The story has no consent from the customer; get consent first, then add it."
        )
    if not title or len(title) > 200:
        raise InvalidStory("The title must be 1–200 characters; write a short title.")
    if len(body) < 20:
        raise InvalidStory("The story is too short; write at least 20 characters.")
    if source not in SOURCES:
        raise InvalidStory(f"Unknown source {source!r}; use one of {', '.join(SOURCES)}.")
    story_id = story_id or uuid.uuid4().hex[:16]
    with engine.begin() as conn:
        if (
            customer_id
            and conn.execute(
                select(customers.c.customer_id).where(customers.c.customer_id == customer_id)
            ).first()
            is None
        ):
            raise InvalidStory(
                f"No customer with id {customer_id!r}; leave it empty or use an existing id."
            )
        conn.execute(
            insert(stories).values(
                story_id=story_id,
                customer_id=customer_id,
                title=title,
                body=body,
                source=source,
                consent=True,
                created_at=now or datetime.now(UTC),
                approval=approval,
            )
        )
    return story_id


def names_to_redact(engine: Engine, customer_id: str | None) -> list[str]:
    """The customer's name, for redacting text produced outside the database (an LLM reply)."""
    if not customer_id:
        return []
    with engine.connect() as conn:
        name = conn.execute(
            select(customers.c.name).where(customers.c.customer_id == customer_id)
        ).scalar_one_or_none()
    return [name] if name else []
