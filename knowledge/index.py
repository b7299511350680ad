"""The knowledge index: chunks in a Chroma collection, searched by hybrid retrieval.

Chroma holds the truth (text, metadata, vectors): a local PersistentClient under the
index path by default, a Chroma server when `chroma_host` is set. The lexical indexes
(BM25 per stemmer, character n-grams) live in memory, are rebuilt from the collection's
contents, and are cached on disk under the index path keyed by the collection's
version. Every change to the store gets a new version first, under the same exclusive
lock as the change itself (knowledge/locks.py), and the lexical index is read under the
shared lock, so a cache always names exactly the contents it was built from, even after
a crash mid-write. Vectors are always computed here (wordllama offline, or a configured
provider) and handed to Chroma, whose default embedding function would download a model.

A local store is checked before Chroma opens it (knowledge/store_check.py): one that a
writer left half-written is read back in a child process, and if it is damaged it is set
aside and rebuilt from its source files, with a warning, instead of crashing.

A local store left clean whose caches are current (knowledge/index_cache.py: its metadata,
count and vectors beside the lexical cache) is searched without importing or opening
Chroma at all (knowledge/chroma.py): that is most of a new process's first answer.
"""

from __future__ import annotations

import logging
import os
import pickle
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

import numpy as np  # noqa: E402 (telemetry must be off before onnxruntime can load)

from knowledge import glossary, index_cache, store_check, text  # noqa: E402
from knowledge.citations import shown_source  # noqa: E402
from knowledge.dense import exact_neighbours  # noqa: E402
from knowledge.embeddings import Embedder, EmbeddingUnavailable, make_embedder  # noqa: E402
from knowledge.errors import IndexUnavailable, KnowledgeError  # noqa: E402
from knowledge.fusion import CANDIDATES, reciprocal_rank_fusion, weights_for  # noqa: E402
from knowledge.ingest import ManifestEntry, file_key, plan  # noqa: E402
from knowledge.lexical import LANGUAGES, LexicalIndex, top_rows  # noqa: E402
from knowledge.locks import LOCK_WAIT_SECONDS, IndexLocks  # noqa: E402
from knowledge.models import Chunk, Hit, IngestReport, SkippedFile  # noqa: E402
from knowledge.parse_workers import FileBudget, ParsePool  # noqa: E402

COLLECTION = "journeybot"
LEXICAL_CACHE = "lexical.pickle"
#: Bump when the cached LexicalIndex or Chunk model changes what it holds (6: chunks carry
#: `url`, tokens carry concepts): older caches are rebuilt instead of failing on first use.
LEXICAL_FORMAT = 6
_SCANDINAVIAN = ("da", "no", "sv")
_READ_PAGE = 5_000  # chunks per Chroma get(); see _get_all
_WRITE_BATCH = 1000  # chunks per Chroma upsert
# Up to this many chunks the dense stage is an exact cosine scan of the stored vectors
# (numpy), not Chroma's HNSW graph, whose neighbours differ from build to build: three
# fresh ingests of the same files ranked differently. Measured 2026-12-04 on the 2-core
# box, 256-dim vectors: 14 ms per question at 50k chunks, 31 ms at 200k (~200 MB held).
EXACT_DENSE_MAX_CHUNKS = 100_000

log = logging.getLogger(__name__)


@dataclass
class _Prepared:
    """One file's chunks, named and ready to embed and write."""

    file: Path
    is_new: bool
    ids: list[str]
    texts: list[str]
    metadatas: list[dict[str, Any]]
    stale: list[str]  # chunks of the file's previous version that it no longer has


