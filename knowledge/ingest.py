"""Which files an ingest touches: walk the given paths, hash each file, compare with what
the index already holds (the manifest), and plan added / updated / unchanged / removed.

The manifest is not a separate file: every chunk in Chroma carries the resolved path and
content hash of the file it came from, so the manifest is read back from the collection
and is written in the same call as the chunks. If embedding or writing fails, the
file's chunks (and so its manifest entry) are not there: nothing claims it was indexed.
The same holds for several processes sharing one Chroma server.

A folder that cannot be listed (permissions changed, a network share gone) is not a
folder whose files were deleted: its documents stay indexed and it is reported as skipped.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.citations import shown_name
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
    names: dict[str, str] = field(default_factory=dict)  # file key -> shown_name


def file_key(path: Path) -> str:
    """How the manifest names a file: its resolved absolute path."""
    return str(path.resolve())


def content_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Walked:
    files: list[Path] = field(default_factory=list)  # to look at
    folders: list[Path] = field(default_factory=list)  # walked: their deleted files go
    missing: list[SkippedFile] = field(default_factory=list)  # named, but do not exist
    unreadable: list[SkippedFile] = field(default_factory=list)  # folders not listable
    names: dict[str, str] = field(default_factory=dict)  # file key -> shown_name


def walk(paths: Iterable[Path]) -> Walked:
    """The files under `paths`, and what could not be looked at.

    Folders are walked recursively for supported suffixes (hidden files and folders are
    left out); a file named directly is always looked at, so an unsupported one is
    reported as skipped rather than silently ignored. A folder that cannot be listed is
    reported, not passed over in silence as Path.rglob does.
    """
    walked = Walked()
    seen: set[str] = set()
    for path in paths:
        path = Path(path)
        if path.is_dir():
            walked.folders.append(path)
            found = sorted(_supported_files(path, walked.unreadable))
        elif path.is_file():
            found = [path]
        else:
            walked.missing.append(
                SkippedFile(
                    path=str(path), reason="no such file or folder; check the path and retry."
                )
            )
            continue
        for candidate in found:
            key = file_key(candidate)
            if key not in seen:
                seen.add(key)
                walked.files.append(candidate)
                walked.names[key] = shown_name(candidate, path)
    return walked


def _supported_files(folder: Path, unreadable: list[SkippedFile]) -> list[Path]:
    def report(error: OSError) -> None:
        unreadable.append(
            SkippedFile(
                path=str(error.filename or folder),
                reason=f"this folder cannot be read ({error.strerror or error}); the "
                "documents indexed from it are kept until it can be read again.",
            )
        )

    found: list[Path] = []
    for root, dirs, names in os.walk(folder, onerror=report):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        found.extend(
            Path(root) / name
            for name in names
            if not name.startswith(".") and Path(name).suffix.lower() in SUFFIXES
        )
    return [file for file in found if file.is_file()]


def plan(paths: Iterable[Path], manifest: Mapping[str, ManifestEntry]) -> IngestPlan:
    """Compare the files under `paths` with the manifest, by content hash."""
    walked = walk(paths)
    files, folders, missing = walked.files, walked.folders, walked.missing
    result = IngestPlan(skipped=list(missing), names=walked.names)
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
    kept = [file_key(Path(item.path)) for item in walked.unreadable]
    for key in manifest:
        if key in present or any(_within(key, folder) for folder in kept):
            continue
        for root in [*roots, *gone]:
            if _within(key, root):
                result.removed.append(key)
                gone.pop(root, None)  # it was indexed, so this is a removal, not a skip
                break
    result.skipped = (
        [item for item in result.skipped if item not in missing]
        + list(gone.values())
        + walked.unreadable
    )
    return result


def _within(key: str, root: str) -> bool:
    return key == root or key.startswith(root.rstrip("/") + "/")
