"""The one object the bot and the CLI talk to: ingest documents, ask questions.

It owns the order of work for a question — validate (before any retrieval), detect the
language, retrieve (with the thread's earlier question for follow-ups, and LLM
translations of the question when a model is configured), decide whether the evidence is
strong enough, then answer with the LLM or extractively. The index and the chat model
are created on first use and kept, so a batch of questions loads them once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge.abstention import Vocabulary, evidence_strength, passage_evidence, should_abstain
from knowledge.answer import extractive_answer
from knowledge.citations import with_links
from knowledge.errors import EmptyKnowledgeBase
from knowledge.fusion import reciprocal_rank_fusion
from knowledge.language import detect
from knowledge.locks import LOCK_WAIT_SECONDS
from knowledge.messages import ABSTAIN, FALLBACK_NOTES, in_language, join_notes
from knowledge.models import Answer, Hit, IngestReport
from knowledge.parse_workers import FileBudget
from knowledge.questions import validate_question
from knowledge.text import content_terms

if TYPE_CHECKING:
    from knowledge.chat_model import ChatModel
    from knowledge.index import Index
    from knowledge.llm_answer import LlmAnswerer

EMPTY_MESSAGE = (
    "The knowledge base is empty: add documents with `journeybot ingest PATH` "
    "(or run `journeybot demo`)."
)
HITS_PER_QUERY = 8
RERANKED = 20  # fused candidates the evidence reranking looks at
RERANK_WEIGHT = 0.6  # evidence share against the fused score (normalised to 1 at the top)
SAME_LANGUAGE_BONUS = 0.1  # of two passages that hold the question alike, the one in its language
FOLLOW_UP_MAX_TERMS = 5  # a question this short after earlier turns is read as a follow-up


class KnowledgeBase:
    def __init__(
        self,
        path: Path | str,
        *,
        chroma_host: str | None = None,
        chroma_port: int = 8000,
        embedding_model: str = "wordllama",
        llm_model: str | None = None,
        llm_timeout_seconds: float = 20.0,
        max_question_chars: int = 2000,
        file_budget: FileBudget | None = None,
        lock_wait_seconds: float = LOCK_WAIT_SECONDS,
        index: Index | None = None,
        chat_model: Callable[[], ChatModel | None] | None = None,
        source_urls: Mapping[str, str] | None = None,
    ) -> None:
        """`chat_model` gives the chat model the composition root built once and shares with
        the story writer (called on first use: ingesting never loads a model); without it,
        `llm_model` is loaded on first use. `source_urls` maps folder prefixes to base URLs
        (knowledge/citations.py), applied to each answer's sources."""
        self.path = Path(path)
        self.chroma_host = chroma_host
        self.chroma_port = chroma_port
        self.embedding_model = embedding_model
        self.llm_model = llm_model
        self.llm_timeout_seconds = llm_timeout_seconds
        self.max_question_chars = max_question_chars
        self.file_budget = file_budget
        self.lock_wait_seconds = lock_wait_seconds
        self._index = index
        self._chat_model = chat_model
        self.source_urls = dict(source_urls or {})
        self._llm: LlmAnswerer | None = None
        self._loading = threading.Lock()  # Slack listeners ask from many threads at once

    @property
    def index(self) -> Index:
        with self._loading:
            if self._index is None:
                from knowledge.index import Index

                self._index = Index(
                    self.path,
                    chroma_host=self.chroma_host,
                    chroma_port=self.chroma_port,
                    embedding_model=self.embedding_model,
                    file_budget=self.file_budget,
                    lock_wait_seconds=self.lock_wait_seconds,
                )
        return self._index

    @property
    def llm(self) -> LlmAnswerer | None:
        with self._loading:
            if self._llm is None and (self._chat_model or self.llm_model):
                from knowledge.chat_model import ChatModel
                from knowledge.llm_answer import LlmAnswerer

                chat = (
                    self._chat_model()
                    if self._chat_model
                    else ChatModel(self.llm_model or "", self.llm_timeout_seconds)
                )
                self._llm = LlmAnswerer(chat) if chat else None
        return self._llm

    def load_llm(self) -> None:
        """Load the configured chat model now: a bad LLM_MODEL is a configuration error
        (LlmUnavailable, one sentence), better raised before a batch than inside it."""
        _ = self.llm

    def ingest(
        self, paths: Sequence[Path], progress: Callable[[int, int], None] | None = None
    ) -> IngestReport:
        return self.index.ingest([Path(p) for p in paths], progress)

    def count(self) -> int:
        return self.index.count()

    def health(self) -> None:
        self.index.health()

    def ask(self, question: str, history: Sequence[str] = ()) -> Answer:
        """A short cited answer, or answered=False with a hint when the evidence is weak.

        `history` is the earlier turns of a thread, oldest first: a short follow-up such
        as "and in Sweden?" is retrieved together with the turn before it, but the answer
        is to the new question, in its language. Each source is named by its path relative
        to the ingested folder and carries a URL where one is known.
        """
        return with_links(self._answer(question, history), self.source_urls)

    def _answer(self, question: str, history: Sequence[str]) -> Answer:
        text = validate_question(question, self.max_question_chars)
        language = detect(text)
        if self.index.count() == 0:
            raise EmptyKnowledgeBase(EMPTY_MESSAGE, code="knowledge_base_empty")
        query = retrieval_query(text, language, history, self.max_question_chars)
        variants = self._query_variants(query, language)
        fused = self._fused(variants)
        vocabulary = self._vocabulary()
        # Evidence is judged on the retrievers' own top passages, as calibrated: the
        # reranking below looks for the best evidence among 20, and would find some.
        strength = max(evidence_strength(q, lang, fused, vocabulary) for q, lang in variants)
        if should_abstain(strength):
            return abstention(language)
        hits = self._reranked(variants, fused)
        llm = self.llm

        fallback_note = None
        if llm is not None:
            from knowledge.llm_answer import LlmFailed

            try:
                reply = llm.answer(text if query == text else query, language, hits)
            except LlmFailed as failure:
                fallback_note = in_language(FALLBACK_NOTES[failure.kind], language)
            else:
                return reply.answer if reply.answer is not None else abstention(language)

        answer = extractive_answer(query, language, hits)
        if not answer.answered:
            return abstention(language)
        answer.note = join_notes(answer.note, fallback_note)
        return answer

    def search(self, question: str, history: Sequence[str] = ()) -> list[Hit]:
        """The passages `ask` would answer from, best first (for evaluation and debugging)."""
        text = validate_question(question, self.max_question_chars)
        language = detect(text)
        query = retrieval_query(text, language, history, self.max_question_chars)
        return self._retrieve(self._query_variants(query, language))

    def _query_variants(self, query: str, language: str) -> list[tuple[str, str]]:
        """The question, plus the chat model's translations of it when one is configured."""
        variants = [(query, language)]
        if self.llm is not None:
            variants += [(line, detect(line)) for line in self.llm.translate(query)]
        return variants

    def _retrieve(self, variants: list[tuple[str, str]]) -> list[Hit]:
        """Hits for each query variant, fused by reciprocal rank, then reordered by how
        much of the question each passage holds (through the glossary, in any language)."""
        return self._reranked(variants, self._fused(variants))

    def _reranked(self, variants: list[tuple[str, str]], fused: list[Hit]) -> list[Hit]:
        query, language = variants[0]
        return rerank(query, language, fused, self._vocabulary())[:HITS_PER_QUERY]

    def _vocabulary(self) -> Vocabulary | None:
        return self.index if hasattr(self.index, "concept_share") else None

    def _fused(self, variants: list[tuple[str, str]]) -> list[Hit]:
        if len(variants) == 1:
            query, language = variants[0]
            return self.index.search(query, language, k=RERANKED)
        found: dict[str, Hit] = {}
        rankings: dict[str, list[str]] = {}
        for number, (query, language) in enumerate(variants):
            hits = self.index.search(query, language, k=RERANKED)
            rankings[str(number)] = [hit.chunk.id for hit in hits]
            for hit in hits:
                found.setdefault(hit.chunk.id, hit)
        fused = reciprocal_rank_fusion(rankings, dict.fromkeys(rankings, 1.0))
        return [found[chunk_id] for chunk_id, _ in fused[:RERANKED]]


