"""Answer feedback: every answer the bot gives is logged, and 👍/👎 ratings point back to it.

The answer is stored when it is posted (rating 0 = "answered, not rated"), and the buttons
carry only that row's id, so a rating needs no state in the Slack message and works on any
replica. Each click adds a rating row with the question, answer and sources copied, so
several people can rate the same answer and the export is self-contained.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from typing import TextIO

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from knowledge.models import Answer
from metrics.schema import answer_feedback

NOT_RATED = 0
HELPFUL = 1
NOT_HELPFUL = -1

EXPORT_COLUMNS = (
    "created_at",
    "user_id",
    "rating",
    "channel",
    "thread_ts",
    "question",
    "answer",
    "sources",
)


def store_answer(
    engine: Engine,
    *,
    user_id: str,
    channel: str | None,
    thread_ts: str | None,
    question: str,
    answer: Answer,
) -> int:
    """Log an answer as given; returns the id the feedback buttons refer to."""
    sources = [source.model_dump() for source in answer.sources]
    with engine.begin() as conn:
        result = conn.execute(
            insert(answer_feedback).values(
                created_at=datetime.now(UTC),
                user_id=user_id,
                channel=channel,
                thread_ts=thread_ts,
                question=question,
                answer=answer.answer,
                sources=json.dumps(sources, ensure_ascii=False),
                rating=NOT_RATED,
            )
        )
        return int(result.inserted_primary_key[0])


def record_rating(engine: Engine, answer_id: int, *, user_id: str, rating: int) -> bool:
    """Store one user's 👍 (+1) or 👎 (-1) on a logged answer; False if it is unknown."""
    if rating not in (HELPFUL, NOT_HELPFUL):
        raise ValueError(f"a rating is +1 or -1, not {rating}")
    with engine.begin() as conn:
        row = conn.execute(select(answer_feedback).where(answer_feedback.c.id == answer_id)).first()
        if row is None:
            return False
        conn.execute(
            insert(answer_feedback).values(
                created_at=datetime.now(UTC),
                user_id=user_id,
                channel=row.channel,
                thread_ts=row.thread_ts,
                question=row.question,
                answer=row.answer,
                sources=row.sources,
                rating=rating,
            )
        )
    return True


def export_csv(engine: Engine, out: TextIO) -> int:
    """Write every rating (not the unrated answer log) as CSV; returns the row count."""
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
            values = list(row)
            values[0] = values[0].isoformat() if values[0] else ""
            writer.writerow(values)
            count += 1
    return count
