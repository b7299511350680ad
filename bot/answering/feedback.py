"""Answer feedback, the bot's side: an answer is logged as the bot's `Answer` and read back as one.

The table and every vote live in metrics/feedback.py (record_rating, record_comment,
export_csv); this module only converts between the knowledge base's models and the plain
rows the metrics layer stores, so the feedback buttons and "Share in channel" can find an
answer by id on any replica.
"""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.engine import Engine

from knowledge.models import Answer, Source
from metrics import feedback


class LoggedAnswer(BaseModel):
    """An answer as it was given, read back (e.g. to share it in the channel later)."""

    id: int
    user_id: str
    channel: str | None
    question: str
    answer: Answer


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
    return feedback.log_answer(
        engine,
        user_id=user_id,
        channel=channel,
        thread_ts=thread_ts,
        question=question,
        answer=answer.answer,
        sources=[source.model_dump() for source in answer.sources],
    )


def logged_answer(engine: Engine, answer_id: int) -> LoggedAnswer | None:
    """The logged answer with this id (None if there is none, or the id is a vote's)."""
    row = feedback.logged_answer(engine, answer_id)
    if row is None:
        return None
    return LoggedAnswer(
        id=row.id,
        user_id=row.user_id,
        channel=row.channel,
        question=row.question,
        answer=Answer(
            answered=True,
            answer=row.answer,
            language="en",
            sources=[Source(**source) for source in row.sources],
        ),
    )
