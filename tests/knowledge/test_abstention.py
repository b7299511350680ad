"""Evidence strength: how much of the question the best passages actually talk about."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hand_made import MemoryIndex, chunks

from knowledge.abstention import ABSTAIN_BELOW, evidence_strength, should_abstain
from knowledge.knowledge_base import KnowledgeBase


def _strength(question: str, language: str) -> float:
    return evidence_strength(question, language, MemoryIndex(chunks()).search(question, language))


def test_a_question_whose_every_term_is_in_one_passage_has_full_evidence() -> None:
    assert _strength("Hvad er kundefrafald?", "da") == 1.0


def test_english_domain_words_find_their_scandinavian_counterparts() -> None:
    assert _strength("What does customer churn mean?", "en") == 1.0
    assert _strength("Why does consent matter for personal data?", "en") >= ABSTAIN_BELOW


def test_a_question_about_something_else_has_no_evidence_and_abstains() -> None:
    strength = _strength("What is the capital of France?", "en")
    assert strength == 0.0 and should_abstain(strength)


def test_one_shared_generic_word_is_not_enough_evidence() -> None:
    assert should_abstain(_strength("Which customer football club won the cup final?", "en"))


def test_no_hits_or_no_content_words_means_no_evidence() -> None:
    assert evidence_strength("What is churn?", "en", []) == 0.0
    assert evidence_strength("what is it?", "en", MemoryIndex(chunks()).search("x", "en")) == 0.0


# --- calibration over the real index -------------------------------------------------

DATA = Path(__file__).resolve().parents[1] / "data"
CORPUS = Path(__file__).resolve().parents[2] / "knowledge" / "corpus"


def _questions() -> list[dict[str, str]]:
    items: list[dict[str, str]] = []
    for path in sorted(DATA.glob("questions_*.yaml")):
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        items += loaded["questions"] if isinstance(loaded, dict) else loaded
    return items


@pytest.fixture(scope="module")
def real_knowledge_base(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> KnowledgeBase:
    """The seed articles and the starter corpus in a real local index (wordllama, Chroma)."""
    base = KnowledgeBase(tmp_path_factory.mktemp("calibration") / "index")
    base.ingest([seeds_dir, CORPUS] if any(CORPUS.rglob("*.md")) else [seeds_dir])
    return base


def test_the_threshold_abstains_on_off_topic_questions_and_answers_in_domain_ones(
    real_knowledge_base: KnowledgeBase,
) -> None:
    questions = _questions()
    assert (DATA / "questions_seeds.yaml").exists() and questions
    answered: dict[str, list[bool]] = {}
    for item in questions:
        answer = real_knowledge_base.ask(item["question"])
        answered.setdefault(item["kind"], []).append(answer.answered)
    off_topic = answered["off_topic"]
    in_domain = answered.get("in_domain", []) + answered.get("cross_lingual", [])

    abstained_share = off_topic.count(False) / len(off_topic)
    answered_share = in_domain.count(True) / len(in_domain)
    assert abstained_share >= 0.90, f"off-topic abstained {abstained_share:.0%}"
    assert answered_share >= 0.90, f"in-domain answered {answered_share:.0%}"
