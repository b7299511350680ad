"""Checks a user's question before any retrieval work, so bad input costs nothing.

Every rejection is one English sentence that says what is wrong and what to do (Slack
and the CLI show it as-is).
"""

from __future__ import annotations

import unicodedata

from knowledge.errors import InvalidQuestion


def validate_question(question: str, max_chars: int) -> str:
    """The question without surrounding whitespace; raises InvalidQuestion if unusable.

    The length check comes first and is O(1), so a 50,000-character paste is refused
    without being scanned, tokenized or embedded.
    """
    if not isinstance(question, str):
        raise InvalidQuestion(
            "The question must be text: type a question in words.", code="question_not_text"
        )
    if len(question) > max_chars * 4 or len(question.strip()) > max_chars:
        raise InvalidQuestion(
            f"The question is {len(question.strip()):,} characters long, more than the limit of "
            f"{max_chars:,}: ask a shorter question.",
            code="question_too_long",
            length=len(question.strip()),
            limit=max_chars,
        )
    text = question.strip()
    if not text:
        raise InvalidQuestion(
            "The question is empty: type a question in words.", code="question_empty"
        )
    if not any(unicodedata.category(char)[0] in "LN" for char in text):
        raise InvalidQuestion(
            "The question has no letters or digits (only emoji or symbols): type a question "
            "in words.",
            code="question_without_words",
        )
    return text
