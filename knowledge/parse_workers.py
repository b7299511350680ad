"""Files are loaded and chunked in worker processes, each file within a time and size budget.

Some inputs make a parser hang or eat memory: a 1 KB YAML alias bomb in front matter, a
10 KB PDF whose pages share one content stream of a million operators, a line that makes a
regular expression backtrack. That work cannot be interrupted inside the process (C code
never looks at signals), so it runs in a worker process that is killed when its file runs
over the time budget, and whose memory is capped. A file over the size budget is not read
at all. Either way the file is skipped with one sentence and the other files go on.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from knowledge.child_process import child_environment, module_command
from knowledge.errors import KnowledgeError
from knowledge.models import Chunk

_MB = 1_000_000
_BASE_MEMORY = 512 * 1024 * 1024  # a worker with bs4 and pypdf loaded, plus headroom
_MEMORY_PER_INPUT_BYTE = 50  # parsed text, sections and chunks of a large file


@dataclass(frozen=True)
class FileBudget:
    """What one file may cost to read; settings INGEST_MAX_FILE_MB/_SECONDS."""

    max_bytes: int = 20 * _MB
    max_seconds: float = 30.0

    @property
    def max_memory(self) -> int:
        return _BASE_MEMORY + _MEMORY_PER_INPUT_BYTE * self.max_bytes


class ParserUnavailable(KnowledgeError):
    """A worker process could not be started at all."""


class ParsePool:
    """Worker processes that parse files within the budget. They start on entering the
    `with` block, so they load while the caller reads the manifest and plans."""

    def __init__(self, budget: FileBudget, workers: int | None = None) -> None:
        self.budget = budget
        self.count = max(1, workers or default_workers())
        self._pool: list[_Worker] = []

    def __enter__(self) -> ParsePool:
        try:
            for _ in range(self.count):
                self._pool.append(_Worker(self.budget))
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        for worker in self._pool:
            worker.stop()
        self._pool = []

    def parse(self, files: Sequence[Path]) -> Iterator[tuple[Path, list[Chunk] | str]]:
        """Each file with its chunks, or with the one-sentence reason it was skipped, in
        the order given. A file that runs over the time budget has its worker killed and
        replaced, and the rest of that worker's batch goes to another."""
        todo = deque(enumerate(files))
        done: dict[int, list[Chunk] | str] = {}
        emitted = 0
        while emitted < len(files):
            for worker in self._pool:
                while worker.ready and todo and len(worker.assigned) < _AHEAD:
                    worker.assign(_next_batch(todo, done, self.budget, len(self._pool)))
            while emitted in done:
                yield files[emitted], done.pop(emitted)
                emitted += 1
            if emitted < len(files):
                _collect(self._pool, todo, done, self.budget)


def parse_files(
    files: Sequence[Path], budget: FileBudget, workers: int | None = None
) -> Iterator[tuple[Path, list[Chunk] | str]]:
    """ParsePool.parse with a pool of its own."""
    with ParsePool(budget, min(workers or default_workers(), max(1, len(files)))) as pool:
        yield from pool.parse(files)


def default_workers() -> int:
    """Parsing runs beside embedding and writing in the main process, which keep a core
    busy; small files parse faster than they embed, so more workers only add start-up."""
    return max(1, min(2, (os.cpu_count() or 1) - 1))


