"""KnowledgeBase.ask: bad input refused before retrieval, empty base, follow-ups, abstention."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.errors import EmptyKnowledgeBase, InvalidQuestion
from knowledge.knowledge_base import KnowledgeBase
from tests.knowledge.hand_made import MemoryIndex, chunks


def _knowledge_base(tmp_path: Path, index: MemoryIndex | None = None) -> KnowledgeBase:
    return KnowledgeBase(tmp_path / "index", index=index or MemoryIndex(chunks()))


@pytest.mark.parametrize(
    ("question", "says"),
    [
        ("x" * 50_000, "limit of 2,000"),
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("🙂🚀🔥 ?!", "only emoji or symbols"),
    ],
    ids=["50,000 characters", "empty", "whitespace", "emoji only"],
)
def test_bad_questions_are_refused_with_one_sentence_before_any_retrieval(
    tmp_path: Path, question: str, says: str
) -> None:
    index = MemoryIndex(chunks())
    with pytest.raises(InvalidQuestion) as refused:
        _knowledge_base(tmp_path, index).ask(question)
    message = str(refused.value)
    assert says in message
    assert message.count(". ") == 0 and message.endswith(".")
    assert index.searches == []


def test_the_length_limit_is_the_configured_one(tmp_path: Path) -> None:
    base = KnowledgeBase(tmp_path, max_question_chars=100, index=MemoryIndex(chunks()))
    with pytest.raises(InvalidQuestion, match="limit of 100"):
        base.ask("churn " * 30)


def test_an_empty_knowledge_base_says_how_to_fill_it(tmp_path: Path) -> None:
    with pytest.raises(EmptyKnowledgeBase) as empty:
        _knowledge_base(tmp_path, MemoryIndex([])).ask("What is churn?")
    assert str(empty.value) == (
        "The knowledge base is empty: add documents with `journeybot ingest PATH` "
        "(or run `journeybot demo`)."
    )


def test_an_in_domain_question_is_answered_with_sources(tmp_path: Path) -> None:
    answer = _knowledge_base(tmp_path).ask("Hur fungerar samtycke för kunddata?")
    assert answer.answered and answer.language == "sv"
    assert answer.sources[0].title == "Samtycke"


@pytest.mark.parametrize(
    ("question", "language", "opening"),
    [
        ("What is the capital of France?", "en", "I could not find this in the knowledge base."),
        ("Hvordan bager jeg et godt surdejsbrød?", "da", "Det kunne jeg ikke finde i vidensbasen."),
        ("Hva er været i Bergen i morgen?", "no", "Jeg fant ikke dette i kunnskapsbasen."),
        ("Hur lagar man köttbullar?", "sv", "Jag hittade inte detta i kunskapsbasen."),
    ],
)
def test_off_topic_questions_get_a_helpful_refusal_in_their_own_language(
    tmp_path: Path, question: str, language: str, opening: str
) -> None:
    answer = _knowledge_base(tmp_path).ask(question)
    assert not answer.answered and answer.sources == []
    assert answer.language == language
    assert answer.answer.startswith(opening) and "/kpi" in answer.answer


def test_a_short_follow_up_is_retrieved_together_with_the_previous_question(
    tmp_path: Path,
) -> None:
    index = MemoryIndex(chunks())
    base = _knowledge_base(tmp_path, index)
    answer = base.ask("and how is it measured?", history=["What is NPS?"])

    assert index.searches[-1][0] == "What is NPS? and how is it measured?"
    assert answer.answered and answer.sources[0].title == "Net Promoter Score"
    assert answer.language == "en"


def test_a_full_new_question_in_a_thread_is_retrieved_on_its_own(tmp_path: Path) -> None:
    index = MemoryIndex(chunks())
    question = "How should customer segmentation divide customers into useful groups by behaviour?"
    _knowledge_base(tmp_path, index).ask(question, history=["What is NPS?"])
    assert index.searches[-1][0] == question


def test_reranking_lifts_the_passage_that_holds_the_question_in_another_language() -> None:
    from knowledge.knowledge_base import rerank
    from knowledge.models import Chunk, Hit

    def hit(n: int, text: str, language: str, score: float) -> Hit:
        chunk = Chunk(
            id=f"r{n}",
            text=text,
            title="",
            section="",
            source=f"{n}.md",
            language=language,
            position=0,
        )
        return Hit(chunk=chunk, score=score)

    english = hit(0, "Every customer question deserves an answer the same day.", "en", 1.0)
    danish = hit(1, "Kundefrafald er andelen af kunder, der opsiger aftalen.", "da", 0.9)
    ranked = rerank("What is customer churn?", "en", [english, danish], None)
    assert [h.chunk.id for h in ranked] == ["r1", "r0"]
