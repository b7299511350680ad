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

# Grid search (0, .25, .5, 1 per retriever; objective r@3 + .5·r@1 + .25·MRR; RRF k=20) over the 110
# answerable questions of tests/data/questions_{seeds,corpus}.yaml, 2026-11-24. Dense
# (wordllama) helps only English questions; Scandinavian ones do best on stems + n-grams,
# which echoes FINDINGS.md (an English dense model hurt Norwegian recall@1).
WEIGHTS: dict[str, dict[str, float]] = {
    "da": {"stem": 0.25, "nordic": 0.25, "char": 1.0, "glossary": 0.25, "dense": 0.25},
    "no": {"stem": 0.5, "nordic": 0.5, "char": 1.0, "glossary": 0.5, "dense": 0.0},
    "sv": {"stem": 0.0, "nordic": 0.25, "char": 1.0, "glossary": 1.0, "dense": 0.5},
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
