"""Which files an ingest touches: walk the given paths, hash each file, compare with what
the index already holds (the manifest), and plan added / updated / unchanged / removed.

The manifest is not a separate file: every chunk in Chroma carries the resolved path and
content hash of the file it came from, so the manifest is read back from the collection
and is written in the same call as the chunks. If embedding or writing fails, the
file's chunks (and so its manifest entry) are not there: nothing claims it was indexed.
The same holds for several processes sharing one Chroma server.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.models import SkippedFile

SUFFIXES = frozenset({".md", ".markdown", ".txt", ".html", ".htm", ".pdf"})


@dataclass
class ManifestEntry:
    content_hash: str
    chunk_ids: list[str] = field(default_factory=list)


@dataclass
class IngestPlan:
    new: list[tuple[Path, str]] = field(default_factory=list)  # (file, content hash)
    changed: list[tuple[Path, str]] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # manifest keys gone from disk
    skipped: list[SkippedFile] = field(default_factory=list)


def file_key(path: Path) -> str:
    """How the manifest names a file: its resolved absolute path."""
    return str(path.resolve())


def content_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def walk(paths: Iterable[Path]) -> tuple[list[Path], list[Path], list[SkippedFile]]:
    """(files to look at, folders walked, paths that do not exist).

    Folders are walked recursively for supported suffixes (hidden files and folders are
    left out); a file named directly is always looked at, so an unsupported one is
    reported as skipped rather than silently ignored.
    """
    files: list[Path] = []
    folders: list[Path] = []
    missing: list[SkippedFile] = []
    seen: set[str] = set()
    for path in paths:
        path = Path(path)
        if path.is_dir():
            folders.append(path)
            found = sorted(
                candidate
                for candidate in path.rglob("*")
                if candidate.is_file()
                and candidate.suffix.lower() in SUFFIXES
                and not _is_hidden(candidate, path)
            )
        elif path.is_file():
            found = [path]
        else:
            missing.append(
                SkippedFile(
                    path=str(path), reason="no such file or folder; check the path and retry."
                )
            )
            continue
        for candidate in found:
            key = file_key(candidate)
            if key not in seen:
                seen.add(key)
                files.append(candidate)
    return files, folders, missing


def plan(paths: Iterable[Path], manifest: Mapping[str, ManifestEntry]) -> IngestPlan:
    """Compare the files under `paths` with the manifest, by content hash."""
    files, folders, missing = walk(paths)
    result = IngestPlan(skipped=list(missing))
    present: set[str] = set()
    for file in files:
        key = file_key(file)
        present.add(key)
        try:
            digest = content_hash(file)
        except OSError as error:
            result.skipped.append(
                SkippedFile(path=str(file), reason=f"cannot be read ({error.strerror}).")
            )
            continue
        entry = manifest.get(key)
        if entry is None:
            result.new.append((file, digest))
        elif entry.content_hash != digest:
            result.changed.append((file, digest))
        else:
            result.unchanged.append(file)
    roots = [file_key(folder) for folder in folders]
    gone = {file_key(Path(item.path)): item for item in missing}  # named, now deleted
    for key in manifest:
        if key in present:
            continue
        for root in [*roots, *gone]:
            if key == root or key.startswith(root.rstrip("/") + "/"):
                result.removed.append(key)
                gone.pop(root, None)  # it was indexed, so this is a removal, not a skip
                break
    result.skipped = [item for item in result.skipped if item not in missing] + list(gone.values())
    return result
