"""How a failure reaches a Slack user: one sentence, and a request id that finds the log line.

The metrics database being down is the common case (a restart, a network blip), so it has
its own sentence, the same in /kpi, /story and App Home; the database URL stays in the log.
"""

from __future__ import annotations

import uuid

from sqlalchemy.exc import OperationalError

from metrics.errors import DatabaseUnavailable

#: A database that cannot be opened (DatabaseUnavailable) or that went away under an open
#: engine (the driver's OperationalError: connection refused, server closed the connection).
DATABASE_DOWN: tuple[type[Exception], ...] = (DatabaseUnavailable, OperationalError)


def request_id() -> str:
    """Short id shown to the user and written to the log, to find one failure again."""
    return uuid.uuid4().hex[:8]


def database_down_text(rid: str) -> str:
    return (
        f"The metrics database is down right now (request id {rid}); "
        "please try again in a few minutes, or tell whoever runs journeybot."
    )


def unexpected_error_text(rid: str, doing: str = "answering") -> str:
    return (
        f"Something went wrong on my side while {doing} (request id {rid}); "
        "please try again, and give that id to whoever runs journeybot if it keeps happening."
    )