def rerank(
    question: str, language: str, hits: list[Hit], vocabulary: Vocabulary | None
) -> list[Hit]:
    """Fused hits reordered by fused score (the best is 1.0) + RERANK_WEIGHT × the share of
    the question the passage holds: an English question whose answer is only in a Danish
    passage meets it through the glossary, while the English retrievers agree on English
    passages that merely share its words. Ties keep the fused order."""
    if not hits:
        return hits
    top = max(hit.score for hit in hits) or 1.0
    evidence = passage_evidence(question, language, hits, vocabulary)
    order = sorted(
        range(len(hits)),
        key=lambda i: (
            -(
                hits[i].score / top
                + RERANK_WEIGHT * evidence[i]
                + (SAME_LANGUAGE_BONUS if hits[i].chunk.language == language else 0.0)
            ),
            i,
        ),
    )
    return [hits[i] for i in order]


def retrieval_query(question: str, language: str, history: Sequence[str], max_chars: int) -> str:
    """The question, preceded by the thread's previous turn when it reads as a follow-up."""
    previous = next((turn.strip() for turn in reversed(history) if turn.strip()), "")
    if not previous or len(content_terms(question, language)) > FOLLOW_UP_MAX_TERMS:
        return question
    return f"{previous[:max_chars]} {question}"


def abstention(language: str) -> Answer:
    return Answer(answered=False, answer=in_language(ABSTAIN, language), language=language)
