"""The answer log and its 👍/👎 votes (table `answer_feedback`): every write and read of it.

An answer is stored when it is posted (rating 0 = "the answer itself"), and the buttons carry
only that row's id, so a vote needs no state in the Slack message and works on any replica. A
vote is a row with the question, answer and sources copied (the export is self-contained) and
`answer_id` pointing at the answer: one per person and answer, so a second click changes the
vote instead of counting twice. A 👎 may carry a comment. Sources are plain dicts here; the
bot turns them into its own models (bot/answering/feedback.py).
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from typing import Any, TextIO

from pydantic import BaseModel
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine, Row
from sqlalchemy.exc import IntegrityError

from metrics.schema import answer_feedback

NOT_RATED = 0
HELPFUL = 1
NOT_HELPFUL = -1
MAX_COMMENT_CHARS = 500

EXPORT_COLUMNS = (
    "created_at",
    "user_id",
    "rating",
    "channel",
    "thread_ts",
    "question",
    "answer",
    "sources",
    "comment",
)
#: A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class LoggedAnswerRow(BaseModel):
    """An answer as it was logged: the text and its sources as stored."""

    id: int
    user_id: str
    channel: str | None
    question: str
    answer: str
    sources: list[dict[str, Any]]


def log_answer(
    engine: Engine,
    *,
    user_id: str,
    channel: str | None,
    thread_ts: str | None,
    question: str,
    answer: str,
    sources: list[dict[str, Any]],
) -> int:
    """Log an answer as given; returns the id the feedback buttons refer to."""
    with engine.begin() as conn:
        result = conn.execute(
            insert(answer_feedback).values(
                created_at=datetime.now(UTC),
                user_id=user_id,
                channel=channel,
                thread_ts=thread_ts,
                question=question,
                answer=answer,
                sources=json.dumps(sources, ensure_ascii=False),
                rating=NOT_RATED,
            )
        )
        return int(result.inserted_primary_key[0])


def logged_answer(engine: Engine, answer_id: int) -> LoggedAnswerRow | None:
    """The logged answer with this id (None if there is none, or the id is a vote's)."""
    with engine.connect() as conn:
        row = _answer_row(conn, answer_id)
    if row is None:
        return None
    return LoggedAnswerRow(
        id=row.id,
        user_id=row.user_id,
        channel=row.channel,
        question=row.question,
        answer=row.answer,
        sources=json.loads(row.sources or "[]"),
    )


def record_rating(engine: Engine, answer_id: int, *, user_id: str, rating: int) -> bool:
    """Store one person's 👍 (+1) or 👎 (-1) on a logged answer, replacing their earlier vote;
    False if the answer is unknown. Switching to 👍 drops the 👎's comment."""
    if rating not in (HELPFUL, NOT_HELPFUL):
        raise ValueError(f"a rating is +1 or -1, not {rating}")
    change: dict[str, Any] = {"rating": rating}
    if rating == HELPFUL:
        change["comment"] = None
    try:
        with engine.begin() as conn:
            answer = _answer_row(conn, answer_id)
            if answer is None:
                return False
            if _change_vote(conn, answer_id, user_id, change) == 0:
                conn.execute(insert(answer_feedback).values(**_vote(answer, user_id, rating)))
    except IntegrityError:
        # A second click raced the first one's insert: it is a change of that vote.
        with engine.begin() as conn:
            _change_vote(conn, answer_id, user_id, change)
    return True


def record_comment(engine: Engine, answer_id: int, *, user_id: str, comment: str) -> bool:
    """Attach "what was wrong?" to this person's 👎 on the answer; False if there is none."""
    text = comment.strip()[:MAX_COMMENT_CHARS]
    with engine.begin() as conn:
        changed = conn.execute(
            update(answer_feedback)
            .where(
                answer_feedback.c.answer_id == answer_id,
                answer_feedback.c.user_id == user_id,
                answer_feedback.c.rating == NOT_HELPFUL,
            )
            .values(comment=text or None)
        )
    return changed.rowcount == 1


def spreadsheet_safe(value: object) -> object:
    """A text cell a spreadsheet would run as a formula gets a leading `'`; others unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return f"'{value}"
    return value


def export_csv(engine: Engine, out: TextIO) -> int:
    """Write every vote (not the answer log) as CSV; returns the row count. Text cells that
    start like a formula (`=`, `+`, `-`, `@`, tab, CR) are prefixed with `'`, because
    questions and answers are user and document text and the file is opened in Excel."""
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    query = (
        select(*(answer_feedback.c[name] for name in EXPORT_COLUMNS))
        .where(answer_feedback.c.rating != NOT_RATED)
        .order_by(answer_feedback.c.id)
    )
    count = 0
    with engine.connect() as conn:
        for row in conn.execute(query):
            values: list[object] = list(row)
            values[0] = values[0].isoformat() if values[0] else ""
            writer.writerow([spreadsheet_safe(value) for value in values])
            count += 1
    return count


def _answer_row(conn: Connection, answer_id: int) -> Row[Any] | None:
    return conn.execute(
        select(answer_feedback).where(
            answer_feedback.c.id == answer_id, answer_feedback.c.rating == NOT_RATED
        )
    ).first()


def _change_vote(conn: Connection, answer_id: int, user_id: str, change: dict[str, Any]) -> int:
    result = conn.execute(
        update(answer_feedback)
        .where(answer_feedback.c.answer_id == answer_id, answer_feedback.c.user_id == user_id)
        .values(**change)
    )
    return result.rowcount


def _vote(answer: Row[Any], user_id: str, rating: int) -> dict[str, Any]:
    return {
        "created_at": datetime.now(UTC),
        "user_id": user_id,
        "channel": answer.channel,
        "thread_ts": answer.thread_ts,
        "question": answer.question,
        "answer": answer.answer,
        "sources": answer.sources,
        "rating": rating,
        "answer_id": answer.id,
    }
