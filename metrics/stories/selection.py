"""Which consented stories there are and which one goes out next, decided in SQL.

Three kinds of rows, all filtered on consent IN THE SQL (and re-checked by `is_consented`
right before posting):
- `stories` rows (imported or added in Slack) with `consent = true` and approved (a story
  added in Slack waits for STORY_APPROVERS when that is set; see metrics/stories/approvals.py);
- promoter NPS comments (score 9–10) whose response has `consent_to_share = true`;
- resolved tickets followed within 14 days by a CSAT of 4–5 from the same customer. A ticket
  has no consent field of its own, so we require the customer's MOST RECENT NPS response to
  carry `consent_to_share = true`: consent must be visible in data we can show, and a later
  "no" withdraws an earlier "yes".

Rows become cards in metrics/stories/cards.py; every function that returns cards takes the
caller's `detect_language`, because the customer's words are labelled by the product's one
language detector, which lives outside metrics/.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import String, and_, exists, func, literal, select, true
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql import ColumnElement, Select

from metrics.schema import csat_responses, customers, nps_responses, stories, story_posts, tickets
from metrics.stories.approvals import APPROVED
from metrics.stories.cards import LanguageDetector, RowKind, StoryCard, build_card
from metrics.stories.redaction import KnownNames

CSAT_WINDOW = timedelta(days=14)
CANDIDATES_PER_SOURCE = 50
MIN_COMMENT_CHARS = 20


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


def _card(
    conn: Connection,
    kind: RowKind,
    row: dict,
    known: KnownNames,
    detect_language: LanguageDetector,
) -> StoryCard:
    score = _latest_shareable_nps_score(conn, row.get("customer_id")) if kind == "story" else None
    return build_card(kind, row, known=known, detect_language=detect_language, nps_score=score)


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
    engine: Engine,
    *,
    detect_language: LanguageDetector,
    allow_repeats: bool = False,
    known: KnownNames | None = None,
) -> list[StoryCard]:
    """Every consented story not posted before (or all, with repeats), newest first, redacted
    of the `known` names (default: every customer's)."""
    known = known if known is not None else known_names(engine)
    cards: list[StoryCard] = []
    with engine.connect() as conn:
        sources: tuple[tuple[RowKind, Select], ...] = (
            ("story", _story_rows(allow_repeats)),
            ("nps", _nps_rows(allow_repeats)),
            ("ticket", _ticket_rows(allow_repeats)),
        )
        for kind, query in sources:
            rows = conn.execute(
                query.order_by(query.selected_columns.created_at.desc()).limit(
                    CANDIDATES_PER_SOURCE
                )
            )
            for row in rows:
                values = dict(row._mapping)
                if kind == "ticket" and not _csat_in_window(values):
                    continue
                cards.append(_card(conn, kind, values, known, detect_language))
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
    engine: Engine,
    *,
    detect_language: LanguageDetector,
    allow_repeats: bool = False,
    known: KnownNames | None = None,
) -> StoryCard | None:
    """The newest consented story, preferring a segment other than the last one posted."""
    pool = candidates(
        engine, detect_language=detect_language, allow_repeats=allow_repeats, known=known
    )
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


def story_by_key(
    engine: Engine, key: str, *, detect_language: LanguageDetector
) -> StoryCard | None:
    """The card for `key` if it still exists AND is still consented (posted or not)."""
    pool = candidates(engine, detect_language=detect_language, allow_repeats=True)
    return next((card for card in pool if card.key == key), None)


def story_for_review(
    engine: Engine,
    story_id: str,
    *,
    detect_language: LanguageDetector,
    known: KnownNames | None = None,
) -> StoryCard | None:
    """The redacted card of a consented story whatever its approval: what an approver sees."""
    known = known if known is not None else known_names(engine)
    query = _story_rows(True, approved_only=False).where(stories.c.story_id == story_id)
    with engine.connect() as conn:
        row = conn.execute(query).first()
        if row is None:
            return None
        return _card(conn, "story", dict(row._mapping), known, detect_language)


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


def last_posted(engine: Engine, *, detect_language: LanguageDetector) -> StoryCard | None:
    """The story posted most recently, weekly or by `/story share` (None if none, or consent
    withdrawn)."""
    with engine.connect() as conn:
        key = _last_posted_key(conn)
    return story_by_key(engine, key, detect_language=detect_language) if key else None


def names_to_redact(engine: Engine, customer_id: str | None) -> list[str]:
    """The customer's name, for redacting text produced outside the database (an LLM reply)."""
    if not customer_id:
        return []
    with engine.connect() as conn:
        name = conn.execute(
            select(customers.c.name).where(customers.c.customer_id == customer_id)
        ).scalar_one_or_none()
    return [name] if name else []
