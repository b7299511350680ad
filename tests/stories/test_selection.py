"""Which story goes out next: consent first, then newest, rotating segments, never twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert
from sqlalchemy.engine import Engine

from knowledge.language import detect
from metrics.schema import stories
from metrics.stories.adding import add_story
from metrics.stories.approvals import decide
from metrics.stories.claims import claim_week, record_post
from metrics.stories.selection import candidates, is_consented, next_story, story_for_review
from metrics.stories.validation import InvalidStory
from tests.stories.story_rows import T0, add_customer, add_nps, add_resolved_ticket

PRAISE = "Ordren kom hurtigt, og jeg fik hjælp med det samme af jeres support."


def _post(engine: Engine, key: str, week: str) -> None:
    assert claim_week(engine, "C1", week, claimed_by="test").state == "won"
    record_post(engine, "C1", week, claimed_by="test", story_key=key, message_ts="1.0")


def test_a_promoter_comment_without_consent_is_never_a_candidate(engine: Engine) -> None:
    add_customer(engine, "c1", "Mette Frederiksen")
    add_nps(engine, "n1", "c1", 10, PRAISE, consent=False)
    assert candidates(engine, detect_language=detect) == []
    assert candidates(engine, detect_language=detect, allow_repeats=True) == []
    assert next_story(engine, detect_language=detect) is None
    assert not is_consented(engine, "nps:n1")


def test_a_consented_promoter_comment_becomes_a_redacted_card(engine: Engine) -> None:
    add_customer(engine, "c1", "Mette Frederiksen", segment="smb", country="DK")
    add_nps(engine, "n1", "c1", 10, f"Mette her: {PRAISE} Ring 12 34 56 78.", consent=True)
    card = next_story(engine, detect_language=detect)
    assert card is not None and card.key == "nps:n1"
    assert "Mette" not in card.body and "12 34 56 78" not in card.body
    assert card.who == "en SMB-kunde i Danmark"
    assert card.language == "da" and card.source_label == "NPS-kommentar"
    assert card.kpi_line == "NPS-score givet: 10"


def test_passives_and_detractors_are_not_stories(engine: Engine) -> None:
    add_customer(engine, "c1", "Ole Olsen")
    add_nps(engine, "n1", "c1", 8, PRAISE, consent=True)
    add_nps(engine, "n2", "c1", 3, PRAISE, consent=True, at=T0 + timedelta(days=1))
    assert candidates(engine, detect_language=detect) == []


def test_a_ticket_story_needs_the_customers_latest_nps_consent(engine: Engine) -> None:
    add_customer(engine, "c1", "Kari Nordmann", country="NO")
    add_resolved_ticket(engine, "t1", "c1", T0, hours=6, csat=5)
    assert candidates(engine, detect_language=detect) == [], "no consent anywhere: no ticket story"
    add_nps(engine, "n1", "c1", 7, None, consent=True, at=T0 - timedelta(days=30))
    [card] = candidates(engine, detect_language=detect)
    assert card.key == "ticket:t1" and card.kpi_line == "CSAT etter løsning: 5/5, løst på 6 h"
    assert card.language == "no" and "Kari" not in card.body
    assert card.body.startswith(
        "En SMB-kunde i Norge kontaktet oss via e-post. Saken ble løst på 6 h"
    )
    add_nps(engine, "n2", "c1", 9, None, consent=False, at=T0 + timedelta(days=3))
    assert candidates(engine, detect_language=detect) == [], "a later 'no' withdraws the consent"
    assert not is_consented(engine, "ticket:t1")


def test_a_ticket_needs_a_good_csat_within_fourteen_days(engine: Engine) -> None:
    add_customer(engine, "c1", "Anna Svensson", country="SE")
    add_nps(engine, "n0", "c1", 6, None, consent=True, at=T0 - timedelta(days=90))
    add_resolved_ticket(engine, "t-bad", "c1", T0, hours=2, csat=3)
    add_resolved_ticket(
        engine,
        "t-late",
        "c1",
        T0 - timedelta(days=60),
        hours=2,
        csat=5,
        csat_after=timedelta(days=20),
    )
    assert [card.key for card in candidates(engine, detect_language=detect)] == []


def test_stories_rotate_segments_and_never_repeat(engine: Engine) -> None:
    add_customer(engine, "a", "Alfa Kunde", segment="smb")
    add_customer(engine, "b", "Beta Kunde", segment="enterprise")
    for index, (customer, days) in enumerate([("a", 3), ("a", 2), ("b", 1)]):
        add_story(
            engine,
            title=f"Historie {index}",
            body=PRAISE,
            source="interview",
            consent=True,
            customer_id=customer,
            story_id=f"s{index}",
            now=T0 + timedelta(days=days),
        )
    first = next_story(engine, detect_language=detect)
    assert first is not None and first.key == "story:s0", "newest first"
    _post(engine, first.key, "2026-W45")
    second = next_story(engine, detect_language=detect)
    assert second is not None and second.key == "story:s2", "a different segment beats newer"
    _post(engine, second.key, "2026-W46")
    third = next_story(engine, detect_language=detect)
    assert third is not None and third.key == "story:s1"
    _post(engine, third.key, "2026-W47")
    assert next_story(engine, detect_language=detect) is None, "nothing new: no repeats"
    assert next_story(engine, detect_language=detect, allow_repeats=True) is not None


def test_a_story_without_consent_cannot_be_added_nor_selected(engine: Engine) -> None:
    with pytest.raises(InvalidStory, match="consent"):
        add_story(engine, title="Uden samtykke", body=PRAISE, source="interview", consent=False)
    with engine.begin() as conn:
        conn.execute(
            insert(stories).values(
                story_id="imported",
                title="Importeret uden samtykke",
                body=PRAISE,
                source="interview",
                consent=False,
                created_at=T0,
            )
        )
    assert candidates(engine, detect_language=detect, allow_repeats=True) == []
    assert not is_consented(engine, "story:imported")


def test_a_storys_nps_line_shows_only_a_score_the_customer_agreed_to_share(
    engine: Engine,
) -> None:
    # The story itself is consented; the customer's newest survey answer is not to be shared.
    add_customer(engine, "c1", "Mette Frederiksen")
    add_nps(engine, "shared", "c1", 9, None, consent=True, at=T0 - timedelta(days=60))
    add_nps(engine, "private", "c1", 3, None, consent=False, at=T0 - timedelta(days=2))
    add_story(
        engine,
        title="Hurtig hjælp",
        body=PRAISE,
        source="interview",
        consent=True,
        customer_id="c1",
        story_id="s1",
        now=T0,
    )
    add_customer(engine, "c2", "Ole Olsen")
    add_nps(engine, "only-private", "c2", 2, None, consent=False, at=T0 - timedelta(days=2))
    add_story(
        engine,
        title="Godt svar",
        body=PRAISE,
        source="interview",
        consent=True,
        customer_id="c2",
        story_id="s2",
        now=T0,
    )
    lines = {card.key: card.kpi_line for card in candidates(engine, detect_language=detect)}
    assert lines["story:s1"] == "NPS-score givet: 9"
    assert lines["story:s2"] == "Ingen KPI koblet til endnu"


def test_a_pending_story_is_shown_to_approvers_but_selected_only_once_approved(
    engine: Engine,
) -> None:
    add_story(
        engine,
        title="Hurtig hjælp",
        body=f"{PRAISE} Ring 12 34 56 78.",
        source="slack",
        consent=True,
        story_id="s1",
        approval="pending",
    )
    assert candidates(engine, detect_language=detect) == [] and not is_consented(engine, "story:s1")
    review = story_for_review(engine, "s1", detect_language=detect)
    assert review is not None and "12 34 56 78" not in review.body
    first = decide(engine, "s1", approve=True, decided_by="U0BOSS", now=T0)
    later = decide(engine, "s1", approve=False, decided_by="U0CHIEF")
    assert first is not None and first.decided_now and first.approval == "approved"
    assert later is not None and not later.decided_now
    assert (later.approval, later.decided_by, later.decided_at) == ("approved", "U0BOSS", T0)
    assert [card.key for card in candidates(engine, detect_language=detect)] == ["story:s1"]
    assert decide(engine, "nope", approve=True, decided_by="U0BOSS") is None
