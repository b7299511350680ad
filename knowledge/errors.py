"""Errors whose message is one sentence a user can act on (shown as-is in Slack and CLI)."""


class KnowledgeError(Exception):
    """Base class: `str(error)` says what is wrong and what to do."""


class InvalidQuestion(KnowledgeError):
    """Empty, too long, or nothing but symbols."""


class EmptyKnowledgeBase(KnowledgeError):
    """Nothing has been ingested yet."""


class IndexUnavailable(KnowledgeError):
    """The vector store (local files or Chroma server) cannot be reached."""


class IndexBusy(KnowledgeError):
    """Another process is writing the index and did not finish within the wait."""
