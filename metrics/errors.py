"""Errors whose message is one sentence a user can act on.

`str(error)` is the sentence in English (the CLI prints it). Errors a Slack user can cause
also carry it as data: `code` names the sentence and `values` fill its blanks, so bot/ says it
in the reader's language (bot/i18n/catalogue/errors.yaml, key `error.<code>`) without this
package knowing about Slack or languages. An error without a code is said in English.
"""


class MetricsError(Exception):
    """Base class: `str(error)` says what is wrong and what to do."""

    def __init__(self, message: str = "", *, code: str = "", **values: str | int) -> None:
        super().__init__(message)
        self.code = code
        self.values = values


class UnknownKpi(MetricsError):
    """The message names the KPI asked for and lists the ones that exist."""


class BadPeriod(MetricsError):
    """The message shows the accepted period forms."""


class BadSegment(MetricsError):
    """Unknown segment key (the message lists the allowed keys) or malformed filter."""


class NoData(MetricsError):
    """No rows in the period (and segment): not zero, and not a crash."""


class DatabaseUnavailable(MetricsError):
    """The metrics database cannot be reached or is not migrated."""


class ImportRejected(MetricsError):
    """A CSV file was rejected whole; `errors` holds `row N, column C: reason` lines."""

    def __init__(
        self,
        message: str,
        errors: list[str] | None = None,
        total: int = 0,
        summary: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.errors = errors or []
        self.total = total or len(self.errors)
        #: What was read before the rejection (rows, encoding, delimiter …), for `--json`.
        self.summary = summary or {}


class DatabaseBusy(DatabaseUnavailable):
    """Another process holds the lock for the same work (an import) longer than we wait."""


class WhyUnavailable(MetricsError):
    """The change of this KPI cannot be split into mix and rate (not a weighted mean of groups,
    or nothing to compare with)."""


class RulesFileError(MetricsError):
    """The targets and alert rules file cannot be used; `line` and `reason` say where and why."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        if line is None:
            message = f"The alert rules file {path} cannot be used: {reason}."
        else:
            message = f"Line {line} of the alert rules file {path}: {reason}."
        super().__init__(message)
        self.path = path
        self.reason = reason
        self.line = line
