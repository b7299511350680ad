"""The Chroma-backed index: incremental ingest, reopening, provider switches, failures."""

from __future__ import annotations

import hashlib
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from knowledge import store_check
from knowledge.embeddings import EmbeddingUnavailable
from knowledge.errors import IndexBusy, IndexUnavailable
from knowledge.index import Index
from knowledge.locks import IndexLocks

CHURN_DA = (
    "# Kundefrafald\n\nKundefrafald er andelen af kunder, der forlader virksomheden i en "
    "periode. Et lavt frafald viser, at kunderne får værdi af produktet hver eneste måned.\n"
)
NPS_NO = (
    "# Net Promoter Score\n\nNPS måles ved å spørre kundene om de vil anbefale bedriften "
    "til en venn, på en skala fra null til ti. Ambassadører svarer ni eller ti.\n"
)
CONSENT_SV = (
    "# Samtycke\n\nSamtycke betyder att kunden aktivt har godkänt att företaget använder "
    "hennes personuppgifter för ett bestämt syfte, och det kan återkallas.\n"
)


def _corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "frafald.md").write_text(CHURN_DA, encoding="utf-8")
    (folder / "nps.md").write_text(NPS_NO, encoding="utf-8")
    (folder / "sub").mkdir(exist_ok=True)
    (folder / "sub" / "samtycke.md").write_text(CONSENT_SV, encoding="utf-8")
    return folder


def _texts(index: Index) -> str:
    return " ".join(hit.chunk.text for hit in index.search("kunder", "da", k=50))


def test_ingest_is_incremental_unchanged_skipped_changed_replaced_deleted_removed(tmp_path):
    docs = _corpus(tmp_path / "docs")
    index = Index(tmp_path / "index")
    first = index.ingest([docs])
    assert (first.added, first.unchanged, first.skipped) == (3, 0, 0)
    assert first.chunks == index.count() >= 3

    again = index.ingest([docs])
    assert (again.added, again.updated, again.unchanged, again.chunks) == (0, 0, 3, 0)

    (docs / "frafald.md").write_text(CHURN_DA.replace("hver eneste måned", "hvert kvartal"))
    (docs / "nps.md").unlink()
    changed = index.ingest([docs])
    assert (changed.updated, changed.removed, changed.unchanged) == (1, 1, 1)
    texts = _texts(index)
    assert "hvert kvartal" in texts and "hver eneste måned" not in texts
    assert "anbefale" not in texts
    assert index.count() == 2


def test_a_broken_file_is_skipped_with_a_reason_while_the_rest_is_indexed(tmp_path):
    docs = _corpus(tmp_path / "docs")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 this is not a pdf")
    report = Index(tmp_path / "index").ingest([docs, tmp_path / "missing.md"])
    assert report.added == 3
    assert report.skipped == 2
    reasons = {Path(s.path).name: s.reason for s in report.skipped_files}
    assert set(reasons) == {"broken.pdf", "missing.md"}
    assert all(reason.strip() for reason in reasons.values())


def test_a_new_index_object_reopens_the_collection_from_disk_and_finds_the_same_chunks(
    tmp_path,
):
    docs = _corpus(tmp_path / "docs")
    first = Index(tmp_path / "index")
    first.ingest([docs])
    before = [hit.chunk.id for hit in first.search("Hvordan måles NPS?", "no", k=3)]
    reopened = Index(tmp_path / "index")
    assert reopened.count() == first.count()
    assert [hit.chunk.id for hit in reopened.search("Hvordan måles NPS?", "no", k=3)] == before
    assert reopened.search("Hvordan måles NPS?", "no", k=1)[0].chunk.source.endswith("nps.md")


def test_another_process_ingesting_is_seen_by_an_open_index(tmp_path):
    docs = _corpus(tmp_path / "docs")
    reader = Index(tmp_path / "index")
    reader.ingest([docs / "nps.md"])
    Index(tmp_path / "index").ingest([docs])  # a second writer, as another process would
    hits = reader.search("Hvad er kundefrafald?", "da", k=1)
    assert hits and hits[0].chunk.source.endswith("frafald.md")


def test_an_english_question_finds_the_danish_passage(tmp_path):
    index = Index(tmp_path / "index")
    index.ingest([_corpus(tmp_path / "docs")])
    hits = index.search("What is customer churn?", "en", k=1)
    assert hits[0].chunk.source.endswith("frafald.md")
    hits = index.search("How should we handle consent?", "en", k=1)
    assert hits[0].chunk.source.endswith("samtycke.md")


def test_a_reopened_index_can_search_before_anything_else_opens_it(tmp_path):
    Index(tmp_path / "index").ingest([_corpus(tmp_path / "docs")])
    hits = Index(tmp_path / "index").search("Hvad er kundefrafald?", "da", k=1)
    assert hits and hits[0].chunk.source.endswith("frafald.md")


