"""When to say "I could not find this" instead of answering: evidence strength.

Retrieval always returns *something*, so the question is whether the best passages
actually talk about what was asked. Evidence strength = the largest share of the
question's content terms (stems, compounds, cross-lingual lexicon concepts) that one of
the top passages contains, weighted towards longer words. It does not depend on the
scale of the index's scores, which differ between the lexical and dense retrievers.

Calibration: see ABSTAIN_BELOW and tests/knowledge/test_abstention.py.
"""

from __future__ import annotations

from knowledge.models import Hit
from knowledge.question_terms import Term, content_terms, matched

PASSAGES_CHECKED = 3

# Calibrated on the question files (tests/data/questions_*.yaml) over the seed articles;
# the numbers are recorded in tests/knowledge/test_abstention.py's docstring.
ABSTAIN_BELOW = 0.65


def _weight(term: Term) -> float:
    """Domain words and long words say more about the topic than short generic ones."""
    return 1.5 if term.concepts else (1.0 if len(term.word) >= 4 else 0.5)


def evidence_strength(question: str, language: str, hits: list[Hit]) -> float:
    """0.0 (nothing of the question in the passages) … 1.0 (all of it in one passage)."""
    terms = content_terms(question, language)
    if not terms or not hits:
        return 0.0
    total = sum(_weight(term) for term in terms)
    best = 0.0
    for hit in hits[:PASSAGES_CHECKED]:
        passage = content_terms(f"{hit.chunk.title}. {hit.chunk.text}", hit.chunk.language)
        found = sum(_weight(term) for term in matched(terms, passage))
        best = max(best, found / total)
    return best


def should_abstain(strength: float, threshold: float = ABSTAIN_BELOW) -> bool:
    return strength < threshold
