"""Fusion and the cross-lingual glossary, without a store."""

from __future__ import annotations

from pathlib import Path

from knowledge import glossary
from knowledge.fusion import RETRIEVERS, WEIGHTS, reciprocal_rank_fusion
from knowledge.lexical import LexicalIndex, top_rows
from knowledge.models import Chunk
from knowledge.text import concept_tokens, words


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


def test_concept_tokens_name_one_meaning_alike_in_every_language():
    english = concept_tokens(words("How do we reduce churn?"), "en")
    danish = concept_tokens(words("Sådan mindsker I kundefrafaldet"), "da")
    swedish = concept_tokens(words("Så minskar ni kundbortfallet"), "sv")
    assert "@churn" in english and "@churn" in danish and "@churn" in swedish
    assert "how" not in english and "we" not in english  # question words carry no topic


def test_concept_tokens_keep_names_and_numbers_as_they_are():
    assert {"hsbc", "2027"} <= set(concept_tokens(words("HSBC i 2027"), "da"))


def test_concept_retrieval_ranks_passages_of_every_language_on_equal_terms():
    """An English question whose only answer is Danish meets it ahead of an English
    passage that merely shares one of its words (English stems find only the latter)."""
    lexical = LexicalIndex(
        [
            _chunk(0, "Kundefrafaldet falder, når onboardingen viser værdien hurtigt.", "da"),
            _chunk(1, "We reduce the number of meetings every year.", "en"),
            _chunk(2, "Priserne på kaffe steg i tredje kvartal.", "da"),
        ]
    )
    question = "How do we reduce churn?"
    assert top_rows(lexical.stem_scores(question, "en"), 3) == [1]
    assert top_rows(lexical.concept_scores(question, "en"), 3)[0] == 0


def test_the_translated_query_does_not_search_english_function_words_in_scandinavian_text(
    tmp_path,
):
    """'the', 'are', 'of' are no Danish stopwords: searched with the Danish stemmer they
    ranked English passages first for the question's Danish translation."""
    from knowledge.index import Index

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "survey.md").write_text(
        "# Survey\n\nThe results of the survey are in the report of the team.\n",
        encoding="utf-8",
    )
    (docs / "rejse.md").write_text(
        "# Kunderejsen\n\nKunderejsen har fem trin fra opdagelse til genkøb.\n",
        encoding="utf-8",
    )
    index = Index(tmp_path / "index")
    index.ingest([docs])
    rows = index.rankings("What are the stages of the customer journey?", "en")["glossary"]
    lexical = index._refresh_lexical()
    assert [Path(lexical.chunks[row].source).name for row in rows] == ["rejse.md"]


def test_a_concept_named_only_inside_a_compound_counts_towards_its_document_frequency():
    """Abstention weighs a concept no passage names as missing: the Norwegian
    'hotellkjede' names the hotel, though no word of the text is 'hotell' itself."""
    lexical = LexicalIndex(
        [
            _chunk(0, "Hotellkjeden lar hver ansatt bruke penger på gjesten.", "no"),
            _chunk(1, "Priserne på kaffe steg i tredje kvartal.", "da"),
        ]
    )
    assert lexical.concept_rows["hotel"] == 1 and lexical.concept_rows["guest"] == 1


def test_a_question_word_inside_a_glossary_phrase_carries_the_phrase():
    """'gang' alone is 'times' (a question word); in 'komme i gang' it means getting started,
    which the section 'Sådan kommer I i gang' is about."""
    from knowledge.text import content_terms

    terms = content_terms("Hvordan kommer vi i gang med kundearbejdet?", "da")
    assert any("get_started" in term.concepts for term in terms)
    assert not any(term.concepts for term in content_terms("Hvor mange gange?", "da"))
