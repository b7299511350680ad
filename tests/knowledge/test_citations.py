"""Citations people can open: a source is named by its path relative to the ingested folder
(never a server path) and links to its own URL or its folder's mapped base URL; a
summary that says what the body does not is found like any passage."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from knowledge import store_check
from knowledge.chunking import chunk_document
from knowledge.citations import mapped_url, parse_url_map, shown_source, web_url
from knowledge.index import LEXICAL_CACHE, Index, _load_cache
from knowledge.knowledge_base import KnowledgeBase
from knowledge.loaders import load_document

WIKI = "https://wiki.example.com/display/CX/"

RETURNS = """---
title: Returns policy
url: https://intranet.example.com/policies/returns
---

# Returns policy

Customers may return an unused product within thirty days of delivery for a full refund.
The refund is paid to the card the order was paid with, within five working days.
"""

ONBOARDING = """# Onboarding calls

Every new business customer gets an onboarding call from the success team in the first
week. The call walks through the dashboard, the invoice settings and the support channels.
"""

WARRANTY = """---
title: Warranty claims
---

# Warranty claims

A warranty claim for a broken device is filed through the service portal with the serial
number and a photo of the damage. The workshop answers each claim within ten days.
"""


def _docs(folder: Path) -> Path:
    (folder / "policies").mkdir(parents=True)
    (folder / "confluence" / "Customer success").mkdir(parents=True)
    (folder / "policies" / "returns.md").write_text(RETURNS, encoding="utf-8")
    (folder / "confluence" / "Customer success" / "Onboarding | calls.md").write_text(
        ONBOARDING, encoding="utf-8"
    )
    (folder / "warranty.md").write_text(WARRANTY, encoding="utf-8")
    return folder


def _base(tmp_path: Path, **options: object) -> KnowledgeBase:
    return KnowledgeBase(tmp_path / "index", **options)  # type: ignore[arg-type]


# --- what counts as a URL, and the folder map ---------------------------------------------


@pytest.mark.parametrize(
    "url", ["https://wiki.example.com/x", "http://intranet/Page?id=4&v=2", " https://a.example "]
)
def test_http_and_https_urls_with_a_host_are_kept(url: str) -> None:
    assert web_url(url) == url.strip()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)//https://wiki.example.com",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "/srv/docs/returns.md",
        "wiki.example.com/page",
        "https://",
        "https://evil.example|the official form",
        "https://evil.example/>click<",
        "https://a.example/with space",
        "https://[::1",
        None,
        42,
    ],
)
def test_anything_else_is_no_url(url: object) -> None:
    assert web_url(url) is None


def test_the_folder_map_is_read_from_comma_separated_pairs() -> None:
    assert parse_url_map(f" confluence/={WIKI} , drive/=https://drive.example.com/ ,") == {
        "confluence/": WIKI,
        "drive/": "https://drive.example.com/",
    }


@pytest.mark.parametrize(
    ("setting", "named"),
    [
        (f"confluence/={WIKI},drive", "'drive' has no '='"),
        ("confluence/=javascript:alert(1)", "'confluence/=javascript:alert(1)' has no http(s)"),
        (f"/srv/docs/={WIKI}", "needs a folder relative to the ingested one"),
        (f"../elsewhere/={WIKI}", "needs a folder relative to the ingested one"),
        (f"={WIKI}", "needs a folder"),
    ],
)
def test_a_bad_map_entry_is_named_in_one_sentence(setting: str, named: str) -> None:
    with pytest.raises(ValueError, match="the entry") as refused:
        parse_url_map(setting)
    assert named in str(refused.value)
    assert "\n" not in str(refused.value)


def test_the_longest_matching_folder_wins_and_the_rest_of_the_path_is_url_quoted() -> None:
    url_map = {"confluence/": WIKI, "confluence/HR/": "https://hr.example.com/"}
    assert mapped_url("confluence/Customer success/Onboarding | calls.md", url_map) == (
        f"{WIKI}Customer%20success/Onboarding%20%7C%20calls.md"
    )
    assert mapped_url("confluence/HR/Løn #2?.md", url_map) == (
        "https://hr.example.com/L%C3%B8n%20%232%3F.md"
    )
    assert mapped_url("drive/plan.md", url_map) is None


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("/srv/journeybot/docs/policies/returns.md", "returns.md"),
        ("C:\\Users\\ann\\docs\\returns.md", "returns.md"),
        ("policies/returns.md", "policies/returns.md"),
    ],
)
def test_a_source_stored_as_an_absolute_path_is_shown_by_its_file_name(
    stored: str, shown: str
) -> None:
    assert shown_source(stored) == shown


# --- through ingest and ask ---------------------------------------------------------------


def test_sources_are_stored_relative_to_the_ingested_folder_never_as_server_paths(
    tmp_path: Path,
) -> None:
    docs = _docs(tmp_path / "docs")
    index = Index(tmp_path / "index")
    index.ingest([docs, tmp_path / "docs" / "warranty.md"])
    sources = {chunk.source for chunk in index._stored_chunks()}
    assert sources == {
        "policies/returns.md",
        "confluence/Customer success/Onboarding | calls.md",
        "warranty.md",
    }

    named = Index(tmp_path / "named")
    named.ingest([docs / "policies" / "returns.md"])
    assert {chunk.source for chunk in named._stored_chunks()} == {"returns.md"}


def test_a_front_matter_url_and_a_mapped_folder_reach_the_answers_sources(
    tmp_path: Path,
) -> None:
    docs = _docs(tmp_path / "docs")
    base = _base(tmp_path, source_urls={"confluence/": WIKI})
    base.ingest([docs])

    returns = base.ask("What is the returns policy?")
    assert returns.answered, returns
    assert returns.sources[0].url == "https://intranet.example.com/policies/returns"
    assert returns.sources[0].source == "policies/returns.md"

    onboarding = base.ask("What happens in the onboarding call?")
    assert onboarding.answered, onboarding
    assert onboarding.sources[0].url == f"{WIKI}Customer%20success/Onboarding%20%7C%20calls.md"

    warranty = base.ask("How do I file a warranty claim?")
    assert warranty.answered, warranty
    assert warranty.sources[0].url is None
    assert warranty.sources[0].source == "warranty.md"
    for answer in (returns, onboarding, warranty):
        assert str(tmp_path) not in answer.model_dump_json()


def test_changing_the_folder_map_needs_no_re_ingest(tmp_path: Path) -> None:
    docs = _docs(tmp_path / "docs")
    _base(tmp_path).ingest([docs])
    question = "What happens in the onboarding call?"
    assert _base(tmp_path).ask(question).sources[0].url is None
    moved = _base(tmp_path, source_urls={"confluence/Customer success/": "https://cs.example/"})
    assert moved.ask(question).sources[0].url == "https://cs.example/Onboarding%20%7C%20calls.md"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "https://evil.example|the official form",
        "https://evil.example/><!channel>",
        "'https://evil.example/ with space'",
    ],
)
def test_a_hostile_front_matter_url_gives_no_url_and_the_document_is_still_indexed(
    tmp_path: Path, url: str
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "returns.md").write_text(
        RETURNS.replace("https://intranet.example.com/policies/returns", url), encoding="utf-8"
    )
    base = _base(tmp_path)
    assert base.ingest([docs]).added == 1
    answer = base.ask("What is the returns policy?")
    assert answer.answered and answer.sources[0].url is None


def test_an_html_page_links_to_its_canonical_address_else_its_og_url(tmp_path: Path) -> None:
    page = (
        "<html><head><title>Returns</title>{head}</head><body><h1>Returns</h1>"
        "<p>Customers may return a product within thirty days.</p></body></html>"
    )
    canonical = tmp_path / "canonical.html"
    canonical.write_text(
        page.format(
            head='<link rel="canonical" href="https://wiki.example.com/Returns">'
            '<meta property="og:url" content="https://other.example.com/">'
        )
    )
    og = tmp_path / "og.html"
    og.write_text(page.format(head='<meta property="og:url" content="https://a.example/og">'))
    hostile = tmp_path / "hostile.html"
    hostile.write_text(page.format(head='<link rel="canonical" href="javascript:alert(1)">'))
    assert load_document(canonical).url == "https://wiki.example.com/Returns"
    assert load_document(og).url == "https://a.example/og"
    assert load_document(hostile).url == ""


def test_an_index_written_before_relative_sources_shows_file_names_until_re_ingested(
    tmp_path: Path,
) -> None:
    """Such an index stored the path as given to ingest (often absolute) and no `url`."""
    docs = _docs(tmp_path / "docs")
    base = _base(tmp_path)
    base.ingest([docs])
    collection = base.index._chroma()
    stored = collection.get(include=["metadatas", "documents", "embeddings"])
    legacy = []
    for meta in stored["metadatas"]:
        old = {key: value for key, value in meta.items() if key != "url"}
        old["source"] = str(docs / str(meta["source"]))
        legacy.append(old)
    collection.delete(ids=stored["ids"])
    collection.add(
        ids=stored["ids"],
        documents=stored["documents"],
        embeddings=stored["embeddings"],
        metadatas=legacy,
    )
    (tmp_path / "index" / LEXICAL_CACHE).unlink()  # the store changed behind its back
    old = _base(tmp_path)
    answer = old.ask("How do I file a warranty claim?")
    assert answer.sources[0].source == "warranty.md"
    assert str(tmp_path) not in answer.model_dump_json()

    again = old.ingest([docs])
    assert (again.updated, again.unchanged) == (3, 0)  # rewritten, though unchanged on disk
    answer = _base(tmp_path).ask("What happens in the onboarding call?")
    assert answer.sources[0].source == "confluence/Customer success/Onboarding | calls.md"
    assert _base(tmp_path).ingest([docs]).unchanged == 3


def test_a_lexical_cache_of_an_older_format_is_rebuilt_not_used(tmp_path: Path) -> None:
    cache = tmp_path / LEXICAL_CACHE
    with cache.open("wb") as handle:
        pickle.dump(("v1", object()), handle)  # (version, index): the format before urls
    assert _load_cache(cache, "v1") is None


def test_a_damaged_store_is_rebuilt_under_the_names_its_sources_had(tmp_path: Path) -> None:
    docs = _docs(tmp_path / "docs")
    Index(tmp_path / "index").ingest([docs])
    names = store_check.indexed_files(tmp_path / "index")
    assert names == {
        str((docs / "policies" / "returns.md").resolve()): "policies/returns.md",
        str(
            (docs / "confluence" / "Customer success" / "Onboarding | calls.md").resolve()
        ): "confluence/Customer success/Onboarding | calls.md",
        str((docs / "warranty.md").resolve()): "warranty.md",
    }


# --- summaries ----------------------------------------------------------------------------

REFUNDS_WITH_SUMMARY = """---
title: Refund desk
summary: "Refunds above 5,000 kr are approved by Ingrid Halvorsen in finance."
tags: [refunds, finance]
---

