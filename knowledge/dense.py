"""Dense neighbours found exactly: a cosine scan of the stored vectors.

Chroma's HNSW graph is approximate and comes out differently with each build, so three
fresh ingests of the same files ranked differently; an exact scan over L2-normalised
vectors always gives the same neighbours (cost measured at knowledge/index.py).
"""

from __future__ import annotations

import numpy as np


def exact_neighbours(vectors: np.ndarray, query: np.ndarray, k: int) -> list[int]:
    """Rows of the k most cosine-similar vectors, best first, ties by row."""
    if not len(vectors):
        return []
    scores = vectors @ query
    k = min(k, len(scores))
    candidates = np.argpartition(-scores, k - 1)[:k]
    return sorted(candidates.tolist(), key=lambda row: (-float(scores[row]), row))