def test_the_index_knows_which_words_its_chunks_use_in_any_language(tmp_path):
    index = Index(tmp_path / "index")
    index.ingest([_corpus(tmp_path / "docs")])
    assert index.knows("kundefrafaldet") and index.knows("ambassadører")
    assert not index.knows("lasagne")


def test_an_empty_index_returns_no_hits(tmp_path):
    index = Index(tmp_path / "index")
    assert index.count() == 0
    assert index.search("Hvad er churn?", "da") == []


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_chroma_server_is_one_sentence_index_unavailable(tmp_path):
    index = Index(tmp_path / "index", chroma_host="127.0.0.1", chroma_port=_free_port())
    with pytest.raises(IndexUnavailable, match="Chroma server at 127.0.0.1") as error:
        index.health()
    assert "\n" not in str(error.value)


@contextmanager
def _embeddings_stand_in(fail: bool = False) -> Iterator[str]:
    """A loopback stand-in for OpenAI's /v1/embeddings: hashed bag-of-words vectors."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if fail:
                self.send_response(500)
                self.end_headers()
                return
            data = []
            for n, text in enumerate(body["input"]):
                vector = [0.0] * 32
                for word in str(text).lower().split():
                    vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % 32] += 1.0
                data.append({"object": "embedding", "index": n, "embedding": vector})
            payload = json.dumps(
                {"object": "list", "data": data, "model": body["model"], "usage": {}}
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()


def test_switching_the_embedding_provider_re_embeds_instead_of_mixing_vector_spaces(
    tmp_path, monkeypatch
):
    docs = _corpus(tmp_path / "docs")
    Index(tmp_path / "index").ingest([docs])  # wordllama: 256 dimensions
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    with _embeddings_stand_in() as base_url:
        monkeypatch.setenv("OPENAI_BASE_URL", base_url)
        switched = Index(tmp_path / "index", embedding_model="openai:text-embedding-3-small")
        report = switched.ingest([docs])
        assert report.unchanged == 3  # files did not change; their vectors did
        stored = switched._chroma().get(include=["embeddings"], limit=1)
        assert len(stored["embeddings"][0]) == 32
        assert switched._chroma().metadata["embedding"] == "openai:text-embedding-3-small"
        hits = switched.search("Hvad er kundefrafald?", "da", k=1)
        assert hits[0].chunk.source.endswith("frafald.md")


def test_when_embedding_fails_the_file_is_skipped_and_not_claimed_as_indexed(tmp_path, monkeypatch):
    docs = _corpus(tmp_path / "docs")
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    monkeypatch.setenv("OPENAI_MAX_RETRIES", "0")
    with _embeddings_stand_in(fail=True) as base_url:
        monkeypatch.setenv("OPENAI_BASE_URL", base_url)
        index = Index(tmp_path / "index", embedding_model="openai:text-embedding-3-small")
        index.embedder._embeddings.max_retries = 0
        report = index.ingest([docs])
    assert report.added == 0 and report.skipped == 3
    assert index.count() == 0 and index.manifest() == {}
    with _embeddings_stand_in() as base_url:
        monkeypatch.setenv("OPENAI_BASE_URL", base_url)
        retry = Index(tmp_path / "index", embedding_model="openai:text-embedding-3-small")
        assert retry.ingest([docs]).added == 3  # nothing claimed, so all three are new


def test_an_embedding_provider_without_its_api_key_is_its_own_sentence(tmp_path, monkeypatch):
    for name in ("OPENAI_API_KEY", "OPENAI_ADMIN_KEY"):
        monkeypatch.delenv(name, raising=False)
    index = Index(tmp_path / "index", embedding_model="openai:text-embedding-3-small")
    with pytest.raises(EmbeddingUnavailable) as error:
        index.count()
    message = str(error.value)
    assert message.startswith("EMBEDDING_MODEL='openai:text-embedding-3-small' cannot be loaded")
    assert "set OPENAI_API_KEY" in message and "permissions" not in message
    assert "\n" not in message


def test_loading_and_using_wordllama_leaves_the_root_logger_as_it_was():
    """wordllama calls logging.basicConfig(INFO) on import; a fresh interpreter proves the
    embedder undoes it (this process has long imported wordllama)."""
    script = (
        "import logging\n"
        "from knowledge.embeddings import make_embedder\n"
        "make_embedder('wordllama').embed(['kundefrafald'])\n"
        "root = logging.getLogger()\n"
        "print(logging.getLevelName(root.level), len(root.handlers))\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert shown.stdout.split() == ["WARNING", "0"]


def test_an_index_larger_than_one_read_page_is_read_back_whole(tmp_path, monkeypatch):
    """Chroma refuses one unpaged get() of ~50k chunks, so the index reads in pages."""
    import knowledge.index as index_module

    monkeypatch.setattr(index_module, "_READ_PAGE", 2)
    docs = _corpus(tmp_path / "docs")
    index = Index(tmp_path / "index")
    index.ingest([docs])

    (tmp_path / "index" / index_module.LEXICAL_CACHE).unlink(missing_ok=True)
    reopened = Index(tmp_path / "index")  # no lexical cache: the chunks come from the store
    manifest = reopened.manifest()
    assert reopened.count() == 3 and sum(len(e.chunk_ids) for e in manifest.values()) == 3
    assert {Path(h.chunk.source).name for h in reopened.search("kunder", "da", k=10)} == {
        "frafald.md",
        "nps.md",
        "samtycke.md",
    }
    (docs / "nps.md").unlink()
    assert reopened.ingest([docs]).removed == 1


def test_a_second_ingest_waits_for_the_first_and_past_the_wait_says_so_in_one_sentence(
    tmp_path,
):
    docs = _corpus(tmp_path / "docs")
    first_ingest = IndexLocks(tmp_path / "index", 0).writing()
    with first_ingest, pytest.raises(IndexBusy) as busy:
        Index(tmp_path / "index", lock_wait_seconds=0).ingest([docs])
    assert str(busy.value) == (
        f"Another ingest is updating the index at {tmp_path / 'index'}; run this again when "
        "it has finished (waited 0 s, INGEST_LOCK_WAIT_SECONDS)."
    )
    assert Index(tmp_path / "index", lock_wait_seconds=0).ingest([docs]).added == 3


def _crash_after_upserts(monkeypatch: pytest.MonkeyPatch, count: int) -> None:
    """The process dies (KeyboardInterrupt stands in) right after `count` writes landed."""
    from chromadb.api.models.Collection import Collection

    upsert = Collection.upsert
    calls = []

    def crashing(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        result = upsert(self, *args, **kwargs)
        calls.append(1)
        if len(calls) == count:
            raise KeyboardInterrupt
        return result

    monkeypatch.setattr(Collection, "upsert", crashing)


def test_chunks_that_reached_the_store_just_before_a_crash_are_searchable_afterwards(
    tmp_path, monkeypatch
):
    """The lexical cache was keyed by a version bumped after the write: a crash in between
    left a cache that did not know the new chunks, and the next ingest found them unchanged."""
    docs = _corpus(tmp_path / "docs")
    (docs / "nps.md").unlink()
    Index(tmp_path / "index").ingest([docs])  # caches the lexical index of two files
    (docs / "nps.md").write_text(NPS_NO, encoding="utf-8")
    with monkeypatch.context() as patched:
        _crash_after_upserts(patched, 1)
        with pytest.raises(KeyboardInterrupt):
            Index(tmp_path / "index").ingest([docs])

    def found() -> bool:
        hits = Index(tmp_path / "index").search("Hvordan måles NPS?", "no", k=1)
        return bool(hits) and hits[0].chunk.source.endswith("nps.md")

    assert found()
    assert Index(tmp_path / "index").ingest([docs]).unchanged == 3
    assert found()


def test_a_file_only_partly_written_before_a_crash_is_done_again_by_the_next_ingest(
    tmp_path, monkeypatch
):
    import knowledge.index as index_module

    docs = tmp_path / "docs"
    docs.mkdir()
    paragraphs = [f"Paragraph {n} on customer retention. " * 30 for n in range(8)]
    (docs / "long.md").write_text("# Retention\n\n" + "\n\n".join(paragraphs), encoding="utf-8")
    monkeypatch.setattr(index_module, "_WRITE_BATCH", 2)  # the file takes several writes
    with monkeypatch.context() as patched:
        _crash_after_upserts(patched, 1)
        with pytest.raises(KeyboardInterrupt):
            Index(tmp_path / "index").ingest([docs])
    index = Index(tmp_path / "index")
    assert index.count() == 2  # the first write of several
    again = index.ingest([docs])
    assert (again.added, again.updated, again.unchanged) == (0, 1, 0)
    (entry,) = index.manifest().values()
    assert len(entry.chunk_ids) == index.count() == again.chunks > 2


def test_a_lexical_cache_built_with_another_glossary_is_rebuilt_not_reused(tmp_path, monkeypatch):
    """Concept tokens depend on glossary.yaml: after an edit, a cache keyed only by the
    store's version would go on ranking with the old concepts."""
    import knowledge.index as index_module
    from knowledge import glossary

    index = Index(tmp_path / "index")
    index.ingest([_corpus(tmp_path / "docs")])
    cache = tmp_path / "index" / index_module.LEXICAL_CACHE
    version = str(index._metadata().get("version", ""))
    assert index_module._load_cache(cache, version) is not None

    monkeypatch.setattr(glossary, "digest", lambda: "edited")
    assert index_module._load_cache(cache, version) is None


