"""The LLM answerer, run for real over loopback HTTP against an OpenAI stand-in.

LangChain's ChatOpenAI makes real HTTP requests to tests/openai_stand_in.py; only the
model is replaced. Translation requests get no translation (the stand-in echoes nothing
useful for them) unless a test says otherwise.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.knowledge_base import KnowledgeBase
from knowledge.llm_answer import LlmUnavailable
from tests.knowledge.hand_made import MemoryIndex, chunks
from tests.openai_stand_in import Behaviour, openai_stand_in

QUESTION = "How is NPS measured?"


def _ask(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    answer: Behaviour,
    translation: Behaviour | None = None,
    timeout: float = 5.0,
    question: str = QUESTION,
) -> tuple[object, list[str], MemoryIndex]:
    def reply(prompt: str) -> Behaviour:
        if "Translate the question" in prompt:
            return translation or Behaviour(status=500, text="no translations today")
        return answer

    index = MemoryIndex(chunks())
    with openai_stand_in(reply) as stand_in:
        monkeypatch.setenv("OPENAI_BASE_URL", stand_in.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "test")
        base = KnowledgeBase(
            tmp_path,
            llm_model="openai:gpt-4o-mini",
            llm_timeout_seconds=timeout,
            index=index,
        )
        result = base.ask(question)
        return result, stand_in.prompts, index


def test_a_grounded_llm_answer_keeps_its_citations_and_lists_the_cited_passages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = Behaviour(text="Customers rate from 0 to 10 how likely they are to recommend you [1].")
    answer, prompts, _ = _ask(tmp_path, monkeypatch, good)

    assert answer.answered and answer.note is None
    assert answer.answer.endswith("[1].")
    assert [source.title for source in answer.sources] == ["Net Promoter Score"]
    assert any("[1] Net Promoter Score" in prompt for prompt in prompts)
    assert any("Answer in English" in prompt for prompt in prompts)


def test_a_citation_to_a_passage_that_was_not_retrieved_is_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bogus = Behaviour(text="NPS asks how likely customers are to recommend you [1][9].")
    answer, _, _ = _ask(tmp_path, monkeypatch, bogus)

    assert answer.answer == "NPS asks how likely customers are to recommend you [1]."
    assert len(answer.sources) == 1


def test_a_sentence_that_cites_no_retrieved_passage_is_dropped_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    invented = Behaviour(
        text="NPS asks how likely customers are to recommend you [1]. Invented claim. [9] "
        "Another one without a source. It ranges from -100 to 100. [1]"
    )
    answer, _, _ = _ask(tmp_path, monkeypatch, invented)

    assert answer.answer == (
        "NPS asks how likely customers are to recommend you [1]. It ranges from -100 to 100. [1]"
    )
    assert "Invented" not in answer.answer and "without a source" not in answer.answer


def test_an_answer_with_only_invented_citations_falls_back_to_the_extractive_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer, _, _ = _ask(tmp_path, monkeypatch, Behaviour(text="NPS is great [9]."))
    assert answer.answered and "great" not in answer.answer
    assert "cited no retrieved source" in answer.note


def test_a_server_error_falls_back_to_the_extractive_answer_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer, _, _ = _ask(tmp_path, monkeypatch, Behaviour(status=500, text="overloaded"))
    assert answer.answered and answer.sources[0].title == "Net Promoter Score"
    assert "[1]" in answer.answer
    assert (
        "The language model could not be reached, so this is an extractive answer." in answer.note
    )


def test_a_model_slower_than_the_timeout_falls_back_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = Behaviour(text="Too late [1].", delay_seconds=3.0)
    answer, _, _ = _ask(tmp_path, monkeypatch, slow, timeout=0.5)
    assert answer.answered and "Too late" not in answer.answer
    assert (
        "The language model did not answer in time, so this is an extractive answer." in answer.note
    )


def test_when_the_model_says_the_passages_do_not_answer_the_bot_abstains(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer, _, _ = _ask(tmp_path, monkeypatch, Behaviour(text="NOT_IN_SOURCES"))
    assert not answer.answered and answer.sources == []


def test_the_question_is_translated_before_retrieval_and_each_translation_is_searched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    translations = Behaviour(
        text="Hvordan måles NPS?\nHvordan måles NPS?\nHur mäts NPS?\nHow is NPS measured?"
    )
    good = Behaviour(text="Det måles på en skala fra 0 til 10 [1].")
    answer, _, index = _ask(tmp_path, monkeypatch, good, translation=translations)

    searched = [query for query, _ in index.searches]
    assert searched[0] == QUESTION and "Hur mäts NPS?" in searched
    assert answer.answered


def test_a_failed_translation_is_skipped_and_the_question_still_answered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = Behaviour(text="It is measured on a 0 to 10 scale [1].")
    answer, _, index = _ask(tmp_path, monkeypatch, good)
    assert [query for query, _ in index.searches] == [QUESTION]
    assert answer.answered and answer.note is None


# --- a model that cannot be loaded is a configuration error, in one sentence ------------


def test_an_llm_model_with_no_provider_fails_naming_llm_model_and_the_accepted_forms(
    tmp_path: Path,
) -> None:
    base = KnowledgeBase(tmp_path, llm_model="bogus", index=MemoryIndex(chunks()))
    with pytest.raises(LlmUnavailable) as error:
        base.load_llm()
    message = str(error.value)
    assert message.startswith("LLM_MODEL='bogus' names no model provider; write it as ")
    assert all(form in message for form in ("openai:<model>", "anthropic:<model>", "ollama:"))
    assert "\n" not in message and "Supported providers" not in message


def test_an_llm_model_without_its_api_key_fails_in_one_sentence_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_ADMIN_KEY"):
        monkeypatch.delenv(name, raising=False)
    base = KnowledgeBase(tmp_path, llm_model="openai:gpt-4o-mini", index=MemoryIndex(chunks()))
    with pytest.raises(LlmUnavailable, match="OPENAI_API_KEY") as error:
        base.ask(QUESTION)
    assert str(error.value).startswith("LLM_MODEL='openai:gpt-4o-mini' cannot be loaded")
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("model", "key"),
    [
        ("openai:gpt-4o-mini", "OPENAI_API_KEY"),
        ("anthropic:claude-3-5-haiku-latest", "ANTHROPIC_API_KEY"),
    ],
)
def test_a_missing_provider_key_is_named_when_the_model_loads_for_every_provider(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model: str, key: str
) -> None:
    """`serve` and `ask` load the model at start-up; Anthropic's client used to accept a
    missing key and fail only at the first question."""
    monkeypatch.delenv(key, raising=False)
    base = KnowledgeBase(tmp_path, llm_model=model, index=MemoryIndex(chunks()))
    with pytest.raises(LlmUnavailable) as error:
        base.load_llm()
    assert str(error.value) == (
        f"LLM_MODEL={model!r} cannot be loaded: {key} is not set; set it to the provider's "
        "API key, or leave LLM_MODEL empty for extractive answers."
    )


def test_answers_and_stories_share_the_one_chat_model_the_services_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.config import Settings
    from bot.services import Services

    monkeypatch.setenv("OPENAI_API_KEY", "test")
    svc = Services.from_settings(Settings(journeybot_home=tmp_path, llm_model="openai:gpt-4o"))
    chat = svc.llm()
    assert chat is not None and chat is svc.llm()
    assert svc.knowledge_base().llm.chat is chat  # type: ignore[union-attr]
    assert svc.stories().llm_model is chat