def _prepared(
    file: Path,
    key: str,
    name: str,
    is_new: bool,
    digest: str,
    chunks: list[Chunk],
    previous: ManifestEntry | None,
) -> _Prepared:
    """Chunk ids come from the file's path and the chunk's position, so a changed file's
    chunks overwrite its old ones; each chunk carries the file's hash and chunk count,
    which make up the manifest. The absolute path is the manifest's key only: the source
    people see is `name`, the path relative to the ingested folder."""
    prefix = uuid.uuid5(uuid.NAMESPACE_URL, key).hex[:16]
    ids = [f"{prefix}-{chunk.position}" for chunk in chunks]
    metadatas = [
        {
            "file": key,
            "content_hash": digest,
            "chunks": len(chunks),
            "source": name,
            "title": chunk.title,
            "section": chunk.section,
            "language": chunk.language,
            "position": chunk.position,
            "about": chunk.about,
            "url": chunk.url,
        }
        for chunk in chunks
    ]
    stale = sorted(set(previous.chunk_ids) - set(ids)) if previous else []
    return _Prepared(file, is_new, ids, [chunk.text for chunk in chunks], metadatas, stale)


class Index:
    def __init__(
        self,
        path: Path | str,
        *,
        chroma_host: str | None = None,
        chroma_port: int = 8000,
        embedding_model: str = "wordllama",
        file_budget: FileBudget | None = None,
        lock_wait_seconds: float = LOCK_WAIT_SECONDS,
    ) -> None:
        self.path = Path(path)
        self.chroma_host = chroma_host
        self.chroma_port = chroma_port
        self.embedding_model = embedding_model or "wordllama"
        self.file_budget = file_budget or FileBudget()
        self._locks = IndexLocks(self.path, lock_wait_seconds)
        self._client: Any = None
        self._collection: Any = None
        self._embedder: Embedder | None = None
        self._lexical: LexicalIndex | None = None
        self._lexical_version: str | None = None
        self._vectors: np.ndarray | None = None
        self._vectors_version: str | None = None
        self._phrase_shares: dict[tuple[str | None, str], float] = {}
        self._stored_embedding: str | None = None  # who embedded the lexical version's chunks
        self._embedding_function: Any = None  # Chroma's view of self.embedder, once opened
        self._marked_writing = False
        self._opening = threading.RLock()  # threads search at once; a rebuild reopens

    # -- connections -------------------------------------------------------------------

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = make_embedder(self.embedding_model)
        return self._embedder

    def _where(self) -> str:
        if self.chroma_host:
            return f"the Chroma server at {self.chroma_host}:{self.chroma_port}"
        return f"the index at {self.path}"

    def _unavailable(self, error: Exception) -> IndexUnavailable:
        hint = (
            "start the server or fix CHROMA_HOST/CHROMA_PORT"
            if self.chroma_host
            else "check the folder's permissions, or move it away and ingest again"
        )
        return IndexUnavailable(
            f"Cannot use {self._where()} ({type(error).__name__}: {error}); {hint}."
        )

    @property
    def _local(self) -> bool:
        return not self.chroma_host

    def _reading(self) -> Any:
        """Around every read of a local store: no writer is changing it meanwhile."""
        return self._locks.store(exclusive=False) if self._local else nullcontext()

    @contextmanager
    def _changing(self) -> Iterator[None]:
        """Around every change: the store locked exclusively and marked as being written
        (until the ingest ends), and a new version, so no lexical cache outlives it."""
        with self._locks.store(exclusive=True) if self._local else nullcontext():
            if self._local and not self._marked_writing:
                store_check.mark_writing(self.path)
                self._marked_writing = True
            if self._local:
                index_cache.forget_metadata(self.path)  # no longer names the store
            self._bump_version()
            yield

    def _finish_writing(self) -> None:
        if self._marked_writing:
            with self._locks.store(exclusive=True):
                store_check.mark_clean(self.path)
            self._marked_writing = False

    def _chroma(self) -> Any:
        if self._collection is not None:
            return self._collection
        with self._opening:
            if self._collection is None:
                self._open()
        return self._collection

    def _open(self) -> None:
        try:
            from knowledge import chroma

            self._embedding_function = chroma.ChromaEmbedding(lambda: self.embedder)
            if self.chroma_host:
                self._client = chroma.server_client(self.chroma_host, self.chroma_port)
                self._collection = self._open_collection()
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._check_before_opening()
                with self._locks.store(exclusive=True):
                    self._open_local()
        except KnowledgeError:
            raise
        except Exception as error:  # chromadb raises many types for one condition
            self._client = self._collection = None
            raise self._unavailable(error) from error

    def _open_collection(self) -> Any:
        return self._client.get_or_create_collection(
            COLLECTION,
            embedding_function=self._embedding_function,
            metadata={"embedding": self.embedder.name, "version": _new_version()},
        )

    def _open_local(self) -> None:
        """Open the local store with the store lock held exclusively: opening may create
        it, and a process's first read makes Chroma replay its log into the vector files,
        rewriting them (from scratch, below 1000 vectors), so it is a write like any
        other. A clean store is marked as being written around that replay."""
        clean = store_check.is_clean(self.path)
        if clean:
            store_check.mark_writing(self.path)
        from knowledge import chroma

        self._client = chroma.local_client(self.path)
        self._collection = self._open_collection()
        self._collection.count()  # the replay, here rather than in some later read
        if clean:
            store_check.mark_clean(self.path)

    def _check_before_opening(self) -> None:
        """A store not left clean by its last writer is checked before Chroma opens it,
        unless a writer is at work now (it checked before it began)."""
        if store_check.is_clean(self.path):
            return
        with self._locks.writing_if_free() as free:
            if free:
                self._recover_if_damaged()

    def _recover_if_damaged(self) -> None:
        """With the write lock held and the store not open in this process: read the store
        back in a child process; if it is damaged, set it aside and rebuild it from the
        source files its chunks came from."""
        if store_check.is_clean(self.path):
            return  # the writer we waited for finished cleanly
        reason = store_check.probe(self.path)
        if reason is None:
            (self.path / LEXICAL_CACHE).unlink(missing_ok=True)  # may predate the last write
            store_check.mark_clean(self.path)
            return
        names = {
            file: shown_source(name) for file, name in store_check.indexed_files(self.path).items()
        }
        files = [Path(file) for file in names]
        present = [file for file in files if file.is_file()]
        aside = store_check.set_aside(self.path)
        message = f"The index at {self.path} was damaged ({reason}); it was moved to {aside}"
        if not present:
            log.warning(f"{message}; ingest your documents again with `journeybot ingest PATH`.")
            return
        gone = (
            f" ({len(files) - len(present)} of them no longer exist)"
            if len(present) < len(files)
            else ""
        )
        log.warning(f"{message} and is being rebuilt from its {len(files)} source files{gone}.")
        self._client = self._collection = None
        self._ingest_locked(present, None, time.perf_counter(), names)

    def _metadata(self) -> dict[str, Any]:
        """The collection's metadata as stored now (another process may have ingested)."""
        self._chroma()  # the client opens lazily: search() may come before count()
        with self._reading():
            return self._read_metadata()

    def _read_metadata(self) -> dict[str, Any]:
        try:
            fresh = self._client.get_collection(
                COLLECTION, embedding_function=self._embedding_function
            )
        except Exception as error:
            raise self._unavailable(error) from error
        self._collection = fresh
        return dict(fresh.metadata or {})

    def health(self) -> None:
        """Raise IndexUnavailable (one sentence) unless the store answers."""
        collection = self._chroma()
        try:
            with self._reading():
                self._client.heartbeat()
                collection.count()
        except KnowledgeError:
            raise
        except Exception as error:
            raise self._unavailable(error) from error

    def count(self) -> int:
        if self._local:
            with self._reading():
                recorded = self._recorded_metadata()
            if recorded is not None:
                return int(recorded["count"])
        collection = self._chroma()
        try:
            with self._reading():
                return int(collection.count())
        except KnowledgeError:
            raise
        except Exception as error:
            raise self._unavailable(error) from error

    # -- ingest ------------------------------------------------------------------------

    def manifest(self) -> dict[str, ManifestEntry]:
        """File → (content hash, chunk ids), read back from the chunks' metadata.

        A file whose chunks do not all carry one hash, or fewer than the count they were
        written with, was only partly written (an ingest stopped between two writes): its
        hash is left empty, so the next ingest does it again instead of calling it
        unchanged."""
        collection = self._chroma()
        try:
            with self._reading():
                stored = _get_all(collection, ["metadatas"])
        except KnowledgeError:
            raise
        except Exception as error:
            raise self._unavailable(error) from error
        entries: dict[str, ManifestEntry] = {}
        expected: dict[str, int] = {}
        hashes: dict[str, set[str]] = {}
        outdated: set[str] = set()
        for chunk_id, meta in zip(stored["ids"], stored["metadatas"], strict=False):
            key = str(meta.get("file", ""))
            entry = entries.setdefault(key, ManifestEntry(str(meta.get("content_hash", ""))))
            entry.chunk_ids.append(chunk_id)
            hashes.setdefault(key, set()).add(str(meta.get("content_hash", "")))
            if "chunks" in meta:  # absent from chunks written before it was recorded
                expected[key] = int(meta["chunks"])
            if "url" not in meta:
                # Written before sources were stored relative to the ingested folder (and
                # summaries indexed): the next ingest does the file again.
                outdated.add(key)
        for key, entry in entries.items():
            whole = len(entry.chunk_ids) == expected.get(key, len(entry.chunk_ids))
            if len(hashes[key]) > 1 or not whole or key in outdated:
                entry.content_hash = ""
        return entries

    def ingest(
        self, paths: Sequence[Path], progress: Callable[[int, int], None] | None = None
    ) -> IngestReport:
        """Index files and folders: new and changed files (re)chunked and embedded,
        unchanged ones skipped by content hash, files gone from a folder removed.
        One bad file is reported in `skipped_files` and never stops the rest.

        One ingest at a time: a second one waits for the first (IndexBusy after the
        wait), then finds the first one's files unchanged."""
        started = time.perf_counter()
        with self._locks.writing():
            if self._local and self._collection is None:
                self._recover_if_damaged()
            return self._ingest_locked([Path(p) for p in paths], progress, started)

    def _ingest_locked(
        self,
        paths: list[Path],
        progress: Callable[[int, int], None] | None,
        started: float,
        names: Mapping[str, str] | None = None,
    ) -> IngestReport:
        """`names` keeps the shown names of files rebuilt one by one (a damaged store), which
        would otherwise be named as if each were ingested on its own."""
        names = names or {}
        with ParsePool(self.file_budget) as parser:  # its workers load while we plan
            self._chroma()
            self._reembed_if_provider_changed()
            manifest = self.manifest()
            work = plan(paths, manifest)
            report = IngestReport(unchanged=len(work.unchanged), skipped_files=list(work.skipped))
            queue = {file: (True, digest) for file, digest in work.new}
            queue.update({file: (False, digest) for file, digest in work.changed})
            if progress:
                progress(0, len(queue))

            if work.removed:
                self._delete([i for key in work.removed for i in manifest[key].chunk_ids])
                report.removed = len(work.removed)

            pending: list[_Prepared] = []
            for done, (file, chunks) in enumerate(parser.parse(list(queue)), start=1):
                is_new, digest = queue[file]
                if isinstance(chunks, str):
                    report.skipped_files.append(SkippedFile(path=str(file), reason=chunks))
                else:
                    key = file_key(file)
                    name = names.get(key) or work.names.get(key) or file.name
                    pending.append(
                        _prepared(file, key, name, is_new, digest, chunks, manifest.get(key))
                    )
                if sum(len(item.ids) for item in pending) >= _WRITE_BATCH or done == len(queue):
                    self._embed_and_write(pending, report)
                    pending = []
                if progress:
                    progress(done, len(queue))

        self._finish_writing()
        report.skipped = len(report.skipped_files)
        lexical = self._refresh_lexical()
        if 0 < len(lexical) <= EXACT_DENSE_MAX_CHUNKS:
            self._stored_vectors(lexical)  # cached now: the next process's question needs no Chroma
        report.seconds = round(time.perf_counter() - started, 3)
        return report

    def _embed_and_write(self, pending: list[_Prepared], report: IngestReport) -> None:
        """Embed many files' chunks in one call (per-call cost dominates small files), then
        write them. If embedding fails, these files are skipped and leave no trace in the
        index (and so no manifest entry): nothing claims they were indexed."""
        if not pending:
            return
        try:
            vectors = self.embedder.embed([text for item in pending for text in item.texts])
        except KnowledgeError as error:
            report.skipped_files.extend(
                SkippedFile(path=str(item.file), reason=str(error)) for item in pending
            )
            return
        self._write(pending, list(vectors))
        for item in pending:
            report.chunks += len(item.ids)
            if item.is_new:
                report.added += 1
            else:
                report.updated += 1

    def _write(self, pending: list[_Prepared], vectors: list[Any]) -> None:
        """One upsert for many files; the chunk metadata is the manifest, so it is written
        in the same call. Only then are the old chunks a changed file no longer has
        deleted."""
        ids = [i for item in pending for i in item.ids]
        texts = [t for item in pending for t in item.texts]
        metadatas = [m for item in pending for m in item.metadatas]
        stale = [i for item in pending for i in item.stale]
        collection = self._chroma()
        for start in range(0, len(ids), _WRITE_BATCH):
            end = start + _WRITE_BATCH
            try:
                with self._changing():
                    collection.upsert(
                        ids=ids[start:end],
                        documents=texts[start:end],
                        embeddings=vectors[start:end],
                        metadatas=metadatas[start:end],
                    )
            except KnowledgeError:
                raise
            except Exception as error:
                raise self._unavailable(error) from error
        if stale:
            self._delete(stale)

    def _delete(self, ids: list[str]) -> None:
        try:
            for start in range(0, len(ids), _WRITE_BATCH):
                with self._changing():
                    self._chroma().delete(ids=ids[start : start + _WRITE_BATCH])
        except KnowledgeError:
            raise
        except Exception as error:
            raise self._unavailable(error) from error

    def _bump_version(self) -> None:
        """Called by _changing before the change it guards (the store is open by then)."""
        collection = self._collection
        assert collection is not None
        metadata = dict(collection.metadata or {})
        metadata.update(embedding=self.embedder.name, version=_new_version())
        try:
            collection.modify(metadata=metadata)
        except Exception as error:
            raise self._unavailable(error) from error

    def _reembed_if_provider_changed(self) -> None:
        """A different embedding provider is a different vector space: re-embed every
        stored chunk from its stored text (no files needed) instead of mixing spaces."""
        if self._metadata().get("embedding") == self.embedder.name:
            return
        collection = self._chroma()
        try:
            with self._reading():
                stored = _get_all(collection, ["documents", "metadatas"])
        except KnowledgeError:
            raise
        except Exception as error:
            raise self._unavailable(error) from error
        vectors = self.embedder.embed(stored["documents"])
        try:
            with self._changing():
                self._client.delete_collection(COLLECTION)
                self._collection = collection = self._client.create_collection(
                    COLLECTION,
                    embedding_function=self._embedding_function,
                    metadata={"embedding": self.embedder.name, "version": _new_version()},
                )
                for start in range(0, len(stored["ids"]), _WRITE_BATCH):
                    end = start + _WRITE_BATCH
                    collection.upsert(
                        ids=stored["ids"][start:end],
                        documents=stored["documents"][start:end],
                        embeddings=vectors[start:end],
                        metadatas=stored["metadatas"][start:end],
                    )
        except KnowledgeError:
            raise
        except Exception as error:
            raise self._unavailable(error) from error

    # -- search ------------------------------------------------------------------------

    def _refresh_lexical(self) -> LexicalIndex:
        """The in-memory lexical index for the collection's current version. The version
        and the chunks are read under one shared lock (a writer changes both under the
        exclusive one), so a cache names exactly the contents it was built from."""
        cached = self._cached_lexical()
        if cached is not None:
            return cached
        self._chroma()
        cache = self.path / LEXICAL_CACHE
        chunks: list[Chunk] | None = None
        with self._reading():
            metadata = self._read_metadata()
            version = str(metadata.get("version", ""))
            if self._lexical is not None and self._lexical_version == version:
                self._record(metadata, len(self._lexical))
                return self._lexical
            lexical = _load_cache(cache, version)
            if lexical is None:
                chunks = self._stored_chunks()
            self._record(metadata, len(chunks or []) if lexical is None else len(lexical))
        if lexical is None:
            lexical = LexicalIndex(chunks or [])
            _save_cache(cache, version, lexical)
        self._lexical, self._lexical_version = lexical, version
        return lexical

    def _cached_lexical(self) -> LexicalIndex | None:
        """The lexical index of the version metadata.json records, from memory or the
        lexical cache, without opening Chroma; None when the caches are not current."""
        if not self._local:
            return None
        with self._reading():
            recorded = self._recorded_metadata()
            if recorded is None:
                return None
            version = str(recorded.get("version", ""))
            if self._lexical is not None and self._lexical_version == version:
                lexical = self._lexical
            else:
                lexical = _load_cache(self.path / LEXICAL_CACHE, version)
                if lexical is None:
                    return None
        self._lexical, self._lexical_version = lexical, version
        self._stored_embedding = recorded.get("embedding")
        return lexical

    def _recorded_metadata(self) -> dict[str, Any] | None:
        """metadata.json, where it may stand in for Chroma (the caller holds the store lock):
        recorded in the state the store is still in, which its last writer left clean. Any
        other store is opened, and so checked first."""
        state = store_check.clean_id(self.path)
        return index_cache.read_metadata(self.path, state) if state else None

    def _record(self, metadata: dict[str, Any], count: int) -> None:
        """Keep what was just read from Chroma, with the store lock still held, for this
        process's dense stage and for the next process (metadata.json, if the store is clean)."""
        self._stored_embedding = metadata.get("embedding")
        state = store_check.clean_id(self.path) if self._local else None
        if state:
            index_cache.write_metadata(self.path, state, metadata, count)

    def _stored_chunks(self) -> list[Chunk]:
        """Every stored chunk (the caller holds the store lock)."""
        try:
            stored = _get_all(self._chroma(), ["documents", "metadatas"])
        except Exception as error:
            raise self._unavailable(error) from error
        chunks = [
            Chunk(
                id=chunk_id,
                text=text or "",
                title=str(meta.get("title", "")),
                section=str(meta.get("section", "")),
                source=str(meta.get("source", "")),
                language=str(meta.get("language", "en")),
                position=int(meta.get("position", 0)),
                about=str(meta.get("about", "")),
                url=str(meta.get("url", "")),
            )
            for chunk_id, text, meta in zip(
                stored["ids"], stored["documents"], stored["metadatas"], strict=False
            )
        ]
        chunks.sort(key=lambda chunk: chunk.id)
        return chunks

    def rankings(self, query: str, language: str) -> dict[str, list[int]]:
        """Each retriever's rows for the query, best first (benchmarks tune on these)."""
        lexical = self._refresh_lexical()
        if not len(lexical):
            return {}
        own = language if language in ("da", "no", "sv", "en") else "en"
        ranked = {
            "stem": top_rows(lexical.stem_scores(query, own), CANDIDATES),
            "char": top_rows(lexical.char_scores(query), CANDIDATES),
        }
        others = [other for other in _SCANDINAVIAN if other != own]
        nordic = sum(lexical.stem_scores(query, other) for other in others)
        ranked["nordic"] = top_rows(nordic, CANDIDATES)
        ranked["glossary"] = top_rows(self._glossary_scores(query, own, lexical), CANDIDATES)
        ranked["concept"] = top_rows(lexical.concept_scores(query, own), CANDIDATES)
        # No text in the question's language matches: the question is cross-lingual, and
        # an English-only dense model only adds noise there (FINDINGS.md: r@3 .04 alone).
        ranked["dense"] = self._dense_rows(query, lexical) if ranked["stem"] else []
        return ranked

    def _glossary_scores(self, query: str, own: str, lexical: LexicalIndex) -> Any:
        """Each concept the question names, searched with the concept's words in every other
        language (that language's stemmer). A concept counts once per language (its
        best-matching word, not the sum of its synonyms), and less the more passages name
        it: "customer" is in most chunks and must not swamp what the question is about.
        Expansions count below the question's own words through the fusion weights."""
        query_words = text.words(query)
        unnamed = " ".join(
            word
            for word, named in zip(query_words, glossary.concepts_at(query_words, own), strict=True)
            if not named and text.is_content_word(word)
        )  # names, numbers, GDPR: searched as they are, with each language's stemmer
        total = lexical.stem_scores("", own)
        for target, concepts in glossary.translations(query, own).items():
            if target == own:
                continue
            total = total + lexical.stem_scores(unnamed, target)
            for concept_id, forms in concepts.items():
                if not forms:
                    continue
                best = np.max([lexical.stem_scores(form, target) for form in forms], axis=0)
                total = total + (1.0 - self.concept_share(concept_id)) * best
        return total

    def concept_share(self, concept_id: str) -> float:
        """The share of indexed chunks that name the concept in any language (its document
        frequency): abstention and retrieval weigh very common concepts less. Counted the
        way the concept retriever reads text (inflections, compounds: 'hotellkjede' names
        the hotel); a concept no chunk names so counts where all the words of one of its
        phrases stand in one chunk ("contact" … "customers" for customer contact)."""
        lexical = self._lexical if self._lexical is not None else self._refresh_lexical()
        if not len(lexical):
            return 0.0
        rows = lexical.concept_rows.get(concept_id, 0)
        if rows:
            return rows / len(lexical)
        key = (self._lexical_version, concept_id)
        if key not in self._phrase_shares:
            named = np.zeros(len(lexical), dtype=bool)
            for language, forms in glossary.concept(concept_id).forms.items():
                for form in forms:
                    if len(text.words(form)) < 2:
                        continue  # single words were counted through the concept tokens
                    found = np.ones(len(lexical), dtype=bool)
                    for word in text.words(form):
                        found &= lexical.stem_scores(word, language) > 0
                    named |= found
            self._phrase_shares[key] = float(named.mean())
        return self._phrase_shares[key]

    def _dense_rows(self, query: str, lexical: LexicalIndex) -> list[int]:
        if self._stored_embedding != self.embedder.name:
            return []  # vectors from another provider: re-embedded on the next ingest
        try:
            vector = self.embedder.embed([query])
        except EmbeddingUnavailable:
            return []  # lexical retrieval still answers
        if len(lexical) <= EXACT_DENSE_MAX_CHUNKS:
            return exact_neighbours(self._stored_vectors(lexical), vector[0], CANDIDATES)
        try:
            with self._reading():
                found = self._chroma().query(
                    query_embeddings=vector,
                    n_results=min(CANDIDATES, len(lexical)),
                    include=[],
                )
        except KnowledgeError:
            raise
        except Exception as error:
            raise self._unavailable(error) from error
        return [lexical.row_of[i] for i in found["ids"][0] if i in lexical.row_of]

    def _stored_vectors(self, lexical: LexicalIndex) -> np.ndarray:
        """The stored embeddings, row i for lexical row i, read once per index version:
        from the vector cache when it holds this version, else from Chroma (then cached,
        if the store still had this version while they were read)."""
        if self._vectors is not None and self._vectors_version == self._lexical_version:
            return self._vectors
        version, ids = self._lexical_version or "", [chunk.id for chunk in lexical.chunks]
        cached = index_cache.load_vectors(self.path, version, ids) if self._local else None
        if cached is not None:
            self._vectors, self._vectors_version = cached, self._lexical_version
            return cached
        try:
            collection = self._chroma()
            with self._reading():
                stored = _get_all(collection, ["embeddings"])
                current = str(self._read_metadata().get("version", "")) == version
        except KnowledgeError:
            raise
        except Exception as error:
            raise self._unavailable(error) from error
        width = len(stored["embeddings"][0]) if len(stored["embeddings"]) else 0
        vectors = np.zeros((len(lexical), width), np.float32)
        for chunk_id, embedding in zip(stored["ids"], stored["embeddings"], strict=False):
            row = lexical.row_of.get(chunk_id)
            if row is not None:
                vectors[row] = embedding
        if self._local and current:
            index_cache.save_vectors(self.path, version, ids, vectors)
        self._vectors, self._vectors_version = vectors, self._lexical_version
        return vectors

    def knows(self, word: str) -> bool:
        """Whether some indexed chunk uses the word (by any language's stem): abstention
        weighs a question word the knowledge base never uses as a sign it is off-topic."""
        lexical = self._lexical if self._lexical is not None else self._refresh_lexical()
        return any(lexical.stem_scores(word, language).any() for language in LANGUAGES)

    def search(self, query: str, language: str, k: int = 8) -> list[Hit]:
        """The k best chunks for the query, fused with the question language's weights."""
        ranked = self.rankings(query, language)
        if not ranked:
            return []
        lexical = self._lexical
        assert lexical is not None
        fused = reciprocal_rank_fusion(ranked, weights_for(language))
        return [Hit(chunk=lexical.chunks[row], score=score) for row, score in fused[:k]]