def _next_batch(
    todo: deque[tuple[int, Path]],
    done: dict[int, list[Chunk] | str],
    budget: FileBudget,
    workers: int,
) -> list[tuple[int, Path]]:
    """Up to _BATCH files within the size budget (those over it are skipped right here),
    fewer near the end so that every worker gets a share."""
    size = max(1, min(_BATCH, len(todo) // workers))
    batch: list[tuple[int, Path]] = []
    while todo and len(batch) < size:
        index, file = todo.popleft()
        reason = _over_size(file, budget)
        if reason is None:
            batch.append((index, file))
        else:
            done[index] = reason
    return batch


def _collect(
    pool: list[_Worker],
    todo: deque[tuple[int, Path]],
    done: dict[int, list[Chunk] | str],
    budget: FileBudget,
) -> None:
    """Wait for results, a worker's death or the nearest deadline, and record them."""
    busy = [worker for worker in pool if worker.assigned or not worker.ready]
    if not busy:
        return
    deadlines = [worker.deadline for worker in busy if worker.assigned]
    timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
    wait([worker.conn for worker in busy], timeout)  # a worker that dies reads as EOF
    for slot, worker in enumerate(pool):
        state = worker.receive(done)
        if state is None:
            continue
        if not worker.ready:
            raise ParserUnavailable(
                "The file parser process could not start "
                f"(exit code {worker.process.poll()}); check the Python installation."
            )
        if worker.assigned:
            index, file = worker.assigned.popleft()
            done[index] = _late(file, budget) if state is _LATE else _crashed(file, worker)
            todo.extendleft(reversed(worker.assigned))
        worker.stop()
        pool[slot] = _Worker(budget)


_BATCH = 16  # files per message: a round trip per small file cost more than parsing it
# Files a worker may have queued: enough to keep parsing while the caller embeds and writes
# a batch (~1 s), few enough that the paths never fill the socket (so sends never block).
_AHEAD = 256
_SOCKET_BUFFER = 4 * 1024 * 1024  # the kernel may grant less; results then wait, no harm
_DEAD, _LATE = object(), object()


class _Worker:
    """`python -m knowledge.parse_workers`, talked to over a socket pair. A plain child
    process rather than multiprocessing's: spawn re-imports the caller's __main__, which
    breaks every script that has no `if __name__ == "__main__"` guard, and fork would
    copy Chroma's threads."""

    def __init__(self, budget: FileBudget) -> None:
        ours, theirs = socket.socketpair()
        for end in (ours, theirs):  # room for results while the caller is busy writing
            end.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, _SOCKET_BUFFER)
            end.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, _SOCKET_BUFFER)
        self.process = subprocess.Popen(
            module_command("knowledge.parse_workers", str(theirs.fileno()), str(budget.max_memory)),
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            env=child_environment(),
        )
        theirs.close()
        self.conn = Connection(ours.detach())
        self.seconds = budget.max_seconds
        self.ready = False
        self.assigned: deque[tuple[int, Path]] = deque()  # in the order results come back
        self.deadline = 0.0  # for the file at the head of `assigned`

    def assign(self, batch: list[tuple[int, Path]]) -> None:
        if batch:
            if not self.assigned:
                self.deadline = time.monotonic() + self.seconds  # its first file starts
            self.assigned.extend(batch)
            self.conn.send([str(file) for _, file in batch])

    def receive(self, done: dict[int, list[Chunk] | str]) -> object | None:
        """Record every result that has arrived; _DEAD or _LATE if the worker must go."""
        try:
            while self.conn.poll():
                message = self.conn.recv()
                if message == "ready":
                    self.ready = True
                    continue
                index, _ = self.assigned.popleft()
                done[index] = message
                self.deadline = time.monotonic() + self.seconds  # the next file starts
        except (EOFError, OSError):
            return _DEAD
        if self.process.poll() is not None:
            return _DEAD
        if self.assigned and time.monotonic() >= self.deadline:
            return _LATE
        return None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.conn.close()


def _over_size(file: Path, budget: FileBudget) -> str | None:
    try:
        size = file.stat().st_size
    except OSError:
        return None  # the worker says why it cannot be read
    if size <= budget.max_bytes:
        return None
    return (
        f"{file.name} is {size / _MB:.1f} MB, over the {budget.max_bytes / _MB:g} MB limit per "
        "file (INGEST_MAX_FILE_MB); split it or raise the limit."
    )


def _late(file: Path, budget: FileBudget) -> str:
    return (
        f"{file.name} took over {budget.max_seconds:g} s to read (INGEST_MAX_FILE_SECONDS); "
        "simplify or convert it, or raise the limit."
    )


def _crashed(file: Path, worker: _Worker) -> str:
    return (
        f"{file.name} crashed the parser (exit code {worker.process.wait()}); convert it "
        "to another format."
    )


def _serve(conn: Connection, max_memory: int) -> None:
    """The worker: cap memory, say ready, then parse each batch, one result per file."""
    import resource

    # Not every platform caps address space (macOS); the time budget holds everywhere.
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (max_memory, max_memory))
    import knowledge.chunking  # noqa: F401 - loaded before "ready", outside any file's time
    import knowledge.loaders  # noqa: F401

    conn.send("ready")
    while True:
        try:
            batch = conn.recv()
        except EOFError:
            return
        for name in batch:
            conn.send(_parse(Path(name), max_memory))


def _parse(path: Path, max_memory: int) -> list[Chunk] | str:
    from knowledge.chunking import chunk_document
    from knowledge.loaders import load_document

    try:
        chunks = chunk_document(load_document(path))
    except MemoryError:
        return (
            f"{path.name} needs over {max_memory // _MB} MB of memory to read; simplify or "
            "convert it."
        )
    except (KnowledgeError, OSError, ValueError) as error:
        return str(error)
    except Exception as error:  # noqa: BLE001 - a parser bug skips one file, not all
        return f"{path.name} could not be read ({type(error).__name__}: {error})."
    if not chunks:
        return f"{path.name} yields no text to index; add content or remove it."
    return chunks


if __name__ == "__main__":
    _serve(Connection(int(sys.argv[1])), int(sys.argv[2]))
