"""load_document: every supported format becomes clean sections; bad input gets one sentence."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge.chunking import chunk_document
from knowledge.errors import KnowledgeError
from knowledge.loaders import UnreadableFile, document_text, load_document

WriteFile = Callable[[str, str | bytes], Path]
MakePdf = Callable[[list[list[str]]], bytes]
QUESTIONS = Path(__file__).resolve().parents[1] / "data" / "questions_seeds.yaml"


def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


# --- Markdown ---------------------------------------------------------------------------


MARKDOWN = """---
title: Churn i praksis
tags: [churn, retention]
lang: nb
description: Hvordan vi måler kundefrafall.
---

# Ignored when front matter has a title

Intro with a [link to the guide](/guides/churn) and ![a chart](chart.png) here.
<!-- editor note: remove before publishing -->

## Hva er churn?

Churn er andelen kunder som slutter i løpet av en periode.

- First item
- Second item

### Formel

Antall tapte kunder delt på kunder ved periodens start.
"""


def test_markdown_front_matter_fills_title_tags_language_and_description(
    write_file: WriteFile,
) -> None:
    document = load_document(write_file("churn.md", MARKDOWN))
    assert document.title == "Churn i praksis"
    assert document.tags == ["churn", "retention"]
    assert document.language == "no"  # nb is Norwegian
    assert document.description == "Hvordan vi måler kundefrafall."


def test_markdown_headings_become_sections_and_links_are_reduced_to_their_text(
    write_file: WriteFile,
) -> None:
    document = load_document(write_file("churn.md", MARKDOWN))
    headings = [section.heading for section in document.sections]
    assert headings == ["Ignored when front matter has a title", "Hva er churn?", "Formel"]
    text = document_text(document)
    assert "link to the guide" in text
    assert "/guides/churn" not in text
    assert "chart.png" not in text and "a chart" not in text
    assert "editor note" not in text
    assert "- First item" in document.sections[1].text


def test_authored_markdown_keeps_repeated_headings_and_lines_that_look_like_furniture(
    write_file: WriteFile,
) -> None:
    text = (
        "# Onboarding\n\n## Example\n\nFirst example text.\n\nVideo: our welcome call\n\n"
        "## Example\n\nSecond example text.\n"
    )
    document = load_document(write_file("guide.md", text))
    assert [s.heading for s in document.sections] == ["Example", "Example"]
    assert "Video: our welcome call" in document.sections[0].text


def test_markdown_title_falls_back_to_first_h1_then_to_the_file_name(
    write_file: WriteFile,
) -> None:
    with_h1 = load_document(write_file("a.md", "# Kundeservice\n\nVi svarer inden for en time."))
    without = load_document(write_file("customer_service-notes.md", "Just a paragraph of text."))
    assert with_h1.title == "Kundeservice"
    assert without.title == "customer service notes"


def test_comma_separated_tags_are_split_and_unknown_languages_are_detected(
    write_file: WriteFile,
) -> None:
    text = "---\ntags: nps, csat ,\nlanguage: klingon\n---\nWhat is the score of our survey?\n"
    document = load_document(write_file("t.md", text))
    assert document.tags == ["nps", "csat"]
    assert document.language == "en"


def test_content_hash_is_sha256_of_the_raw_bytes_and_source_is_the_path_as_given(
    write_file: WriteFile,
) -> None:
    import hashlib

    path = write_file("h.md", "# Title\n\nSome text.")
    document = load_document(path)
    assert document.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert document.source == str(path)


# --- Plain text -------------------------------------------------------------------------


def test_plain_text_paragraphs_and_heading_like_lines_become_sections(
    write_file: WriteFile,
) -> None:
    text = (
        "Guide til kundetilfredshed\n\n"
        "Sådan måler vi\n\n"
        "Vi spørger kunderne efter hver samtale. Svarene samles hver uge.\n\n"
        "Hvad gør vi med svarene\n"
        "Ledelsen læser de laveste scorer og ringer kunden op.\n"
    )
    document = load_document(write_file("guide.txt", text))
    assert document.title == "Guide til kundetilfredshed"
    assert [s.heading for s in document.sections] == ["Sådan måler vi", "Hvad gør vi med svarene"]
    assert document.language == "da"


def test_an_article_with_front_matter_loads_title_tags_and_sections(documents_dir: Path) -> None:
    document = load_document(documents_dir / "front-matter-article.txt")
    assert document.title == "Kundeservice der holder"
    assert document.tags == ["Service", "Kundeservice"]
    assert document.description.startswith("Kundeservice der holder handler om")
    assert document.language == "da"
    assert "Sådan arbejder teamet" in [s.heading for s in document.sections]
    text = document_text(document)
    assert "](/" not in text and "keywords:" not in text
    assert "Kundeservice måles derfor ikke kun på svartid" in text


def test_page_furniture_is_removed_from_a_scraped_norwegian_page(documents_dir: Path) -> None:
    document = load_document(documents_dir / "scraped-page.txt")
    text = document_text(document)
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    assert document.title == "Hvordan vi bygger lojalitet i butikken"
    assert document.language == "no"
    assert not any(line.startswith(("Video:", "Figur")) for line in lines)
    assert "Anonim" not in lines
    assert "Innholdsfortegnelse" not in text
    assert "2025, Mars" not in text
    assert "Anbefalt" not in text
    assert lines.count("Hvordan vi bygger lojalitet i butikken") <= 1
    assert all(a != b for a, b in zip(lines, lines[1:], strict=False))
    headings = [section.heading for section in document.sections]
    assert "Hva er en fast kunde?" in headings and "Hva gjør de ansatte?" in headings


@pytest.mark.parametrize(
    ("name", "language", "title_start"),
    [
        ("front-matter-article.txt", "da", "Kundeservice der holder"),
        ("scraped-page.txt", "no", "Hvordan vi bygger lojalitet"),
    ],
)
def test_every_sample_document_loads_with_a_sensible_title_language_and_no_empty_sections(
    documents_dir: Path, name: str, language: str, title_start: str
) -> None:
    document = load_document(documents_dir / name)
    assert document.title.startswith(title_start)
    assert document.language == language
    assert len(document.sections) >= 3
    assert all(section.text.strip() for section in document.sections)


def test_furniture_rules_keep_real_content_lines(write_file: WriteFile) -> None:
    text = (
        "Kundeservice\n\n"
        "Video er en god kanal for kundehistorier, og vi bruker den ofte.\n\n"
        "Tidsramme\n"
        "Prosjektet varer i tre måneder.\n"
    )
    document = load_document(write_file("k.txt", text))
    body = document_text(document)
    assert "Video er en god kanal" in body
    assert "Tidsramme" in body


# --- HTML ---------------------------------------------------------------------------------


HTML = """<!doctype html><html><head><title>NPS explained</title>
<style>body { color: red }</style><script>var tracking = "secret-tracker";</script></head>
<body>
<header>Site header text</header>
<nav><a href="/">Home menu item</a></nav>
<h1>Net Promoter Score</h1>
<p>NPS is the share of promoters minus the share of detractors.</p>
<h2>How to ask</h2>
<p>Ask one question: how likely are you to <b>recommend</b> us?</p>
<ul><li>Promoters score 9 or 10.</li><li>Detractors score 0 to 6.</li></ul>
<aside>Related posts sidebar</aside>
<form><label>Subscribe to our newsletter</label></form>
<noscript>Enable JavaScript</noscript>
<footer>Copyright footer</footer>
</body></html>"""


def test_html_keeps_text_and_headings_and_drops_scripts_navigation_and_chrome(
    write_file: WriteFile,
) -> None:
    document = load_document(write_file("nps.html", HTML))
    assert document.title == "NPS explained"
    assert [s.heading for s in document.sections] == ["Net Promoter Score", "How to ask"]
    text = document_text(document)
    assert "how likely are you to recommend us?" in text
    assert "Promoters score 9 or 10." in text
    for chrome in (
        "secret-tracker",
        "color: red",
        "Site header",
        "Home menu",
        "sidebar",
        "newsletter",
        "Enable JavaScript",
        "Copyright",
    ):
        assert chrome not in text
    assert document.language == "en"


def test_html_without_title_uses_the_first_h1(write_file: WriteFile) -> None:
    document = load_document(write_file("x.htm", "<h1>Kundereise</h1><p>Hva kunden opplever.</p>"))
    assert document.title == "Kundereise"


# --- PDF ----------------------------------------------------------------------------------


def test_pdf_text_is_read_page_by_page(write_file: WriteFile, make_pdf: MakePdf) -> None:
    pdf = make_pdf(
        [
            ["Customer retention", "Churn is the share of customers who leave in a period."],
            ["Retention is what remains when churn is taken away."],
        ]
    )
    document = load_document(write_file("retention.pdf", pdf))
    assert [s.heading for s in document.sections] == ["Page 1", "Page 2"]
    assert "Churn is the share of customers who leave" in document.sections[0].text
    assert "Retention is what remains" in document.sections[1].text
    assert document.title == "retention"
    assert document.language == "en"


# --- Bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("image.png", b"\x89PNG\r\n", "unsupported type"),
        ("noext", b"hello", "unsupported type"),
        ("binary.txt", b"abc\x00\x01\x02def", "binary"),
        ("latin1.md", "Kunde tilfredshed: blåbær".encode("latin-1"), "not valid UTF-8"),
        ("empty.txt", b"", "empty"),
        ("blank.md", b"  \n\n\t \n", "empty"),
        ("only-front-matter.md", b"---\ntitle: Nothing\n---\n", "no text"),
        ("corrupt.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog", "PDF"),
        ("fake.pdf", b"this is not a pdf", "PDF"),
        ("empty.pdf", b"", "empty"),
        ("html-without-text.html", b"<html><script>x()</script></html>", "no text"),
    ],
)
def test_bad_input_raises_unreadable_file_with_one_sentence_reason(
    write_file: WriteFile, name: str, content: bytes, reason: str
) -> None:
    path = write_file(name, content)
    with pytest.raises(UnreadableFile) as raised:
        load_document(path)
    message = str(raised.value)
    assert reason in message
    assert name in message
    assert message.endswith(".") and "\n" not in message
    assert raised.value.reason == message
    assert isinstance(raised.value, KnowledgeError)


def test_a_corrupt_pdf_prints_nothing_but_the_error_sentence(
    write_file: WriteFile, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(UnreadableFile):
        load_document(write_file("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog"))
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_utf16_text_with_a_byte_order_mark_is_read_rather_than_called_binary(
    write_file: WriteFile,
) -> None:
    text = "Om churn\n\nChurn er andelen af kunder, der forlader os i en periode."
    document = load_document(write_file("windows.txt", text.encode("utf-16")))
    assert document.sections[0].text.startswith("Churn er andelen")
    assert document.language == "da"


def test_a_missing_file_raises_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="cannot be read"):
        load_document(tmp_path / "gone.md")


def test_a_pdf_without_any_text_is_reported_as_having_no_extractable_text(
    write_file: WriteFile, make_pdf: MakePdf
) -> None:
    with pytest.raises(UnreadableFile, match="no extractable text"):
        load_document(write_file("scan.pdf", make_pdf([[]])))


# --- The question set stays valid ---------------------------------------------------------


def test_the_seed_question_set_has_the_agreed_mix() -> None:
    questions = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    answerable = [q for q in questions if q["kind"] != "off_topic"]
    off_topic = [q for q in questions if q["kind"] == "off_topic"]

    def count(language: str) -> int:
        return sum(q["language"] == language for q in answerable)

    assert len(questions) >= 60
    assert count("da") >= 12 and count("no") >= 12 and count("sv") >= 10 and count("en") >= 15
    assert sum(q["kind"] == "cross_lingual" for q in questions) >= 8
    assert len(off_topic) >= 12
    assert {q["language"] for q in off_topic} == {"da", "no", "sv", "en"}


# --- Crafted input ------------------------------------------------------------------------

# Loads one file in a fresh interpreter with 1 GB of address space, so input that makes a
# loader run away fails that child (MemoryError, or the generous timeout) and not the run.
_LOAD_IN_A_CHILD = textwrap.dedent(
    """
    import resource, sys
    from pathlib import Path
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    from knowledge.loaders import UnreadableFile, load_document
    try:
        document = load_document(Path(sys.argv[1]))
    except UnreadableFile as error:
        print("unreadable:", error)
    else:
        print("sections:", len(document.sections), "title:", document.title[:40])
    """
)


def _load_in_a_child(path: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _LOAD_IN_A_CHILD, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_markdown_built_to_make_the_clean_up_backtrack_loads_in_linear_time(
    write_file: WriteFile,
) -> None:
    """Half a megabyte of the shapes that made the patterns rescan: a heading that is a run
    of spaces (cubic: ~6 s for 1,500 spaces), unclosed emphasis, brackets, links and
    comments (quadratic). Each loads in well under a second now; the child's timeout is
    only there so that a regression fails instead of hanging."""
    crafted = "\n\n".join(
        [
            "# a" + " " * 100_000 + "b",
            "*a " * 30_000,
            "`a " * 30_000,
            "[" * 60_000,
            "![" * 30_000,
            "[a](" * 20_000,
            "<!--" * 20_000,
            "**a " * 20_000,
        ]
    )
    shown = _load_in_a_child(write_file("crafted.md", crafted))
    assert shown.startswith("sections: ")


def test_markdown_closing_hashes_go_but_a_hash_inside_a_word_stays(write_file: WriteFile) -> None:
    path = write_file("h.md", "## Churn ##\n\nText one.\n\n## Learning C#\n\nText two.\n")
    assert [s.heading for s in load_document(path).sections] == ["Churn", "Learning C#"]


def test_an_unclosed_html_comment_is_kept_as_text_and_closed_ones_go(
    write_file: WriteFile,
) -> None:
    path = write_file("c.md", "Keep <!-- gone --> this <!-- and this one is not closed\n")
    assert load_document(path).sections[0].text == "Keep this <!-- and this one is not closed"


def test_front_matter_with_yaml_aliases_is_refused_instead_of_expanded(
    write_file: WriteFile,
) -> None:
    """A billion laughs: 1 KB that reads as 9^9 list items once the title becomes text."""
    levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    bomb = "---\n" + "\n".join(levels) + "\ntitle: *i\n---\n\n# Laughs\n\nBody text.\n"
    assert len(bomb) < 1024
    shown = _load_in_a_child(write_file("laughs.md", bomb))
    assert shown == (
        "unreadable: laughs.md uses YAML aliases (*name) in its front matter, which are not "
        "expanded; write the values out."
    )


# --- Anything at all ----------------------------------------------------------------------


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    suffix=st.sampled_from([".md", ".txt", ".html", ".pdf"]),
    content=st.one_of(
        st.binary(max_size=400),
        st.text(max_size=600).map(lambda text: text.encode("utf-8")),
        st.lists(
            st.sampled_from(["# H", "## Sub", "---", "title: x", "", "Video: x", "Text here."]),
            max_size=12,
        ).map(lambda lines: "\n".join(lines).encode("utf-8")),
    ),
)
def test_any_bytes_give_a_document_with_chunks_or_an_unreadable_file_error(
    write_file: WriteFile, suffix: str, content: bytes
) -> None:
    path = write_file(f"random{suffix}", content)
    try:
        document = load_document(path)
    except UnreadableFile as error:
        assert str(error).endswith(".")
        return
    assert document.sections and all(s.text.strip() for s in document.sections)
    assert document.language in {"da", "no", "sv", "en"}
    chunks = chunk_document(document)
    assert chunks and all(c.text.strip() for c in chunks)
