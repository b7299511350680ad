"""The LLM narrative: ChatOpenAI talks over loopback HTTP to a stand-in; the material is
redacted before it is sent and the reply again after; any failure gives the template."""

from __future__ import annotations

import pytest

from bot.stories.writer import write_story
from knowledge.chat_model import ChatModel
from metrics.stories.cards import StoryCard
from tests.openai_stand_in import Behaviour, openai_stand_in

CARD = StoryCard(
    key="nps:n1",
    title="Hurtig levering",
    body="en SMB-kunde i Danmark skrev: pakken kom dagen efter.",
    who="en SMB-kunde i Danmark",
    source="nps_comment",
    source_label="NPS-kommentar",
    kpi_line="NPS-score givet: 10",
    language="da",
    customer_id="c1",
)


def _write(monkeypatch: pytest.MonkeyPatch, behaviour: Behaviour) -> tuple[StoryCard, list[str]]:
    with openai_stand_in(lambda prompt: behaviour) as stand_in:
        monkeypatch.setenv("OPENAI_BASE_URL", stand_in.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "test")
        chat = ChatModel("openai:gpt-4o-mini", timeout_seconds=5)
        card = write_story(CARD, llm_model=chat, names=["Jens Hansen"])
        return card, stand_in.prompts


def test_the_narrative_is_redacted_again_after_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    reply = Behaviour(text="Jens Hansen fik pakken dagen efter; ring 12 34 56 78 og hør mere.")
    card, prompts = _write(monkeypatch, reply)
    assert "Jens" not in card.body and "12 34 56 78" not in card.body
    assert card.body.startswith("en SMB-kunde i Danmark fik pakken")
    assert any(
        "Write in Danish" in prompt and "pakken kom dagen efter" in prompt for prompt in prompts
    )


def test_a_failing_model_falls_back_to_the_template(monkeypatch: pytest.MonkeyPatch) -> None:
    card, _ = _write(monkeypatch, Behaviour(status=500, text="overloaded"))
    assert card == CARD


def test_without_a_model_the_template_is_used() -> None:
    assert write_story(CARD, llm_model=None, names=["Jens Hansen"]) == CARD
