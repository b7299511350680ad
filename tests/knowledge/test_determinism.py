"""The same documents give the same rankings, however often and wherever they are indexed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from knowledge.dense import exact_neighbours
from knowledge.knowledge_base import KnowledgeBase

DATA = Path(__file__).resolve().parents[1] / "data"
CORPUS = Path(__file__).resolve().parents[2] / "knowledge" / "corpus"


def _questions() -> list[str]:
    questions: list[str] = []
    for path in sorted(DATA.glob("*.yaml")):
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        items = loaded.get("questions", []) if isinstance(loaded, dict) else loaded
        questions += [item["question"] for item in items or [] if "question" in item]
    return questions


def _rankings(folder: Path, questions: list[str]) -> list[list[str]]:
    base = KnowledgeBase(folder)
    base.ingest([CORPUS])
    return [[hit.chunk.id for hit in base.search(question)] for question in questions]


def test_fresh_indexes_of_the_same_documents_rank_every_question_identically(
    tmp_path: Path,
) -> None:
    questions = _questions()
    assert len(questions) > 200
    first = _rankings(tmp_path / "one", questions)
    for again in ("two", "three"):
        rankings = _rankings(tmp_path / again, questions)
        differ = [q for q, a, b in zip(questions, first, rankings, strict=True) if a != b]
        assert not differ, f"ranked differently in a fresh index: {differ[:5]}"


def test_dense_neighbours_are_exact_and_ties_go_to_the_lower_row() -> None:
    vectors = np.array([[0.0, 1.0], [1.0, 0.0], [0.6, 0.8], [1.0, 0.0]], dtype=np.float32)
    assert exact_neighbours(vectors, np.array([1.0, 0.0], dtype=np.float32), 3) == [1, 3, 2]
