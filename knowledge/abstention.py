"""When to say "I could not find this" instead of answering: evidence strength.

Retrieval always returns *something*, so the question is whether the best passages
actually talk about what was asked. Evidence strength = the largest share of the
question's content terms (stems, compounds, cross-lingual lexicon concepts) that one of
the top passages contains (with its title and section heading, as retrieval sees it),
weighted towards longer words. It does not depend on the
scale of the index's scores, which differ between the lexical and dense retrievers.

Three rules keep near-misses out ("How do I reset my password?" met a passage that
mentions passwords; "Hvordan bliver man kunde i …" met every passage that says kunde):
- "customer" is no topic here: the concept is in 96 % of the indexed chunks (measured
  2026-12-01), so the bare word (kunde, kunder, customers, client …) weighs as an
  ordinary word, and a match through that concept alone (kundalini ↔ kunder) counts no
  more than one. Compounds such as kundehistorie keep their weight.
- One matched word is not evidence: a question of two or more content terms needs two of
  them in one passage, unless the one is a domain concept matched as such ("How do we
  reduce churn?" against a passage about churn).
- A question word that no indexed chunk uses (Equinor, Thailand, lasagne) names what the
  knowledge base does not cover, so it weighs UNKNOWN_WEIGHT times as much. Indexes that
  cannot tell (the test doubles) treat every word as known.

Calibration (2026-12-01, seed articles + knowledge/corpus in the real local index; re-run
by tests/knowledge/test_abstention.py). Tuned on tests/data/questions_*.yaml: 125
in-domain and cross-lingual questions and 64 off-topic ones, 40 of them the near-misses
of questions_off_topic_tuning.yaml. At UNKNOWN_WEIGHT = 3 and ABSTAIN_BELOW = 0.35:
off-topic abstained 60/64 (near-miss half 36/40 = 90 %, the older 24/24), in-domain
answered 98/101 and cross-lingual 18/24 (116/125 = 93 %; the rule of 2026-11-24, one
weighted share at 0.45, answered 121 but abstained on only 22/40 near-misses). Held out,
never tuned on: tests/data/off_topic_holdout.yaml abstained 38/40 (95 %; old rule
33/40). 0.35 lies between the many off-topic strengths of exactly 1/3 (one domain word
beside one unknown word) and in-domain ones from 0.36 up. What it still gets wrong: IT
support questions, "kunde i Danske Bank" and "datamaskinen" (↔ data) score 0.45–0.60,
like in-domain questions of the same shape; in-domain misses are morphology the stemmers
miss (konsekvent/konsekvens, automatiserar/automatisering) and English questions whose
words the Scandinavian answer does not use (valid, require, habits, empathy).
"""

from __future__ import annotations

from collections.abc import Callable

from knowledge.models import Hit
from knowledge.question_terms import GENERIC_CONCEPTS, Term, content_terms, how_matched

PASSAGES_CHECKED = 3

# Calibrated on the question files (tests/data/questions_*.yaml): see the module docstring.
ABSTAIN_BELOW = 0.35
UNKNOWN_WEIGHT = 3.0

# Snowball stems of the bare words for "customer" in da/no/sv/en (kunder → kund).
_GENERIC_STEMS = frozenset({"kund", "klient", "custom", "client"})


def _is_generic(term: Term) -> bool:
    return bool(term.concepts) and term.concepts <= GENERIC_CONCEPTS and term.stem in _GENERIC_STEMS


def _is_domain_term(term: Term) -> bool:
    """Names a domain concept: kundefrafald, NPS, kundehistorie; not the bare "kunde"."""
    return bool(term.concepts) and not _is_generic(term)


def _weight(term: Term, known: Callable[[str], bool]) -> float:
    """Domain words and long words say more about the topic than short generic ones."""
    weight = 1.5 if _is_domain_term(term) else (1.0 if len(term.word) >= 4 else 0.5)
    if not term.concepts and not known(term.word):
        weight *= UNKNOWN_WEIGHT
    return weight


def _everything_known(word: str) -> bool:
    return True


def evidence_strength(
    question: str,
    language: str,
    hits: list[Hit],
    known: Callable[[str], bool] | None = None,
) -> float:
    """0.0 (nothing of the question in the passages) … 1.0 (all of it in one passage).

    `known(word)` says whether any indexed chunk uses the word (Index.knows).
    """
    terms = content_terms(question, language)
    if not terms or not hits:
        return 0.0
    weights = {term.word: _weight(term, known or _everything_known) for term in terms}
    total = sum(weights.values())
    best = 0.0
    for hit in hits[:PASSAGES_CHECKED]:
        chunk = hit.chunk  # its title and section heading are what retrieval saw too
        passage = content_terms(f"{chunk.title}. {chunk.section}. {chunk.text}", chunk.language)
        how = {term.word: how_matched(term, passage) for term in terms}
        found = [term for term in terms if how[term.word]]
        if len({term.stem for term in found}) < min(2, len(terms)) and not any(
            _is_domain_term(term) and how[term.word] != "generic" for term in found
        ):
            continue  # one stray word in common
        share = sum(
            min(1.0, weights[term.word]) if how[term.word] == "generic" else weights[term.word]
            for term in found
        )
        best = max(best, share / total)
    return best


def should_abstain(strength: float, threshold: float = ABSTAIN_BELOW) -> bool:
    return strength < threshold
