"""chunk_document: structure-following chunks of paragraph size with stable ids."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from knowledge.chunking import MAX_CHARS, chunk_document, chunk_id
from knowledge.loaders import load_document
from knowledge.models import Document, Section


def _document(sections: list[Section], source: str = "notes/guide.md") -> Document:
    return Document(
        source=source,
        title="Guide",
        language="da",
        sections=sections,
        content_hash="x",
    )


def _sentences(count: int, start: int = 0) -> str:
    return " ".join(
        f"Sætning nummer {i} handler om kunder og deres oplevelse hos os."
        for i in range(start, start + count)
    )


def test_each_chunk_carries_title_section_source_language_and_position() -> None:
    document = _document([Section(heading="Churn", text=_sentences(8))])
    (chunk,) = chunk_document(document)
    assert chunk.title == "Guide"
    assert chunk.section == "Churn"
    assert chunk.source == "notes/guide.md"
    assert chunk.language == "da"
    assert chunk.position == 0


def test_ids_come_from_source_and_position_so_an_edited_file_replaces_its_chunks() -> None:
    before = chunk_document(_document([Section(heading="A", text=_sentences(30))]))
    after = chunk_document(_document([Section(heading="A", text=_sentences(30, start=5))]))
    assert [c.id for c in before] == [c.id for c in after]
    assert [c.text for c in before] != [c.text for c in after]
    digest = hashlib.sha1(b"notes/guide.md").hexdigest()[:12]
    assert before[0].id == f"{digest}-0000" == chunk_id("notes/guide.md", 0)
    assert len({c.id for c in before}) == len(before)


def test_different_sources_never_share_an_id() -> None:
    one = chunk_document(_document([Section(text=_sentences(5))], source="a.md"))
    two = chunk_document(_document([Section(text=_sentences(5))], source="b.md"))
    assert one[0].id != two[0].id


def test_long_sections_split_between_paragraphs_near_the_target_size() -> None:
    paragraphs = "\n\n".join(_sentences(4, start=i * 4) for i in range(12))  # ~250 chars each
    chunks = chunk_document(_document([Section(heading="Long", text=paragraphs)]))
    assert len(chunks) > 1
    assert all(300 <= len(c.text) <= 1000 for c in chunks)
    # every paragraph survives whole, in order
    assert "\n\n".join(c.text for c in chunks) == paragraphs


def test_a_huge_paragraph_is_split_between_sentences_never_mid_sentence() -> None:
    paragraph = _sentences(60)  # ~3,800 characters, one paragraph
    chunks = chunk_document(_document([Section(heading="Huge", text=paragraph)]))
    assert len(chunks) >= 3
    for chunk in chunks:
        assert len(chunk.text) <= MAX_CHARS
        assert chunk.text.startswith("Sætning") and chunk.text.endswith("hos os.")
    assert " ".join(c.text for c in chunks) == paragraph


def test_a_single_sentence_over_the_cap_is_cut_at_words_as_a_last_resort() -> None:
    sentence = " ".join(["kundeoplevelse"] * 400) + "."
    chunks = chunk_document(_document([Section(text=sentence)]))
    assert len(chunks) >= 4
    assert all(len(c.text) <= MAX_CHARS for c in chunks)
    assert all(not c.text.startswith(" ") and "kundeopl " not in c.text for c in chunks)


def test_short_sections_merge_forward_instead_of_becoming_tiny_chunks() -> None:
    sections = [
        Section(heading="Intro", text="Kort indledning."),
        Section(heading="Måling", text="Vi måler NPS hver måned."),
        Section(heading="Detaljer", text=_sentences(8)),
    ]
    chunks = chunk_document(_document(sections))
    assert len(chunks) == 1
    assert chunks[0].section == "Intro"
    assert "Måling" in chunks[0].text and "Vi måler NPS hver måned." in chunks[0].text
    assert "Detaljer" in chunks[0].text


def test_a_short_last_section_joins_the_chunk_before_it() -> None:
    sections = [
        Section(heading="Hoveddel", text=_sentences(8)),
        Section(heading="Afslutning", text="Tak for nu."),
    ]
    chunks = chunk_document(_document(sections))
    assert len(chunks) == 1
    assert chunks[0].text.endswith("Afslutning\n\nTak for nu.")


def test_no_chunk_is_ever_empty() -> None:
    sections = [Section(heading="Tom", text="  \n\n  "), Section(text=_sentences(3))]
    chunks = chunk_document(_document(sections))
    assert chunks and all(c.text.strip() for c in chunks)


CORPUS = Path(__file__).resolve().parents[2] / "knowledge" / "corpus"
ARTICLES = sorted(CORPUS.glob("*/*.md"))


@pytest.mark.parametrize("path", ARTICLES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_articles_chunk_into_paragraph_sized_pieces_that_keep_every_word(path: Path) -> None:
    document = load_document(path)
    chunks = chunk_document(document)
    assert [c.position for c in chunks] == list(range(len(chunks)))
    assert all(len(c.text) <= MAX_CHARS for c in chunks)
    assert sum(len(c.text) < 150 for c in chunks) <= 1  # only a short tail stands alone
    body_words = re.findall(r"\w+", " ".join(s.text for s in document.sections))
    chunk_words = re.findall(r"\w+", " ".join(c.text for c in chunks))
    assert set(body_words) <= set(chunk_words)


def test_a_scraped_page_without_markup_chunks_into_pieces_that_keep_every_word(
    documents_dir: Path,
) -> None:
    document = load_document(documents_dir / "scraped-page.txt")
    chunks = chunk_document(document)
    assert chunks and all(len(c.text) <= MAX_CHARS for c in chunks)
    body_words = re.findall(r"\w+", " ".join(s.text for s in document.sections))
    assert set(body_words) <= set(re.findall(r"\w+", " ".join(c.text for c in chunks)))


def test_chunking_the_same_document_twice_gives_identical_chunks() -> None:
    document = load_document(CORPUS / "da" / "nps-net-promoter-score.md")
    assert chunk_document(document) == chunk_document(document)


def test_every_corpus_question_passage_lies_inside_exactly_one_chunk() -> None:
    """Retrieval is scored by finding a question's `contains` passage in a returned chunk,
    so a chunk boundary must never cut one in two."""
    import yaml

    questions = yaml.safe_load(
        (Path(__file__).resolve().parents[1] / "data" / "questions_corpus.yaml").read_text("utf-8")
    )

    def norm(text: str) -> str:
        return re.sub(r"\s+", " ", text).strip().lower()

    chunks = {
        path.name: [norm(c.text) for c in chunk_document(load_document(path))] for path in ARTICLES
    }
    for item in questions:
        if item["kind"] == "off_topic":
            continue
        found = [text for text in chunks[item["source"]] if norm(item["contains"]) in text]
        assert len(found) == 1, item