# Refund desk

A customer asks for a refund through the order page or by writing to support. Support
checks the order, the delivery date and the condition of the returned goods, and then
pays the money back to the original card.
"""


def test_a_summary_is_found_by_a_question_only_the_summary_answers(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "refunds.md").write_text(REFUNDS_WITH_SUMMARY, encoding="utf-8")
    base = _base(tmp_path)
    base.ingest([docs])
    answer = base.ask("Who approves refunds above 5,000 kr?")
    assert answer.answered, answer
    assert "Ingrid Halvorsen" in answer.answer
    assert answer.sources[0].title == "Refund desk"


def test_a_summary_that_retells_the_body_adds_no_chunk_and_tags_stay_on_the_body(
    tmp_path: Path,
) -> None:
    retelling = REFUNDS_WITH_SUMMARY.replace(
        "Refunds above 5,000 kr are approved by Ingrid Halvorsen in finance.",
        "How support checks a refund and pays the money back to the card.",
    )
    path = tmp_path / "refunds.md"
    path.write_text(retelling, encoding="utf-8")
    [body] = chunk_document(load_document(path))
    assert body.about == "Tags: refunds, finance." and "Refund desk" not in body.text

    path.write_text(REFUNDS_WITH_SUMMARY, encoding="utf-8")
    summary, body = chunk_document(load_document(path))
    assert summary.text == "Refunds above 5,000 kr are approved by Ingrid Halvorsen in finance."
    assert (summary.section, summary.title, summary.about) == ("", "Refund desk", "")
    assert body.about == "Tags: refunds, finance." and body.position == 1


def test_no_starter_corpus_summary_is_indexed_as_they_retell_their_documents() -> None:
    """Their summaries are teasers; as passages they cost answers (knowledge/chunking.py)."""
    corpus = Path(__file__).resolve().parents[2] / "knowledge" / "corpus"
    for path in sorted(corpus.rglob("*.md")):
        document = load_document(path)
        assert document.description, path
        assert chunk_document(document)[0].text != document.description, path
