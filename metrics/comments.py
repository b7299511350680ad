"""What detractors and promoters wrote in a period: NPS and CSAT survey comments as plain
models, redacted, for the comment themes of `/kpi nps why` (bot/answering/comment_themes.py).

Choices, written down:
- Who is a detractor or a promoter is the KPI's own definition (metrics/registry.py): NPS's
  `detractors` (0–6) and `promoters` (9–10) counts; for CSAT, whose measure counts only the
  satisfied (4–5), every other score (1–3) is on the detractor side, because every such
  answer pulls CSAT down.
- Every comment is redacted here, exactly as a story is (metrics/stories/cards.py
  `redactor`): links, e-mail addresses, street addresses, phone-length numbers, the
  customer's own name and every `known` name. What the caller counts is what it could quote.
- Consent is filtered IN THE SQL when the caller asks for quotable comments
  (`consented_only`), as the story selection does; a comment's own response must carry
  `consent_to_share = true` (for CSAT too: migration 0008 put the flag beside the text).
- Cost is bounded: a comment is read up to MAX_COMMENT_CHARS (a longer one still counts
  from its start, but is never `complete`, so never quoted: redaction must see the whole
  text), and a period with more than `limit` comments is sampled evenly over time in SQL
  (every k-th by response time), which `total` and `len(comments)` make visible; quotes
  need only the newest few (`newest`).
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import Table, func, select, true
from sqlalchemy.engine import Engine

from metrics.measures import Where
from metrics.planner import _holds as holds
from metrics.registry import get_kpi
from metrics.schema import csat_responses, customers, nps_responses
from metrics.segments import normalise_segments, segment_conditions
from metrics.stories.cards import LanguageDetector, customer_language, redactor
from metrics.stories.redaction import KnownNames, describe_customer

CommentGroup = Literal["detractors", "promoters"]
GROUPS: tuple[CommentGroup, ...] = ("detractors", "promoters")
MAX_COMMENT_CHARS = 2_000
SAMPLE_LIMIT = 1_000
#: The survey tables whose responses carry a comment, and their scales (the tables' checks).
SURVEYS: dict[str, tuple[Table, range]] = {
    "nps_responses": (nps_responses, range(0, 11)),
    "csat_responses": (csat_responses, range(1, 6)),
}


class SurveyComment(BaseModel):
    """One comment, redacted; `complete` when the whole text was read (only those are quoted)."""

    response_id: str
    customer_id: str
    score: int
    responded_at: datetime
    text: str
    language: str
    consented: bool
    complete: bool


class CommentSample(BaseModel):
    """A group's comments in [start, end): `total` of them, `comments` read (all, or an even
    sample of at most the limit, oldest first)."""

    kpi: str
    group: CommentGroup
    scores: list[int]
    start: datetime
    end: datetime
    total: int
    comments: list[SurveyComment]


def survey_of(kpi: str) -> str | None:
    """The survey table behind `kpi` when its answers carry comments (nps, csat), else None."""
    tables = {a.table for a in get_kpi(kpi).measure.aggregates}
    found = tables & SURVEYS.keys()
    return next(iter(found)) if len(tables) == 1 and found else None


def group_scores(kpi: str, group: CommentGroup) -> list[int]:
    """The scores of `group` by the KPI's own definition: NPS 0–6 / 9–10, CSAT 1–3 / 4–5."""
    table = survey_of(kpi)
    if table is None:
        raise ValueError(f"{kpi} is not a survey KPI with comments")
    conditions: dict[str, list[Where]] = {
        a.name: a.where for a in get_kpi(kpi).measure.aggregates if a.where
    }
    promoters = conditions.get("promoters") or conditions["hits"]
    scale = SURVEYS[table][1]
    if group == "promoters":
        return [s for s in scale if holds(promoters, {"score": s})]
    detractors = conditions.get("detractors")
    if detractors is None:  # a share of the satisfied: everyone else pulls it down
        return [s for s in scale if not holds(promoters, {"score": s})]
    return [s for s in scale if holds(detractors, {"score": s})]


def survey_comments(
    engine: Engine,
    kpi: str,
    group: CommentGroup,
    start: datetime,
    end: datetime,
    *,
    known: KnownNames,
    detect_language: LanguageDetector,
    segments: dict[str, str] | None = None,
    consented_only: bool = False,
    limit: int = SAMPLE_LIMIT,
    newest: int | None = None,
) -> CommentSample:
    """The group's non-empty comments responded in [start, end), redacted, for customers
    matching `segments`: an even sample of at most `limit`, oldest first, or with `newest`
    the newest that many, newest first. With `consented_only`, only those whose response
    consents to sharing (decided in SQL). Raises BadSegment for a filter key that is not
    allowed."""
    scores = group_scores(kpi, group)
    table = SURVEYS[survey_of(kpi) or ""][0]
    joined = table.join(customers, table.c.customer_id == customers.c.customer_id)
    conditions = [
        table.c.responded_at >= start,
        table.c.responded_at < end,
        table.c.score.in_(scores),
        table.c.comment.is_not(None),
        func.length(func.trim(table.c.comment)) > 0,
        *segment_conditions(normalise_segments(segments)),
    ]
    if consented_only:
        conditions.append(table.c.consent_to_share == true())
    order = (table.c.responded_at, table.c.response_id)
    query = (
        select(
            table.c.response_id,
            table.c.customer_id,
            table.c.score,
            table.c.responded_at,
            func.substr(table.c.comment, 1, MAX_COMMENT_CHARS + 1).label("comment"),
            table.c.consent_to_share,
            customers.c.name,
            customers.c.segment,
            customers.c.country,
        )
        .select_from(joined)
        .where(*conditions)
    )
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(joined).where(*conditions))
        total = total.scalar_one()
        if newest is not None:
            query = query.order_by(*(column.desc() for column in order)).limit(newest)
        else:
            if total > limit:  # every k-th comment over the period: the sample spans all of it
                step = math.ceil(total / limit)
                numbered = (
                    select(
                        table.c.response_id,
                        func.row_number().over(order_by=order).label("position"),
                    )
                    .select_from(joined)
                    .where(*conditions)
                    .subquery()
                )
                chosen = select(numbered.c.response_id).where((numbered.c.position - 1) % step == 0)
                query = query.where(table.c.response_id.in_(chosen))  # texts of those only
            query = query.order_by(*order)
        rows = [row._mapping for row in conn.execute(query)]
    return CommentSample(
        kpi=get_kpi(kpi).name,
        group=group,
        scores=scores,
        start=start,
        end=end,
        total=total,
        comments=[_comment(row, known, detect_language) for row in rows],
    )


def _comment(row: object, known: KnownNames, detect_language: LanguageDetector) -> SurveyComment:
    values = dict(row)  # type: ignore[call-overload]
    raw = values["comment"].strip()
    complete = len(values["comment"]) <= MAX_COMMENT_CHARS
    language = customer_language(raw, values["country"], detect_language)
    who = describe_customer(values["segment"], values["country"], language)
    return SurveyComment(
        response_id=values["response_id"],
        customer_id=values["customer_id"],
        score=values["score"],
        responded_at=values["responded_at"],
        text=redactor(values["name"], who, known)(raw if complete else raw[:MAX_COMMENT_CHARS]),
        language=language,
        consented=bool(values["consent_to_share"]),
        complete=complete,
    )
