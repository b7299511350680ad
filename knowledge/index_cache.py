"""What a new process needs to answer from a local index without opening Chroma.

Chroma stays the store of record; importing and opening it is most of a new process's
first answer (knowledge/chroma.py). Beside the lexical cache (knowledge/index.py), the
index folder holds two files a question is answered from instead:

- metadata.json: the collection's metadata (its version, the embedding provider) and its
  chunk count, as read from Chroma, with the id of the store's clean state it was read in
  (knowledge/store_check.py: every write of the state gets a new one). It is written only
  with what was read from Chroma in the same hold of a store lock (knowledge/locks.py),
  and every change deletes it first under the exclusive lock; it is used only while the
  state keeps that id, so even a writer that knows nothing of it cannot make it lie;
- vectors.pickle: the stored vectors in lexical row order, for the exact dense scan
  (knowledge/dense.py), with the version and the chunk ids they were read for.

The caller holds the store lock. A file that is missing, unreadable or for another
version is not used: Chroma is read and the file written again. A damaged cache costs
time, never a wrong answer or a crash.
"""

from __future__ import annotations

import json
import pickle
import uuid
from pathlib import Path
from typing import Any

import numpy as np

METADATA = "metadata.json"
VECTORS = "vectors.pickle"


def read_metadata(folder: Path, state: str) -> dict[str, Any] | None:
    """The store's metadata and count as recorded in `state`, or None (then ask Chroma)."""
    try:
        recorded = json.loads((folder / METADATA).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(recorded, dict) or recorded.get("state") != state:
        return None
    metadata, count = recorded.get("metadata"), recorded.get("count")
    if not isinstance(metadata, dict) or not isinstance(count, int):
        return None
    return {**metadata, "count": count}


def write_metadata(folder: Path, state: str, metadata: dict[str, Any], count: int) -> None:
    """Record what was just read from Chroma in `state`, under the store lock still held."""
    recorded = {"state": state, "metadata": metadata, "count": count}
    _replace(folder / METADATA, json.dumps(recorded).encode())


def forget_metadata(folder: Path) -> None:
    """Before a change to the store, with the exclusive lock held."""
    (folder / METADATA).unlink(missing_ok=True)


def load_vectors(folder: Path, version: str, ids: list[str]) -> np.ndarray | None:
    """The vectors of `ids` (rows in that order) at `version`, or None."""
    try:
        with (folder / VECTORS).open("rb") as handle:
            stored_version, stored_ids, vectors = pickle.load(handle)
    except Exception:  # noqa: BLE001 (whatever is wrong with it, Chroma is read instead)
        return None
    if stored_version != version or stored_ids != ids or not isinstance(vectors, np.ndarray):
        return None
    return vectors if vectors.shape[0] == len(ids) else None


def save_vectors(folder: Path, version: str, ids: list[str], vectors: np.ndarray) -> None:
    data = pickle.dumps((version, ids, vectors), protocol=pickle.HIGHEST_PROTOCOL)
    _replace(folder / VECTORS, data)


def _replace(path: Path, data: bytes) -> None:
    """Write to a temporary file and rename, so a reader never sees half a file; a folder
    that cannot be written only costs the next process time."""
    partial = path.with_name(f"{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    except OSError:
        partial.unlink(missing_ok=True)
