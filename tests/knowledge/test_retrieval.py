"""Fusion and the cross-lingual lexicon, without a store."""

from __future__ import annotations

from knowledge.lexical import LexicalIndex, top_rows
from knowledge.lexicon import concepts_in, load_lexicon, translations
from knowledge.models import Chunk
from knowledge.retrieval import RETRIEVERS, WEIGHTS, reciprocal_rank_fusion


def test_fusion_rewards_agreement_between_retrievers():
    fused = reciprocal_rank_fusion({"stem": [1, 2, 3], "char": [2, 3, 1]}, {"stem": 1, "char": 1})
    assert [row for row, _ in fused][0] == 2


def test_a_retriever_with_weight_zero_does_not_vote():
    fused = reciprocal_rank_fusion({"stem": [1], "dense": [2]}, {"stem": 1.0, "dense": 0.0})
    assert [row for row, _ in fused] == [1]


def test_every_question_language_has_weights_for_every_retriever():
    for language in ("da", "no", "sv", "en"):
        assert set(WEIGHTS[language]) == set(RETRIEVERS)


def test_the_lexicon_has_at_least_forty_concepts_named_in_all_four_languages():
    concepts = load_lexicon()
    assert len(concepts) >= 40
    for concept in concepts:
        assert all(concept.terms[language] for language in ("da", "no", "sv", "en")), concept


def test_an_english_question_is_translated_into_the_scandinavian_words():
    translated = translations("What is customer churn?", "en")
    assert "kundefrafald" in translated["da"].split()
    assert "kundeavgang" in translated["no"].split()
    assert "kundbortfall" in translated["sv"].split()
    assert "what" not in translated["da"].split()


def test_concepts_are_found_in_every_direction():
    assert "churn" in {c.name for c in concepts_in("Hvad betyder kundefrafaldet?")}
    assert "satisfaction" in {c.name for c in concepts_in("Hur mäter man kundnöjdhet?")}
    assert "consent" in {c.name for c in concepts_in("Do we need consent?")}


def test_a_phrase_wins_over_the_single_words_inside_it():
    names = {c.name for c in concepts_in("How do we protect personal data?")}
    assert "personal_data" in names and "employee" not in names


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
