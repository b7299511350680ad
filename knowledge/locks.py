"""Inter-process locks on a local index folder (flock, like the metrics migrations).

Chroma's local store is not safe for two writers: each process keeps its own copy of the
vector graph in memory and writes it back over the other's. Two `journeybot ingest` runs
at once left an index on which every later command segfaulted. Two locks prevent that:

- the *write* lock: one writer (ingest, rebuild) at a time, held for its whole run, so a
  second ingest waits for the first and then finds its files unchanged;
- the *store* lock: held shared while a process reads the store, exclusive while the
  writer changes it, so a reader never loads a vector file half-written and sees each
  write (with the version that names it) whole.

Both waits are bounded: past the bound the caller gets IndexBusy, one sentence. The lock
files sit beside the index folder, not in it: a damaged index is moved aside whole while
its rebuilder holds the write lock, and the lock must not move with it.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from knowledge.errors import IndexBusy

LOCK_WAIT_SECONDS = 120.0  # a second ingest waits this long for the first (settings)
WRITE_LOCK = ".write.lock"  # suffixes of the index folder's name: index.write.lock
STORE_LOCK = ".store.lock"
_POLL_SECONDS = 0.05


class IndexLocks:
    def __init__(self, path: Path, wait_seconds: float) -> None:
        self.path = path
        self.wait_seconds = wait_seconds

    @contextmanager
    def writing(self) -> Iterator[None]:
        """The write lock, waiting up to `wait_seconds` for the writer before us."""
        with _locked(self._beside(WRITE_LOCK), fcntl.LOCK_EX, self.wait_seconds) as handle:
            if handle is None:
                raise IndexBusy(
                    f"Another ingest is updating the index at {self.path}; run this again "
                    f"when it has finished (waited {self.wait_seconds:g} s, "
                    "INGEST_LOCK_WAIT_SECONDS)."
                )
            yield

    @contextmanager
    def writing_if_free(self) -> Iterator[bool]:
        """The write lock if no one holds it (True), else nothing held (False)."""
        with _locked(self._beside(WRITE_LOCK), fcntl.LOCK_EX, 0.0) as handle:
            yield handle is not None

    @contextmanager
    def store(self, *, exclusive: bool) -> Iterator[None]:
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        with _locked(self._beside(STORE_LOCK), mode, self.wait_seconds) as handle:
            if handle is None:
                raise IndexBusy(
                    f"The index at {self.path} stayed locked by another process for "
                    f"{self.wait_seconds:g} s; try again in a minute.",
                    code="index_busy",
                )
            yield

    def _beside(self, suffix: str) -> Path:
        return self.path.with_name(self.path.name + suffix)


@contextmanager
def _locked(path: Path, mode: int, wait_seconds: float) -> Iterator[IO[str] | None]:
    """The open lock file once `mode` is granted, or None after `wait_seconds`. Polling
    with LOCK_NB keeps the wait bounded without signals (listeners run in threads)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield None
                    return
                time.sleep(_POLL_SECONDS)
        try:
            yield handle
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
