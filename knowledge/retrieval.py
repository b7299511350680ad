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

RRF_K = 60
CANDIDATES = 50  # per retriever; fusion only looks this deep
RETRIEVERS = ("stem", "nordic", "char", "lexicon", "dense")

# Grid search (0, .25, .5, 1 per retriever; objective r@3 + .5·r@1 + .25·MRR) over the 106
# answerable questions of tests/data/questions_{seeds,corpus}.yaml, 2026-11-24. Dense
# (wordllama) helps only English questions; Scandinavian ones do best on stems + n-grams,
# which echoes FINDINGS.md (an English dense model hurt Norwegian recall@1).
WEIGHTS: dict[str, dict[str, float]] = {
    "da": {"stem": 0.5, "nordic": 1.0, "char": 1.0, "lexicon": 0.0, "dense": 0.25},
    "no": {"stem": 0.25, "nordic": 1.0, "char": 1.0, "lexicon": 1.0, "dense": 0.0},
    "sv": {"stem": 1.0, "nordic": 0.0, "char": 0.5, "lexicon": 1.0, "dense": 0.0},
    # Grid best for English was lexicon 0.25 (r@3 1.00 in-domain, .19 cross-lingual), but
    # then wordllama outvotes the lexicon whenever no English text matches; 0.6 keeps
    # cross-lingual hits on the lexicon (r@3 .73 in-domain, .23 cross-lingual; n=11/26).
    "en": {"stem": 1.0, "nordic": 0.0, "char": 0.25, "lexicon": 0.6, "dense": 0.5},
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
