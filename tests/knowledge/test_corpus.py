"""The starter knowledge base (knowledge/corpus/) and its question set.

The corpus is product content: the bot can only answer what these articles say, so the
tests hold it to the promises the answers rely on — every article loads, says which
language it is in (and really is), every topic exists in at least two languages, every
KPI journeybot computes is documented with its /kpi command, and the question set points
at passages that exist and that retrieval actually finds.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.language import detect
from knowledge.loaders import document_text, load_document
from knowledge.models import Document

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "knowledge" / "corpus"
QUESTIONS_FILE = REPO / "tests" / "data" / "questions_corpus.yaml"
LANGUAGES = ("da", "no", "sv", "en")
REQUIRED_FRONT_MATTER = ("title", "language", "tags", "summary")

# Topic tags (language-neutral, English) that must each be covered in two languages or more.
TOPICS = (
    "customer-centricity",
    "customer-focused",
    "nps",
    "csat",
    "churn",
    "retention",
    "clv",
    "time-to-resolution",
    "revenue-share-existing",
    "checkout-completion",
    "aov",
    "purchase-frequency",
    "segmentation",
    "personas",
    "customer-journey",
    "culture",
    "leadership",
    "empathy",
    "storytelling",
    "cross-functional",
    "mistakes",
    "data-ethics",
    "gdpr",
    "consent",
    "crm",
    "automation",
    "onboarding",
    "feedback",
    "loyalty",
    "journeybot",
)
KPI_NAMES = (
    "nps",
    "csat",
    "churn_rate",
    "retention_rate",
    "time_to_resolution",
    "revenue_share_existing",
    "checkout_completion",
    "aov",
    "clv",
    "purchase_frequency",
)

# recall@3 floors: a question counts as found when a top-3 hit comes from its `source` or
# one of its `also` articles. Measured on 2026-12-01 on top of 4c3f105 with
# knowledge.index.Index (wordllama + BM25 + glossary fusion), after
# en/churn-retention-and-clv.md was added: da 14/14, no 15/15, sv 12/12, en 21/21
# in-domain, and 4/9 cross-lingual (English questions answered only in Scandinavian
# articles; the four churn/CLV questions that used to be cross-lingual now have an English
# answer and count as in-domain, so the cross-lingual set is harder than before). Each
# floor is the measured count minus one miss, so retrieval tuning elsewhere has a little
# room; falling below it means the corpus or the retriever got worse at finding answers.
RECALL_FLOORS = {
    ("da", "in_domain"): 0.92,
    ("no", "in_domain"): 0.93,
    ("sv", "in_domain"): 0.91,
    ("en", "in_domain"): 0.95,
    ("en", "cross_lingual"): 0.33,
}


def _articles() -> list[Path]:
    return sorted(CORPUS.rglob("*.md"))


def _front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path.name} does not start with YAML front matter"
    block = text.split("---\n", 2)[1]
    meta = yaml.safe_load(block)
    assert isinstance(meta, dict), f"{path.name} front matter is not a mapping"
    return meta


def _body(document: Document) -> str:
    return "\n\n".join(section.text for section in document.sections)


def _questions() -> list[dict[str, Any]]:
    items = yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))
    assert isinstance(items, list)
    return items


ARTICLES = _articles()
ARTICLE_IDS = [f"{path.parent.name}/{path.name}" for path in ARTICLES]
BY_NAME = {path.name: path for path in ARTICLES}
QUESTIONS = _questions()
ANSWERABLE = [q for q in QUESTIONS if q["kind"] != "off_topic"]


# --- articles ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ARTICLES, ids=ARTICLE_IDS)
def test_every_article_loads_with_complete_front_matter(path: Path) -> None:
    meta = _front_matter(path)
    missing = [key for key in REQUIRED_FRONT_MATTER if not meta.get(key)]
    assert not missing, f"{path.name} lacks front matter: {missing}"
    assert isinstance(meta["tags"], list) and all(isinstance(t, str) for t in meta["tags"])

    document = load_document(path)
    assert document.title == meta["title"]
    assert document.language == meta["language"]
    assert document.tags == meta["tags"]
    assert document.description, "the summary should become the document description"


@pytest.mark.parametrize("path", ARTICLES, ids=ARTICLE_IDS)
def test_every_article_is_written_in_the_language_it_declares(path: Path) -> None:
    declared = _front_matter(path)["language"]
    assert declared == path.parent.name, f"{path.name} sits in the wrong language folder"
    assert detect(_body(load_document(path))) == declared


@pytest.mark.parametrize("path", ARTICLES, ids=ARTICLE_IDS)
def test_every_article_is_a_readable_length_with_section_headings(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    body = text.split("---\n", 2)[2]
    assert 2_000 <= len(body) <= 6_000, f"{path.name} body has {len(body)} characters"
    headings = [line for line in body.splitlines() if line.startswith("## ")]
    assert len(headings) >= 4, f"{path.name} has only {len(headings)} '##' sections"


def test_article_file_names_are_unique_across_languages() -> None:
    names = Counter(path.name for path in ARTICLES)
    assert not [name for name, count in names.items() if count > 1]


def test_each_language_has_at_least_five_articles() -> None:
    per_language = Counter(path.parent.name for path in ARTICLES)
    assert set(per_language) == set(LANGUAGES)
    assert all(per_language[language] >= 5 for language in LANGUAGES), per_language
    assert len(ARTICLES) >= 24


def test_every_topic_is_covered_in_at_least_two_languages() -> None:
    languages_of: dict[str, set[str]] = defaultdict(set)
    for path in ARTICLES:
        meta = _front_matter(path)
        for tag in meta["tags"]:
            languages_of[tag].add(meta["language"])
    thin = {topic: sorted(languages_of[topic]) for topic in TOPICS if len(languages_of[topic]) < 2}
    assert not thin, f"topics in fewer than two languages: {thin}"


@pytest.mark.parametrize("kpi", KPI_NAMES)
def test_every_kpi_is_documented_with_its_kpi_command_in_two_languages(kpi: str) -> None:
    languages = {
        path.parent.name for path in ARTICLES if f"`/kpi {kpi}" in path.read_text(encoding="utf-8")
    }
    assert len(languages) >= 2, f"/kpi {kpi} is shown only in {sorted(languages)}"


def test_kpi_articles_state_the_formulas_journeybot_computes() -> None:
    """The formulas the metrics layer implements (../shared/DESIGN.md, metrics/registry.py),
    as the articles must say them."""
    expected = {
        "nps-guide.md": ["% of responses scoring 9–10 minus % of responses scoring 0–6"],
        "nps-net-promoter-score.md": ["procentdel af svar med 9–10 minus procentdel af svar"],
        "service-kpis-csat-and-resolution-time.md": [
            "scoring 4–5 on the 1–5 scale",
            "median number of hours from opened to resolved",
        ],
        "kundeavgang-og-kundelojalitet.md": [
            "retention_rate = 100 − churn_rate",
            "((E − N) / S) × 100",
        ],
        "frafald-og-fastholdelse.md": ["((E − N) / S) × 100"],
        "clv-kundelivstidsvaerdi.md": ["CLV = m · r / (1 + d − r)", "30 %", "10 %"],
        "kundvarde-clv.md": ["CLV = m · r / (1 + d − r)"],
        "ecommerce-kpis-checkout-aov-frequency.md": [
            "of the checkout sessions started in the period, the % that were completed",
            "orders placed in the period ÷ distinct customers who ordered in it",
        ],
        "keeping-existing-customers.md": ["customers who signed up before the period started"],
        "churn-retention-and-clv.md": [
            "customers active at the period start",
            "retention = 100 − churn",
            "((E − N) / S) × 100",
            "CLV = m · r / (1 + d − r)",
            "(1 − churn_rate/100)^(365/days)",
            "KPI_GROSS_MARGIN (default 30 %)",
            "annual discount rate (default 10 %)",
        ],
    }
    for name, phrases in expected.items():
        text = document_text(load_document(BY_NAME[name]))
        for phrase in phrases:
            assert phrase in text, f"{name} does not state {phrase!r}"


# --- question set -----------------------------------------------------------------------


def test_question_set_covers_all_languages_cross_lingual_and_off_topic() -> None:
    assert len(QUESTIONS) >= 48
    per_language = Counter(q["language"] for q in QUESTIONS)
    assert all(per_language[language] >= 10 for language in LANGUAGES), per_language
    kinds = Counter((q["language"], q["kind"]) for q in QUESTIONS)
    assert kinds[("en", "cross_lingual")] >= 8
    assert sum(1 for q in QUESTIONS if q["kind"] == "off_topic") >= 8
    assert {q["kind"] for q in QUESTIONS} <= {"in_domain", "cross_lingual", "off_topic"}


@pytest.mark.parametrize("item", ANSWERABLE, ids=[q["question"] for q in ANSWERABLE])
def test_every_answer_substring_occurs_in_its_source_article(item: dict[str, Any]) -> None:
    assert item["source"] in BY_NAME, f"unknown source article {item['source']}"
    assert 2 <= len(item["contains"].split()) <= 6, "contains should be 2–6 words"
    text = document_text(load_document(BY_NAME[item["source"]]))
    assert item["contains"] in text
    for other in item.get("also", []):
        assert other in BY_NAME, f"unknown article {other} in `also`"


@pytest.mark.parametrize("item", ANSWERABLE, ids=[q["question"] for q in ANSWERABLE])
def test_questions_point_at_articles_of_the_right_language(item: dict[str, Any]) -> None:
    source_language = BY_NAME[item["source"]].parent.name
    if item["kind"] == "in_domain":
        assert source_language == item["language"]
    else:
        assert item["language"] == "en" and source_language != "en"
        english = [path for path in ARTICLES if path.parent.name == "en"]
        for path in english:
            assert item["contains"] not in path.read_text(encoding="utf-8")


def test_off_topic_questions_name_no_source() -> None:
    off_topic = [q for q in QUESTIONS if q["kind"] == "off_topic"]
    assert off_topic and all("source" not in q and "contains" not in q for q in off_topic)


# --- retrieval --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from knowledge.index import Index

    index = Index(tmp_path_factory.mktemp("corpus-index"))
    report = index.ingest([CORPUS])
    assert report.added == len(ARTICLES) and not report.skipped_files
    return index


def test_retrieval_finds_the_answering_article_in_the_top_three(corpus_index: Any) -> None:
    found: dict[tuple[str, str], list[bool]] = defaultdict(list)
    misses = []
    for item in ANSWERABLE:
        accepted = {item["source"], *item.get("also", [])}
        hits = corpus_index.search(item["question"], item["language"], k=3)
        ok = any(Path(hit.chunk.source).name in accepted for hit in hits)
        found[(item["language"], item["kind"])].append(ok)
        if not ok:
            misses.append(item["question"])
    recall = {key: sum(values) / len(values) for key, values in found.items()}
    assert set(recall) == set(RECALL_FLOORS)
    below = {key: round(value, 2) for key, value in recall.items() if value < RECALL_FLOORS[key]}
    assert not below, f"recall@3 below floor: {below}; missed: {misses}"
