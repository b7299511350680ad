"""Evidence strength: how much of the question the best passages actually talk about."""

from __future__ import annotations

from hand_made import MemoryIndex, chunks

from knowledge.abstention import ABSTAIN_BELOW, evidence_strength, should_abstain


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
    assert should_abstain(_strength("Which customer football team won the cup final?", "en"))


def test_no_hits_or_no_content_words_means_no_evidence() -> None:
    assert evidence_strength("What is churn?", "en", []) == 0.0
    assert evidence_strength("what is it?", "en", MemoryIndex(chunks()).search("x", "en")) == 0.0
