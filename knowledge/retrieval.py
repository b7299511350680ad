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
query. WEIGHTS were chosen by benchmarks/retrieval.py --tune over the question files
(tests/data/questions_*.yaml); see the numbers in that script's output and the README.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

RRF_K = 60
CANDIDATES = 50  # per retriever; fusion only looks this deep
RETRIEVERS = ("stem", "nordic", "char", "lexicon", "dense")

WEIGHTS: dict[str, dict[str, float]] = {
    "da": {"stem": 1.0, "nordic": 0.5, "char": 1.0, "lexicon": 0.5, "dense": 0.25},
    "no": {"stem": 1.0, "nordic": 0.5, "char": 1.0, "lexicon": 0.5, "dense": 0.25},
    "sv": {"stem": 1.0, "nordic": 0.5, "char": 1.0, "lexicon": 0.5, "dense": 0.25},
    "en": {"stem": 1.0, "nordic": 0.0, "char": 0.5, "lexicon": 1.0, "dense": 0.5},
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
