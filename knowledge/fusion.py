"""Fusion: several ranked lists become one ranking, by weighted reciprocal rank.

The one place where rankings are combined: the retrievers of one query (weights per
question language, below), and the LLM's translations of a question (equal weights).

Retrievers (each returns chunk rows, best first):
- "stem": BM25 with the question language's Snowball stemmer;
- "nordic": BM25 with the other Scandinavian stemmers (cross-language within da/no/sv);
- "char": BM25 over character 4-grams (compounds, inflections);
- "glossary": BM25 over the glossary's words for the concepts the question names, each
  language's words stemmed with that language's stemmer (English ↔ da/no/sv);
- "concept": BM25 over language-neutral tokens, the glossary concepts each word names or
  else its stem (knowledge/text.py: concept_tokens), so passages of every language
  compete on equal terms, weighted by how many passages name each concept;
- "dense": the embedding model's nearest neighbours (an exact scan, knowledge/dense.py).

Weights are per question language because one weighting does not fit all: FINDINGS.md
measured an English-trained dense model hurting Norwegian recall@1 when mixed into every
query. WEIGHTS were chosen on tuning data only (see the comment above them); re-measure
with `benchmarks/retrieval.py` and `benchmarks/answers.py SEEDS --set tuning` after
changing the corpus or the glossary.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

Key = TypeVar("Key", bound=Hashable)

RRF_K = 20
CANDIDATES = 50  # per retriever; fusion only looks this deep
RETRIEVERS = ("stem", "nordic", "char", "glossary", "concept", "dense")

# Chosen 2026-12-05 by grid (0, .5, 1 per retriever and question language) on tuning data
# only: the answerable questions of benchmarks/tuning (a key fact in the passage, after the
# evidence reranking) and of tests/data/questions_{seeds,corpus}.yaml (the source article
# or one of its translations), plus the same-language recall@3 of the corpus questions that
# tests/knowledge/test_retrieval_quality.py holds. The grid is flat near its top, so the
# Scandinavian languages share one rounded set. Against the weights of 2026-12-04 (no
# "concept" retriever): recall@3 of the 232 questions 177 -> 186, r@1 132 -> 137; English
# questions r@3 46 -> 55 of 71 (answers in Danish/Norwegian/Swedish articles), at the cost
# of one Danish and two English corpus questions now answered from a translation first.
_SCANDINAVIAN = {
    "stem": 0.5,
    "nordic": 0.0,
    "char": 1.0,
    "glossary": 0.5,
    "concept": 0.5,
    "dense": 0.0,
}
WEIGHTS: dict[str, dict[str, float]] = {
    "da": _SCANDINAVIAN,
    "no": _SCANDINAVIAN,
    "sv": _SCANDINAVIAN,
    # English questions rank by concepts (text.concept_tokens) rather than English stems:
    # over a mostly Scandinavian knowledge base, English stems find only the English
    # articles. Dense is dropped for a question whose own-language BM25 finds nothing
    # (see Index.rankings): wordllama is English-only.
    "en": {"stem": 0.0, "nordic": 0.0, "char": 1.0, "glossary": 1.0, "concept": 1.0, "dense": 0.5},
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
