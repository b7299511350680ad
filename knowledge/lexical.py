"""Lexical retrieval kept in memory: BM25 over Snowball stems (one index per stemmer:
danish, norwegian, swedish, english) and BM25 over character 4-grams.

Why lexical first: over Scandinavian text, BM25 with the right stemmer beats every dense
model that can be had offline (FINDINGS.md). Every index covers every chunk, so a
Danish question can also be stemmed the Norwegian or Swedish way and meet passages in
the neighbouring languages; character n-grams catch compounds and inflections the
stemmers miss (kundefrafaldet ↔ frafald). Built from the chunks stored in Chroma, so it
never disagrees with the vector store.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

import bm25s
import numpy as np
import Stemmer

from knowledge.models import Chunk
from knowledge.text import CONCEPT_MARK, LANGUAGES, STEMMERS, concept_tokens, stopwords, words

# bm25s sets its own logger to DEBUG; once anything configures the root logger, every index
# build would print "Building index from tokens" into the CLI's output.
logging.getLogger("bm25s").setLevel(logging.WARNING)

NGRAM = 4


class Stems:
    """Snowball stems per language, memoised per word (PyStemmer is fast; dicts are faster)."""

    def __init__(self) -> None:
        self._stemmers = {lang: Stemmer.Stemmer(name) for lang, name in STEMMERS.items()}
        self._memo: dict[str, dict[str, str]] = {lang: {} for lang in STEMMERS}

    def __getstate__(self) -> dict[str, dict[str, str]]:
        return self._memo  # PyStemmer objects cannot be pickled; they are cheap to remake

    def __setstate__(self, memo: dict[str, dict[str, str]]) -> None:
        self._stemmers = {lang: Stemmer.Stemmer(name) for lang, name in STEMMERS.items()}
        self._memo = memo

    def tokens(self, text_words: Iterable[str], language: str) -> list[str]:
        memo = self._memo[language]
        stop = stopwords(language)
        stemmer = self._stemmers[language]
        out = []
        for word in text_words:
            if word in stop or len(word) < 2:
                continue
            stem = memo.get(word)
            if stem is None:
                stem = memo[word] = stemmer.stemWord(word)
            out.append(stem)
        return out


def char_ngrams(text_words: Iterable[str], memo: dict[str, list[str]] | None = None) -> list[str]:
    """4-grams inside each word padded with '#', so word starts and ends count."""
    memo = {} if memo is None else memo
    out: list[str] = []
    for word in text_words:
        grams = memo.get(word)
        if grams is None:
            padded = f"#{word}#"
            grams = [padded[i : i + NGRAM] for i in range(max(len(padded) - NGRAM + 1, 1))]
            memo[word] = grams
        out.extend(grams)
    return out


def indexed_text(chunk: Chunk) -> str:
    """What lexical retrieval sees: the title, tags and section heading count too, the
    heading twice (a field weight, as BM25F gives one): the author's own words for what
    the lines under it are about ("Ledelsens rolle" for "what must leadership do")."""
    return f"{chunk.title}\n{chunk.section}\n{chunk.section}\n{chunk.about}\n{chunk.text}"


class _Bm25:
    """One bm25s index with out-of-vocabulary query tokens dropped instead of raising."""

    def __init__(self, corpus_tokens: list[list[str]]) -> None:
        self.model = bm25s.BM25()
        # bm25s needs at least one token per document to keep rows aligned.
        self.model.index([tokens or ["\x00"] for tokens in corpus_tokens], show_progress=False)
        self.vocab = self.model.vocab_dict
        self.size = len(corpus_tokens)

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        ids = [self.vocab[token] for token in tokens if token in self.vocab]
        if not ids:
            return np.zeros(self.size, dtype=np.float32)
        return self.model.get_scores_from_ids(ids)


class LexicalIndex:
    """BM25 per stemmer plus character n-grams over one list of chunks (row i = chunks[i])."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self.chunks = chunks
        self.row_of = {chunk.id: row for row, chunk in enumerate(chunks)}
        self._stems = Stems()
        self._ngram_memo: dict[str, list[str]] = {}
        corpus_words = [words(indexed_text(chunk)) for chunk in chunks]
        self._bm25: dict[str, _Bm25] = {}
        self._char: _Bm25 | None = None
        self._concepts: _Bm25 | None = None
        # Chunks naming each concept (through a form, an inflection, a compound or a
        # phrase, exactly as the concept retriever reads them): its document frequency.
        self.concept_rows: dict[str, int] = {}
        if chunks:
            for language in LANGUAGES:
                self._bm25[language] = _Bm25(
                    [self._stems.tokens(ws, language) for ws in corpus_words]
                )
            self._char = _Bm25([char_ngrams(ws, self._ngram_memo) for ws in corpus_words])
            tokens = [
                concept_tokens(ws, chunk.language)
                for ws, chunk in zip(corpus_words, chunks, strict=True)
            ]
            self._concepts = _Bm25(tokens)
            for row_tokens in tokens:
                for token in set(row_tokens):
                    if token.startswith(CONCEPT_MARK):
                        self.concept_rows[token[1:]] = self.concept_rows.get(token[1:], 0) + 1

    def __len__(self) -> int:
        return len(self.chunks)

    def stem_scores(self, query: str, stemmer_language: str) -> np.ndarray:
        """BM25 of the query stemmed the `stemmer_language` way."""
        if not self.chunks:
            return np.zeros(0, dtype=np.float32)
        tokens = self._stems.tokens(words(query), stemmer_language)
        return self._bm25[stemmer_language].scores(tokens)

    def char_scores(self, query: str) -> np.ndarray:
        if self._char is None:
            return np.zeros(0, dtype=np.float32)
        return self._char.scores(char_ngrams(words(query), self._ngram_memo))

    def concept_scores(self, query: str, language: str) -> np.ndarray:
        """BM25 over language-neutral tokens (knowledge/text.py: concept_tokens): the
        question's concepts meet passages in any of the four languages alike."""
        if self._concepts is None:
            return np.zeros(0, dtype=np.float32)
        return self._concepts.scores(concept_tokens(words(query), language))

    def terms_scores(self, terms_by_language: dict[str, list[str]]) -> np.ndarray:
        """BM25 of words given per language, each stemmed with its own language's stemmer."""
        total = np.zeros(len(self.chunks), dtype=np.float32)
        for language, terms in terms_by_language.items():
            if terms and self.chunks:
                total += self.stem_scores(" ".join(terms), language)
        return total


def top_rows(scores: np.ndarray, k: int) -> list[int]:
    """Rows with a positive score, best first (ties by row for a stable order)."""
    if scores.size == 0:
        return []
    k = min(k, scores.size)
    candidates = np.argpartition(-scores, k - 1)[:k]
    ranked = sorted(candidates.tolist(), key=lambda row: (-float(scores[row]), row))
    return [row for row in ranked if scores[row] > 0]
