"""Errors whose message is one sentence a user can act on.

`str(error)` is the sentence in English (the CLI prints it). Errors a Slack user can cause
also carry it as data: `code` names the sentence and `values` fill its blanks, so bot/ says it
in the reader's language (bot/i18n/catalogue/errors.yaml, key `error.<code>`) without this
package knowing about Slack or languages. An error without a code is said in English.
"""


class KnowledgeError(Exception):
    """Base class: `str(error)` says what is wrong and what to do."""

    def __init__(self, message: str = "", *, code: str = "", **values: str | int) -> None:
        super().__init__(message)
        self.code = code
        self.values = values


class InvalidQuestion(KnowledgeError):
    """Empty, too long, or nothing but symbols."""


class EmptyKnowledgeBase(KnowledgeError):
    """Nothing has been ingested yet."""


class IndexUnavailable(KnowledgeError):
    """The vector store (local files or Chroma server) cannot be reached."""


class IndexBusy(KnowledgeError):
    """Another process is writing the index and did not finish within the wait."""