def _new_version() -> str:
    return uuid.uuid4().hex


def _load_cache(path: Path, version: str) -> LexicalIndex | None:
    """The cached lexical index if it was built from this store version by this code with
    this glossary (a new release or an edited glossary.yaml tokenises differently)."""
    try:
        with path.open("rb") as handle:
            stored_key, lexical = pickle.load(handle)
    except (
        OSError,
        pickle.UnpicklingError,
        EOFError,
        ValueError,
        TypeError,
        AttributeError,
        ImportError,
    ):
        return None  # another format (an older release): rebuilt
    return lexical if stored_key == _cache_key(version) else None


def _cache_key(version: str) -> str:
    return f"{version}|{LEXICAL_FORMAT}|{glossary.digest()}"


def _save_cache(path: Path, version: str, lexical: LexicalIndex) -> None:
    """Write to a temporary file and rename, so a reader never sees half a cache."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{uuid.uuid4().hex}.tmp")
        with partial.open("wb") as handle:
            pickle.dump((_cache_key(version), lexical), handle, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)
    except OSError:
        pass  # the cache only saves start-up time; the index works without it


def _get_all(collection: Any, include: list[str]) -> dict[str, list[Any]]:
    """Every stored chunk, read in pages: one unpaged get() of ~50k chunks fails inside
    Chroma's SQLite with "too many SQL variables" (measured by benchmarks/retrieval.py)."""
    out: dict[str, list[Any]] = {"ids": [], **{field: [] for field in include}}
    offset = 0
    while True:
        page = collection.get(include=include, limit=_READ_PAGE, offset=offset)
        for field in out:
            found = page[field]  # embeddings come as a numpy array: no truth value
            out[field].extend(found if found is not None else [])
        if len(page["ids"]) < _READ_PAGE:
            return out
        offset += _READ_PAGE
