"""Documents keep their structure: headings, lists, tables, sentences and front matter."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.chunking import MAX_CHARS, chunk_document
from knowledge.lexical import indexed_text
from knowledge.loaders import load_document
from knowledge.models import Document, Section
from knowledge.passage import parts
from knowledge.sentences import split_sentences


def _load(tmp_path: Path, name: str, text: str) -> Document:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_document(path)


def _sections(document: Document) -> list[tuple[str, str]]:
    return [(section.heading, section.text) for section in document.sections]


def test_a_short_plain_text_line_with_a_colon_before_a_paragraph_is_a_heading(
    tmp_path: Path,
) -> None:
    text = (
        "Segmentering i praksis\n\n"
        "Første trin: Datadrevet segmentering\n"
        "Vi samler data om kunderne. Derefter grupperer vi dem.\n\n"
        "Andet trin: Personas\n"
        "Vi skriver en persona for hvert segment.\n"
    )
    document = _load(tmp_path, "segmentering.txt", text)
    assert [heading for heading, _ in _sections(document)] == [
        "Første trin: Datadrevet segmentering",
        "Andet trin: Personas",
    ]


def test_setext_underlines_are_headings_and_a_rule_is_not_text(tmp_path: Path) -> None:
    text = (
        "Churn playbook\n==============\n\nChurn is the share of customers who leave.\n\n"
        "Who acts\n--------\n\nThe account owner calls within a week.\n\n---\n\nThen we log it.\n"
    )
    document = _load(tmp_path, "playbook.md", text)
    assert document.title == "Churn playbook"
    assert _sections(document) == [
        ("Churn playbook", "Churn is the share of customers who leave."),
        ("Who acts", "The account owner calls within a week.\n\nThen we log it."),
    ]


def test_markdown_list_items_stay_one_per_line_with_their_marker(tmp_path: Path) -> None:
    text = (
        "# Steps\n\nDo this:\n\n- Call the customer\n  within a week\n- Offer a plan\n\n"
        "1. Log the call\n2. Close the case\n"
    )
    document = _load(tmp_path, "steps.md", text)
    assert document.sections[0].text == (
        "Do this:\n\n- Call the customer within a week\n- Offer a plan\n\n"
        "1. Log the call\n2. Close the case"
    )


def test_a_markdown_table_becomes_one_readable_line_per_row_under_its_heading(
    tmp_path: Path,
) -> None:
    text = (
        "## Churn by segment\n\n"
        "| Segment | Churn | Note |\n|:---|---:|---|\n"
        "| SMB | 4 % | **high** |\n| Enterprise | 1 % | |\n\nReviewed monthly.\n"
    )
    document = _load(tmp_path, "churn.md", text)
    assert _sections(document) == [
        (
            "Churn by segment",
            "- Segment: SMB; Churn: 4 %; Note: high\n- Segment: Enterprise; Churn: 1 %\n\n"
            "Reviewed monthly.",
        )
    ]
    assert "|" not in document.sections[0].text and "---" not in document.sections[0].text


CONFLUENCE_PAGE = """<html><head><title>Churn playbook</title></head><body>
<nav>Spaces</nav>
<div id="main-content" class="wiki-content"><div class="innerCell">
<h1>Churn playbook</h1>
<div class="panel">Churn is measured every month.<div>It counts customers who left.
<span>The owner calls within 30 days.</span></div></div>
<section>Results go to the Monday meeting.</section>
<h2>Steps</h2>
<ol><li>Call the customer</li><li>Offer a plan<ul><li>a discount</li></ul></li></ol>
<table><tr><th>Segment</th><th>Churn</th></tr><tr><td>SMB</td><td>4 %</td></tr></table>
</div></div></body></html>"""


def test_html_keeps_text_inside_nested_divs_sections_and_spans(tmp_path: Path) -> None:
    document = _load(tmp_path, "playbook.html", CONFLUENCE_PAGE)
    first = document.sections[0]
    assert first.heading == "Churn playbook"
    for sentence in (
        "Churn is measured every month.",
        "It counts customers who left.",
        "The owner calls within 30 days.",
        "Results go to the Monday meeting.",
    ):
        assert sentence in first.text
    assert "Spaces" not in first.text


def test_html_lists_and_tables_become_marked_lines(tmp_path: Path) -> None:
    document = _load(tmp_path, "playbook.html", CONFLUENCE_PAGE)
    steps = document.sections[1]
    assert steps.heading == "Steps"
    assert steps.text == (
        "1. Call the customer\n2. Offer a plan\n- a discount\n\n- Segment: SMB; Churn: 4 %"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Vi har ca. 20 % churn. Mødet er kl. 14 i dag.",
            ["Vi har ca. 20 % churn.", "Mødet er kl. 14 i dag."],
        ),
        (
            "Vi tæller bl.a. Norge, f.eks. Oslo og fx. Bergen. Se nr. 5.",
            ["Vi tæller bl.a. Norge, f.eks. Oslo og fx. Bergen.", "Se nr. 5."],
        ),
        (
            "Vi mäter t.ex. NPS, dvs. Lojalitet mv. Kunder, partner m.fl. Nästa steg.",
            ["Vi mäter t.ex. NPS, dvs. Lojalitet mv.", "Kunder, partner m.fl.", "Nästa steg."],
        ),
        (
            "Measure e.g. NPS and i.e. CSAT vs. CES etc. Then act! Call osv. Done.",
            ["Measure e.g. NPS and i.e. CSAT vs. CES etc.", "Then act!", "Call osv.", "Done."],
        ),
    ],
)
def test_sentences_split_at_their_ends_but_not_after_abbreviations(
    text: str, expected: list[str]
) -> None:
    assert split_sentences(text) == expected


def test_the_answerer_and_the_chunker_use_the_same_sentence_splitter() -> None:
    prose = "Churn er ca. 4 % om måneden. Det måles bl.a. Pr. segment."
    assert [line.text for part in parts(prose) for line in part.lines] == split_sentences(prose)
    long = " ".join(["Vi ringer kl. 9 til kunden, som har ca. 20 ordrer i alt."] * 40)
    document = Document(
        source="a.md",
        title="A",
        language="da",
        sections=[Section(heading="", text=long)],
        content_hash="x",
    )
    for chunk in chunk_document(document):
        assert not chunk.text.endswith(("kl.", "ca.")), chunk.text[-40:]


def test_a_long_list_is_split_between_its_items_and_keeps_one_item_per_line() -> None:
    items = "\n".join(f"- Item {n}: call the customer and log the outcome." for n in range(80))
    document = Document(
        source="a.md",
        title="A",
        language="en",
        sections=[Section(heading="Steps", text=items)],
        content_hash="x",
    )
    chunks = chunk_document(document)
    assert len(chunks) > 1 and all(len(chunk.text) <= MAX_CHARS for chunk in chunks)
    for chunk in chunks:
        assert all(line.startswith("- Item ") for line in chunk.text.split("\n"))


def test_front_matter_tags_are_searchable_on_the_bodys_first_chunk_but_not_quoted(
    tmp_path: Path,
) -> None:
    text = (
        "---\ntitle: Onboarding\nsummary: How new customers reach first value quickly.\n"
        "tags: [activation, time-to-value]\n---\n\n# Onboarding\n\n"
        "Show the product's value in the first week.\n"
    )
    # The summary says more than the body, so it is a chunk of its own, before the body.
    summary, body = chunk_document(_load(tmp_path, "onboarding.md", text))
    searchable = indexed_text(body)
    assert "activation" in searchable and "time-to-value" in searchable
    assert "activation" not in body.text  # retrieval ranks it; answers do not quote it
    assert "activation" not in indexed_text(summary)
