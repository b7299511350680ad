"""How a failure reaches a Slack user: one sentence in the reader's language, and a request
id that finds the log line.

The metrics database being down is the common case (a restart, a network blip), so it has
its own sentence, the same in /kpi, /story and App Home; the database URL stays in the log.
Errors from metrics/ and knowledge/ carry a code and values beside their English sentence;
`problem_text` says them from the catalogue (bot/i18n/catalogue/errors.yaml).
"""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.exc import OperationalError

from bot.formatting import count
from bot.i18n import FALLBACK, language_or_fallback, say, say_or
from bot.views.mrkdwn import escape
from metrics.errors import DatabaseUnavailable, MetricsError

log = logging.getLogger(__name__)

#: A database that cannot be opened (DatabaseUnavailable) or that went away under an open
#: engine (the driver's OperationalError: connection refused, server closed the connection).
DATABASE_DOWN: tuple[type[Exception], ...] = (DatabaseUnavailable, OperationalError)


def request_id() -> str:
    """Short id shown to the user and written to the log, to find one failure again."""
    return uuid.uuid4().hex[:8]


def database_down_text(rid: str, *, language: str = "en") -> str:
    return say("failures.database_down", language, rid=rid)


def unexpected_error_text(
    rid: str, doing: str = "answering", *, language: str = "en", **values: str
) -> str:
    """`doing` names what failed: a catalogue word (`answering`, `computing` with `kpi=`,
    `explaining`, `story`) said in `language`, or an English phrase used as it is."""
    what = say_or(doing, f"failures.doing.{doing}", language, **values)
    return say("failures.unexpected", language, rid=rid, doing=what)


def problem_text(error: Exception, language: str = "en") -> str:
    """The one sentence of a user error (MetricsError, KnowledgeError) in `language`, as Slack
    mrkdwn: its values may echo what the user typed, so they are escaped. In English, and for
    an error without a translated code, it is the error's own sentence, escaped."""
    from bot.views.kpi import kpi_title
    from metrics.registry import get_kpi

    code = getattr(error, "code", "")
    values: dict[str, object] = dict(getattr(error, "values", {}) or {})
    english = escape(str(error))
    if not code or language_or_fallback(language) == FALLBACK:
        return english  # the sentence written where the error is raised, every detail kept
    if "kpi" in values:
        try:
            values["title"] = kpi_title(get_kpi(str(values["kpi"])), language)
        except Exception:  # an unknown name in an error about it: its own text will do
            values["title"] = str(values["kpi"])
    if code == "why_nothing_to_compare":
        values["compared_with"] = say(
            f"formatting.compared_with.{values.get('compared_with', 'previous')}", language
        )
    safe = {
        key: escape(count(value, locale=language) if isinstance(value, int) else str(value))
        for key, value in values.items()
    }
    try:
        return say_or(english, f"error.{code}", language, **safe)
    except (KeyError, IndexError):  # the catalogue's blanks and the error's values disagree
        return english


def failure_text(
    error: Exception,
    rid: str,
    what: str,
    *,
    language: str = "en",
    doing: str = "answering",
    **values: str,
) -> str:
    """The sentence for `error`, raised while doing `what` (`KPI nps`, `/story share`): the
    database is down, the user asked for something we cannot compute (MetricsError), or
    anything else; the first and last are logged with the request id. /kpi, a KPI question
    and /story tell their users alike."""
    if isinstance(error, DATABASE_DOWN):
        log.error("%s failed, database unavailable [request id %s]: %s", what, rid, error)
        return database_down_text(rid, language=language)
    if isinstance(error, MetricsError):
        return problem_text(error, language)
    log.error("%s failed [request id %s]", what, rid, exc_info=error)
    return unexpected_error_text(rid, doing, language=language, **values)
