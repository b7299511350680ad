"""One set of rules for a new story, each error naming its field: the modal's ack shows them
under the right input without the database, and add_story refuses with the same sentences."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.listeners.actions.story_modal import field_errors
from bot.views.story import FIELD_BLOCKS
from metrics.schema import stories
from metrics.stories.adding import add_story
from metrics.stories.sources import SOURCES
from metrics.stories.validation import InvalidStory, StoryDraft, problems

PRAISE = "Ordren kom hurtigt, og jeg fik hjælp med det samme af jeres support."
GOOD = {"title": "Hurtig levering", "body": PRAISE, "source": "interview", "consent": True}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"body": "For kort."}, "body"),
        ({"source": "rumour"}, "source"),
        ({"consent": False}, "consent"),
    ],
)
def test_each_problem_names_its_field_and_the_modal_shows_it_under_that_input(
    change: dict, field: str
) -> None:
    draft = StoryDraft(**{**GOOD, **change})
    [problem] = problems(draft)
    assert problem.field == field
    assert field_errors(draft) == {FIELD_BLOCKS[field]: problem.message}


@pytest.mark.parametrize(
    "change", [{"title": ""}, {"body": "For kort."}, {"source": "rumour"}, {"consent": False}]
)
def test_add_story_refuses_with_the_sentence_the_modal_shows(engine: Engine, change: dict) -> None:
    draft = StoryDraft(**{**GOOD, **change})
    [expected] = problems(draft)
    with pytest.raises(InvalidStory) as raised:
        add_story(engine, **{**GOOD, **change})
    assert (raised.value.field, str(raised.value)) == (expected.field, expected.message)
    with engine.connect() as conn:
        assert conn.execute(select(stories)).first() is None


def test_an_unknown_customer_is_an_error_on_the_customer_field(engine: Engine) -> None:
    assert problems(StoryDraft(**GOOD, customer_id="nobody")) == [], "the ack cannot know"
    with pytest.raises(InvalidStory, match="No customer with id 'nobody'") as raised:
        add_story(engine, **GOOD, customer_id="nobody")
    assert raised.value.field == "customer_id"
    with engine.connect() as conn:
        assert conn.execute(select(stories)).first() is None


def test_every_field_of_a_story_has_an_input_in_the_modal() -> None:
    assert set(FIELD_BLOCKS) == set(StoryDraft.model_fields)


def test_the_modal_offers_exactly_the_story_sources() -> None:
    from bot.views.story import SOURCE_BLOCK, story_modal

    [block] = [b for b in story_modal()["blocks"] if b.get("block_id") == SOURCE_BLOCK]
    assert tuple(o["value"] for o in block["element"]["options"]) == SOURCES


def test_a_whitespace_customer_id_means_no_customer() -> None:
    assert StoryDraft(**GOOD, customer_id="   ").customer_id is None
