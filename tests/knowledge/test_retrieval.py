"""Fusion and the cross-lingual glossary, without a store."""

from __future__ import annotations

from knowledge import glossary
from knowledge.fusion import RETRIEVERS, WEIGHTS, reciprocal_rank_fusion
from knowledge.lexical import LexicalIndex, top_rows
from knowledge.models import Chunk
from knowledge.text import words


def test_fusion_rewards_agreement_between_retrievers():
    fused = reciprocal_rank_fusion({"stem": [1, 2, 3], "char": [2, 3, 1]}, {"stem": 1, "char": 1})
    assert [row for row, _ in fused][0] == 2


def test_a_retriever_with_weight_zero_does_not_vote():
    fused = reciprocal_rank_fusion({"stem": [1], "dense": [2]}, {"stem": 1.0, "dense": 0.0})
    assert [row for row, _ in fused] == [1]


def test_every_question_language_has_weights_for_every_retriever():
    for language in ("da", "no", "sv", "en"):
        assert set(WEIGHTS[language]) == set(RETRIEVERS)


def _concepts_in(text: str) -> set[str]:
    return set().union(*glossary.concepts_at(words(text)))


def test_an_english_question_is_translated_into_the_scandinavian_words():
    translated = glossary.translations("What is customer churn?", "en")
    assert "kundefrafald" in translated["da"]["churn"]
    assert "kundeavgang" in translated["no"]["churn"]
    assert "kundbortfall" in translated["sv"]["churn"]
    assert all("what" not in forms for forms in translated["da"].values())


def test_concepts_are_found_in_every_direction():
    assert "churn" in _concepts_in("Hvad betyder kundefrafaldet?")
    assert "satisfaction" in _concepts_in("Hur mäter man kundnöjdhet?")
    assert "consent" in _concepts_in("Do we need consent?")


def test_a_phrase_wins_over_the_single_words_inside_it():
    names = _concepts_in("How do we protect personal data?")
    assert "personal_data" in names and "employee" not in names


def test_a_scandinavian_compound_names_the_concepts_of_its_parts():
    assert {"customer", "churn"} <= glossary.concepts_of(
        "kundeafgangsraten"
    ) | glossary.concepts_of("kundefrafald") or "churn" in glossary.concepts_of("kundefrafaldet")


def test_fusion_breaks_ties_by_key_so_equal_scores_always_come_out_in_one_order():
    fused = reciprocal_rank_fusion({"a": ["c2", "c1"], "b": ["c1", "c2"]}, {"a": 1, "b": 1})
    assert [key for key, _ in fused] == ["c1", "c2"]


def _chunk(n: int, text: str, language: str = "da") -> Chunk:
    return Chunk(
        id=f"c{n}",
        text=text,
        title="",
        section="",
        source=f"{n}.md",
        language=language,
        position=0,
    )


def test_bm25_stems_match_inflected_forms_and_char_ngrams_match_compounds():
    lexical = LexicalIndex(
        [
            _chunk(0, "Kunderne forlader virksomheden, når oplevelsen svigter."),
            _chunk(1, "Kundefrafaldet steg i tredje kvartal."),
            _chunk(2, "Priserne på kaffe steg."),
        ]
    )
    assert top_rows(lexical.stem_scores("kunder forlader", "da"), 3)[0] == 0
    assert top_rows(lexical.char_scores("frafald"), 3)[0] == 1
    assert top_rows(lexical.stem_scores("ingenting her", "da"), 3) == []