# --- a new process answers from the caches the ingest left, without opening Chroma ---------

QUESTIONS = (("Hvordan måles NPS?", "no"), ("What is customer churn?", "en"), ("kunder", "da"))


def _results(index: Index) -> list[list[tuple[str, float]]]:
    return [
        [(hit.chunk.id, hit.score) for hit in index.search(question, language, k=10)]
        for question, language in QUESTIONS
    ]


def _without_chroma(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(self: Index) -> None:
        raise AssertionError("Chroma was opened")

    monkeypatch.setattr(Index, "_open", refused)


def test_a_new_index_answers_from_the_caches_the_ingest_left_without_opening_chroma(
    tmp_path, monkeypatch
):
    ingesting = Index(tmp_path / "index")
    ingesting.ingest([_corpus(tmp_path / "docs")])
    expected = _results(ingesting)
    with monkeypatch.context() as patched:
        _without_chroma(patched)
        reopened = Index(tmp_path / "index")
        assert reopened.count() == ingesting.count()
        assert _results(reopened) == expected


def test_answers_from_the_caches_are_those_read_from_chroma(tmp_path):
    Index(tmp_path / "index").ingest([_corpus(tmp_path / "docs")])
    from_caches = _results(Index(tmp_path / "index"))
    for name in ("lexical.pickle", "metadata.json", "vectors.pickle"):
        (tmp_path / "index" / name).unlink()
    assert _results(Index(tmp_path / "index")) == from_caches


def test_damaged_caches_are_read_from_chroma_again_and_rewritten_not_trusted(tmp_path):
    Index(tmp_path / "index").ingest([_corpus(tmp_path / "docs")])
    expected = _results(Index(tmp_path / "index"))
    for name in ("lexical.pickle", "metadata.json", "vectors.pickle"):
        (tmp_path / "index" / name).write_bytes(b"\x80\x05garbage")
    assert _results(Index(tmp_path / "index")) == expected
    assert json.loads((tmp_path / "index" / "metadata.json").read_text())["count"] == 3


def test_an_ingest_that_stops_after_writing_leaves_no_cache_naming_the_old_contents(
    tmp_path, monkeypatch
):
    """The store is clean once the writer has finished, before it records the new version
    for the next process: stopped in between, the previous record must not be trusted."""
    docs = _corpus(tmp_path / "docs")
    (docs / "nps.md").unlink()
    Index(tmp_path / "index").ingest([docs])
    (docs / "nps.md").write_text(NPS_NO, encoding="utf-8")

    def stopped(self: Index) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(Index, "_refresh_lexical", stopped)
        with pytest.raises(KeyboardInterrupt):
            Index(tmp_path / "index").ingest([docs])
    reopened = Index(tmp_path / "index")
    assert reopened.count() == 3
    assert reopened.search("Hvordan måles NPS?", "no", k=1)[0].chunk.source.endswith("nps.md")


def test_a_store_not_left_clean_is_opened_and_checked_even_with_current_caches(
    tmp_path, monkeypatch
):
    Index(tmp_path / "index").ingest([_corpus(tmp_path / "docs")])
    store_check.mark_writing(tmp_path / "index")  # as a writer that died part-way leaves it
    opened = []
    monkeypatch.setattr(store_check, "probe", lambda path: opened.append(path))
    assert Index(tmp_path / "index").count() == 3
    assert opened == [tmp_path / "index"]


def test_caches_from_before_the_stores_last_write_are_not_trusted_whoever_wrote_it(tmp_path):
    """A writer that keeps no such record (an older journeybot) leaves the previous one in
    place: the record names the state of the store it was read in, and that state changed."""
    docs = _corpus(tmp_path / "docs")
    (docs / "nps.md").unlink()
    Index(tmp_path / "index").ingest([docs])
    kept = {
        name: (tmp_path / "index" / name).read_bytes()
        for name in ("lexical.pickle", "metadata.json", "vectors.pickle")
    }
    (docs / "nps.md").write_text(NPS_NO, encoding="utf-8")
    Index(tmp_path / "index").ingest([docs])
    for name, content in kept.items():
        (tmp_path / "index" / name).write_bytes(content)
    reopened = Index(tmp_path / "index")
    assert reopened.count() == 3
    assert reopened.search("Hvordan måles NPS?", "no", k=1)[0].chunk.source.endswith("nps.md")
