"""Hybrid retrieval: several ranked lists fused by weighted reciprocal rank, by language.

Retrievers (each returns chunk rows, best first):
- "stem": BM25 with the question language's Snowball stemmer;
- "nordic": BM25 with the other Scandinavian stemmers (cross-language within da/no/sv);
- "char": BM25 over character 4-grams (compounds, inflections);
- "lexicon": BM25 over the lexicon's words for the concepts the question names, each
  language's words stemmed with that language's stemmer (English ↔ da/no/sv);
- "dense": the embedding model's nearest neighbours from Chroma.

Weights are per question language because one weighting does not fit all: FINDINGS.md
measured an English-trained dense model hurting Norwegian recall@1 when mixed into every
query. WEIGHTS were chosen by `benchmarks/retrieval.py --tune` over the question files
(tests/data/questions_*.yaml); re-run it after changing the corpus or the lexicon.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

RRF_K = 20
CANDIDATES = 50  # per retriever; fusion only looks this deep
RETRIEVERS = ("stem", "nordic", "char", "lexicon", "dense")

# Grid search (0, .25, .5, 1 per retriever; objective r@3 + .5·r@1 + .25·MRR; RRF k=20) over the 110
# answerable questions of tests/data/questions_{seeds,corpus}.yaml, 2026-11-24. Dense
# (wordllama) helps only English questions; Scandinavian ones do best on stems + n-grams,
# which echoes FINDINGS.md (an English dense model hurt Norwegian recall@1).
WEIGHTS: dict[str, dict[str, float]] = {
    "da": {"stem": 0.25, "nordic": 0.25, "char": 1.0, "lexicon": 0.25, "dense": 0.25},
    "no": {"stem": 0.5, "nordic": 0.5, "char": 1.0, "lexicon": 0.5, "dense": 0.0},
    "sv": {"stem": 0.0, "nordic": 0.25, "char": 1.0, "lexicon": 1.0, "dense": 0.5},
    # Dense is dropped for a question whose own-language BM25 finds nothing (see
    # Index.rankings): wordllama is English-only, so it cannot rank Scandinavian text.
    "en": {"stem": 1.0, "nordic": 0.25, "char": 0.0, "lexicon": 0.5, "dense": 0.5},
}


def weights_for(language: str) -> dict[str, float]:
    return WEIGHTS.get(language, WEIGHTS["en"])


def reciprocal_rank_fusion(
    rankings: Mapping[str, Sequence[int]], weights: Mapping[str, float], k: int = RRF_K
) -> list[tuple[int, float]]:
    """Rows with their fused score Σ w / (k + rank), best first; ties broken by row."""
    fused: dict[int, float] = {}
    for name, rows in rankings.items():
        weight = weights.get(name, 0.0)
        if weight <= 0:
            continue
        for rank, row in enumerate(rows):
            fused[row] = fused.get(row, 0.0) + weight / (k + rank + 1)
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))


def exact_neighbours(vectors: np.ndarray, query: np.ndarray, k: int) -> list[int]:
    """Rows of the k most cosine-similar vectors (all L2-normalised), best first, ties by
    row: the same stored vectors always give the same neighbours, unlike an HNSW graph."""
    if not len(vectors):
        return []
    scores = vectors @ query
    k = min(k, len(scores))
    candidates = np.argpartition(-scores, k - 1)[:k]
    return sorted(candidates.tolist(), key=lambda row: (-float(scores[row]), row))
