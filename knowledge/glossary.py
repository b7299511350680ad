"""The cross-lingual glossary: concepts named in Danish, Norwegian, Swedish and English.

No offline multilingual embedding model exists here (FINDINGS.md), so an English question
would never meet a Danish passage by meaning. knowledge/glossary.yaml (one editable file)
lists each concept with its words in the four languages. A word names a concept when it
is one of those words, has the same Snowball stem (in the word's language), is an
inflection of it (a few letters more), or is a Scandinavian compound with it as one of
its parts (kundefrafald → customer + churn). Multi-word forms match as phrases, and a
phrase wins over the single words inside it ("personal data" is not "staff").
"""

from __future__ import annotations

import hashlib
import pickle
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import Stemmer
import yaml

from knowledge import text

GLOSSARY_FILE = Path(__file__).with_name("glossary.yaml")
_LANGUAGES = ("da", "no", "sv", "en")
_MIN_STEM = 4  # shorter stems must match a whole word ("mål" is not "måling"); a stem
# of 4 must be the word's own stem, and only longer ones take an inflection ("tick" ≠ "ticked")
_MIN_PART = 4  # the shortest compound part that names a concept on its own
_INFLECTION = 3  # letters an inflection may add to a stem (kunde → kunderne needs stem+3)
_LINKING = ("s", "e")  # kunde|s|service, kunde|frafald: letters that join compound parts


@dataclass(frozen=True)
class Concept:
    id: str
    forms: dict[str, tuple[str, ...]]  # language -> words and phrases, lowercase


@dataclass(frozen=True)
class _Index:
    concepts: dict[str, Concept]
    by_word: dict[str, frozenset[str]]  # exact single-word forms
    by_stem: dict[tuple[str, str], frozenset[str]]  # (language, stem of a single-word form)
    phrases: dict[str, tuple[tuple[tuple[str, ...], str], ...]]  # first stem -> (stems, id)


def read_entries(path: Path) -> dict[str, dict[str, list[str]]]:
    """The raw entries of a glossary-format YAML file (YAML 1.1 reads `no:` as False).

    Read with libyaml's C loader where PyYAML has it: the pure-Python one spent 2 s of every
    new process's first answer on the 1,200 concepts."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}  # noqa: S506 (safe)
    entries: dict[str, dict[str, list[str]]] = {}
    for name, entry in raw.items():
        forms = {("no" if key is False else str(key)): value for key, value in entry.items()}
        entries[str(name)] = {
            language: [str(form).lower().strip() for form in forms.get(language) or []]
            for language in _LANGUAGES
        }
    return entries


@cache
def _index(path: Path = GLOSSARY_FILE) -> _Index:
    return _compiled(path)


def _compiled(path: Path) -> _Index:
    """The glossary's index, loaded from its compilation beside the file (in __pycache__,
    like a module's bytecode) when that was made from these very bytes by this very code;
    else built and compiled for the next process. Building costs every new process ~0.4 s
    of its first answer, loading ~0.04 s (benchmarks/startup.py). A compilation that cannot
    be read, or whose key differs, is never trusted; one that cannot be written is skipped."""
    key = _compilation_key(path)
    folder = path.parent / "__pycache__"
    compiled = folder / f"{path.stem}.{key[:16]}.pickle"
    try:
        with compiled.open("rb") as handle:
            stored_key, index = pickle.load(handle)
        if stored_key == key and isinstance(index, _Index):
            return index
    except Exception:  # noqa: BLE001 (whatever is wrong with it, it is rebuilt)
        pass
    index = _build_index(path)
    try:
        folder.mkdir(exist_ok=True)
        partial = folder / f"{compiled.name}.{uuid.uuid4().hex}.tmp"
        with partial.open("wb") as handle:
            pickle.dump((key, index), handle, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(compiled)  # a reader never sees half a file
        for stale in folder.glob(f"{path.stem}.*.pickle"):
            if stale != compiled:
                stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only install: built in every process, as before
    return index


def _compilation_key(path: Path) -> str:
    """Everything the index is made from: the glossary's bytes, the code that reads it
    (this module, knowledge/text.py) and the Snowball stemmers' version."""
    digest = hashlib.sha256(path.read_bytes())
    for code in (Path(__file__), Path(text.__file__)):
        digest.update(code.read_bytes())
    digest.update(Stemmer.version().encode())
    return digest.hexdigest()


