"""Whether the local Chroma store can be opened safely, decided before Chroma opens it.

A damaged vector file makes Chroma's Rust core segfault (exit 139) on the first count or
search, which no `except` can catch. So the writer records the store's state in
`state.json`: "writing" before its first change, "clean" with the size and modification
time of every vector file after its last. A store marked clean whose files are as recorded
is opened directly. Anything else (a writer that died part-way, a store left by an older
journeybot, vector files changed behind our back) is first checked in a child process:
SQLite's quick_check of chroma.sqlite3, every stored vector read back, one search. A child
that fails or dies means the store is damaged.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

from knowledge.child_process import child_environment, module_command

STATE = "state.json"
SQLITE = "chroma.sqlite3"
_PROBE_SECONDS = 600  # reading back 50k vectors takes seconds; a hang is damage too
_PROBE_PAGE = 1000


def mark_writing(path: Path) -> None:
    """Before the first change: until mark_clean, the store counts as possibly damaged."""
    _write_state(path, {"state": "writing"})


def mark_clean(path: Path) -> None:
    """After the last change: the store is sound as its vector files now are."""
    _write_state(path, {"state": "clean", "files": _fingerprint(path)})


def is_clean(path: Path) -> bool:
    """True when the store can be opened without a check (or there is no store yet)."""
    if not (path / SQLITE).exists():
        return True
    return _clean_state(path) is not None


def clean_id(path: Path) -> str | None:
    """The id of a clean store's state (None if there is no store, or it is not clean).
    Every write of the state, before and after each change, gets a new id, so what was
    read from the store under one id (knowledge/index_cache.py) still holds while it lasts;
    a state written without one (an older journeybot) keeps nothing recorded trusted."""
    if not (path / SQLITE).exists():
        return None
    state = _clean_state(path)
    found = state.get("id") if state else None
    return found if isinstance(found, str) else None


def _clean_state(path: Path) -> dict[str, object] | None:
    try:
        state = json.loads((path / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("state") != "clean":
        return None
    return state if state.get("files") == _fingerprint(path) else None


def probe(path: Path) -> str | None:
    """None if the store reads back whole, else why not (in a few words). Runs in a child
    process, so a segfault ends the child, not the caller."""
    try:
        done = subprocess.run(
            module_command("knowledge.store_check", str(path)),
            capture_output=True,
            text=True,
            timeout=_PROBE_SECONDS,
            env=child_environment(),
        )
    except subprocess.TimeoutExpired:
        return f"reading it back took over {_PROBE_SECONDS} s"
    if done.returncode == 0:
        return None
    if done.returncode < 0:
        return f"Chroma crashed reading it (signal {-done.returncode})"
    lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
    return lines[-1][:300] if lines else f"the check failed (exit code {done.returncode})"


def indexed_files(path: Path) -> dict[str, str]:
    """The source files the store's chunks came from, each with the name it is shown by
    (its path relative to the folder it was ingested from), read straight from
    chroma.sqlite3 (opening the store through Chroma is what crashes). Recovery only: this
    is Chroma's own table layout; {} when it cannot be read."""
    try:
        with sqlite3.connect(f"file:{path / SQLITE}?mode=ro", uri=True) as db:
            rows = db.execute(
                "SELECT file.string_value, MAX(source.string_value) FROM embedding_metadata "
                "AS file LEFT JOIN embedding_metadata AS source "
                "ON source.id = file.id AND source.key = 'source' "
                "WHERE file.key = 'file' GROUP BY file.string_value"
            ).fetchall()
    except sqlite3.Error:
        return {}
    return {str(file): str(source or "") for file, source in sorted(rows) if file}


def set_aside(path: Path) -> Path:
    """Move a damaged store out of the way (replacing an older damaged one), so it can be
    rebuilt in place and still be looked at."""
    aside = path.with_name(f"{path.name}.damaged")
    if aside.exists():
        shutil.rmtree(aside)
    path.rename(aside)
    path.mkdir()
    return aside


def _fingerprint(path: Path) -> dict[str, list[int]]:
    """Size and modification time of each vector file (those in the segment folders)."""
    files: dict[str, list[int]] = {}
    for folder in sorted(p for p in path.iterdir() if p.is_dir()):
        for file in sorted(folder.iterdir()):
            if file.is_file():
                stat = file.stat()
                files[f"{folder.name}/{file.name}"] = [stat.st_size, stat.st_mtime_ns]
    return files


def _write_state(path: Path, state: dict[str, object]) -> None:
    """Write to a temporary file and rename, so the state is never half a file."""
    path.mkdir(parents=True, exist_ok=True)
    partial = path / f"{STATE}.{uuid.uuid4().hex}.tmp"
    partial.write_text(json.dumps({**state, "id": uuid.uuid4().hex}), encoding="utf-8")
    partial.replace(path / STATE)


def _read_back(path: Path) -> None:
    """The check itself, run in the child: raises (or crashes) if the store is damaged."""
    with sqlite3.connect(f"file:{path / SQLITE}?mode=ro", uri=True) as db:
        verdict = db.execute("PRAGMA quick_check").fetchone()[0]
    if verdict != "ok":
        raise RuntimeError(f"chroma.sqlite3 is damaged ({verdict})")

    import chromadb
    from chromadb.config import Settings

    client = chromadb.PersistentClient(
        path=str(path), settings=Settings(anonymized_telemetry=False)
    )
    for listed in client.list_collections():
        collection = client.get_collection(listed.name)
        count = collection.count()
        for offset in range(0, count, _PROBE_PAGE):
            page = collection.get(include=["embeddings"], limit=_PROBE_PAGE, offset=offset)
            vectors = page["embeddings"]
            if vectors is not None and len(vectors):
                collection.query(
                    query_embeddings=[vectors[0]], n_results=min(10, count), include=[]
                )


if __name__ == "__main__":
    try:
        _read_back(Path(sys.argv[1]))
    except Exception as error:  # noqa: BLE001 - any failure to read back is damage
        print(f"{type(error).__name__}: {error}".splitlines()[0], file=sys.stderr)
        sys.exit(1)