def _build_index(path: Path) -> _Index:
    concepts: dict[str, Concept] = {}
    by_word: dict[str, set[str]] = {}
    by_stem: dict[tuple[str, str], set[str]] = {}
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for concept_id, forms in read_entries(path).items():
        concepts[concept_id] = Concept(
            concept_id, {language: tuple(forms[language]) for language in _LANGUAGES}
        )
        for language, language_forms in forms.items():
            for form in language_forms:
                parts = tuple(text.words(form))
                if len(parts) > 1:
                    stems = tuple(text.stem(part, "en") for part in parts)
                    phrases.setdefault(stems[0], []).append((stems, concept_id))
                elif parts:
                    by_word.setdefault(parts[0], set()).add(concept_id)
                    stem = text.stem(parts[0], language)
                    if len(stem) >= _MIN_STEM:
                        by_stem.setdefault((language, stem), set()).add(concept_id)
    return _Index(
        concepts,
        {word: frozenset(ids) for word, ids in by_word.items()},
        {stem: frozenset(ids) for stem, ids in by_stem.items()},
        {first: tuple(found) for first, found in phrases.items()},
    )


@cache
def digest(path: Path = GLOSSARY_FILE) -> str:
    """A short hash of the glossary file: what was tokenised with it is stale once it changes."""
    return hashlib.sha1(path.read_bytes()).hexdigest()[:12]


def concept(concept_id: str) -> Concept:
    return _index().concepts[concept_id]


def _direct(word: str, languages: tuple[str, ...]) -> frozenset[str]:
    """Concepts the word names as a whole: the form itself in any language (which settles
    it: "journeybot" is the bot, not a journey), or else its stem or an inflection of a
    form in the text's language (Danish "passe" is not the Swedish "pass", a shift)."""
    index = _index()
    if word in index.by_word:
        return index.by_word[word]
    found: set[str] = set()
    for language in languages:  # a stem means something only in its own language
        found |= index.by_stem.get((language, text.stem(word, language)), frozenset())
        for cut in range(max(_MIN_STEM + 1, len(word) - _INFLECTION), len(word)):
            found |= index.by_stem.get((language, word[:cut]), frozenset())
    return frozenset(found)


@lru_cache(maxsize=200_000)
def concepts_of(word: str, language: str | None = None) -> frozenset[str]:
    """The concepts one word names, including those of its compound parts; stems are
    compared in `language` (all four when the text's language is not known)."""
    languages = (language,) if language in _LANGUAGES else _LANGUAGES
    found = set(_direct(word, languages))
    if found or len(word) < 2 * _MIN_PART:
        return frozenset(found)
    for cut in range(_MIN_PART, len(word) - _MIN_PART + 1):
        head, tail = word[:cut], word[cut:]
        tail_concepts = _direct(tail, languages)
        if not tail_concepts and tail[0] in _LINKING and len(tail) > _MIN_PART:
            tail_concepts = _direct(tail[1:], languages)
        if not tail_concepts:
            continue
        head_concepts = _direct(head, languages)
        if not head_concepts and head.endswith(_LINKING):
            head_concepts = _direct(head[:-1], languages)
        if head_concepts or len(tail) >= 6:  # a long known tail names the whole compound
            return frozenset(tail_concepts | head_concepts)
    return frozenset()


def concepts_at(text_words: Sequence[str], language: str | None = None) -> list[frozenset[str]]:
    """For each word, the concepts it names, phrases first (their words name nothing else)."""
    index = _index()
    found: list[frozenset[str]] = [frozenset()] * len(text_words)
    in_phrase = [False] * len(text_words)
    stems = [text.stem(word, "en") for word in text_words]  # phrases compare by stem
    for start, first in enumerate(stems):
        for parts, concept_id in index.phrases.get(first, ()):
            end = start + len(parts)
            if tuple(stems[start:end]) == parts:
                for position in range(start, end):
                    in_phrase[position] = True
                    found[position] = found[position] | {concept_id}
    for position, word in enumerate(text_words):
        if not in_phrase[position]:
            found[position] = concepts_of(word, language)
    return found


def translations(query: str, language: str) -> dict[str, dict[str, list[str]]]:
    """For each target language, each concept the query names with its words there.

    Retrieval searches these words with the target language's stemmer; words that name
    no concept (names, numbers, GDPR) are searched as they are by the other retrievers.
    """
    query_words = text.words(query)
    named: list[str] = []
    for concepts in concepts_at(query_words, language):
        named += [concept_id for concept_id in sorted(concepts) if concept_id not in named]
    return {
        target: {concept_id: list(concept(concept_id).forms[target]) for concept_id in named}
        for target in _LANGUAGES
    }
