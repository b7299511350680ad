"""Hostile probes of `journeybot ingest` in a real workspace: ingests at once, damaged
stores, unreadable folders, files built to stall or exhaust the parser.

Each probe runs the real CLI in a subprocess with its own JOURNEYBOT_HOME, because what it
guards against (two processes, a crash, a segfault, a hang) cannot happen inside one test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from knowledge import store_check
from tests.crafted_pdf import stalling_pdf

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "knowledge" / "corpus"
WORDS = [
    "customer",
    "churn",
    "retention",
    "loyalty",
    "survey",
    "promoter",
    "detractor",
    "segment",
    "journey",
    "onboarding",
    "consent",
    "value",
    "revenue",
    "margin",
    "feedback",
    "ticket",
    "resolution",
    "checkout",
    "order",
    "basket",
]


def _notes(folder: Path, count: int) -> Path:
    """`count` small distinct Markdown files, as a team's notes folder would hold."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        words = [WORDS[(n * 7 + i * 3) % len(WORDS)] for i in range(30)]
        (folder / f"note-{n:04d}.md").write_text(
            f"# Note {n}\n\nNote {n} is about {' '.join(words)}.\n", encoding="utf-8"
        )
    return folder


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CHROMA_HOST", "LLM_MODEL")}
    env.update(JOURNEYBOT_HOME=str(home), PYTHONPATH=str(REPO), **extra)
    return env


def _journeybot(
    home: Path, *args: str, timeout: float = 300, **env: str
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=_env(home, **env),
        cwd=home.parent,
        timeout=timeout,
    )


# The first ingest pauses after its first write to the store until the second one has
# either read the store or found it locked. Reading it while the first is half-way is the
# interleaving that corrupted the index; the pause makes it certain instead of likely.
_FIRST = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from chromadb.api.models.Collection import Collection

    gate, wrote = Path(sys.argv[1]), Path(sys.argv[2])
    upsert = Collection.upsert

    def pausing_upsert(self, *args, **kwargs):
        result = upsert(self, *args, **kwargs)
        if not wrote.exists():
            wrote.touch()
            deadline = time.monotonic() + 60
            while not gate.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
        return result

    Collection.upsert = pausing_upsert
    import knowledge.index
    assert hasattr(knowledge.index, "_WRITE_BATCH")
    knowledge.index._WRITE_BATCH = 50  # several writes, so the pause falls between two
    from bot.cli import main
    sys.argv = ["journeybot", "ingest", *sys.argv[3:]]
    main()
    """
)
_SECOND = textwrap.dedent(
    """
    import fcntl, sys
    from pathlib import Path
    from chromadb.api.models.Collection import Collection

    gate = Path(sys.argv[1])
    get, flock = Collection.get, fcntl.flock

    def signalling_get(self, *args, **kwargs):
        result = get(self, *args, **kwargs)
        gate.touch()
        return result

    def signalling_flock(*args):
        try:
            return flock(*args)
        except BlockingIOError:
            gate.touch()
            raise

    Collection.get, fcntl.flock = signalling_get, signalling_flock
    from bot.cli import main
    sys.argv = ["journeybot", "ingest", *sys.argv[2:]]
    main()
    """
)


def test_two_ingests_at_once_take_turns_so_the_second_finds_everything_indexed(tmp_path):
    home = tmp_path / "home"
    notes = _notes(tmp_path / "notes", 150)
    gate, wrote = tmp_path / "second-read-the-store", tmp_path / "first-wrote"
    env = _env(home)
    first = subprocess.Popen(
        [sys.executable, "-c", _FIRST, str(gate), str(wrote), str(notes), str(CORPUS)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        while not wrote.exists():
            assert first.poll() is None, first.communicate()
            subprocess.run(["sleep", "0.05"], check=True)
        second = subprocess.run(
            [sys.executable, "-c", _SECOND, str(gate), str(notes), str(CORPUS)],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        first_out, first_err = first.communicate(timeout=300)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, first_err
    assert second.returncode == 0, second.stderr
    files = 150 + len(list(CORPUS.rglob("*.md")))
    assert first_out.startswith(f"added {files}, updated 0, removed 0"), first_out
    assert second.stdout.startswith("added 0, updated 0, removed 0, skipped 0, unchanged "), (
        second.stdout
    )
    asked = _journeybot(home, "ask", "--json", "What is customer churn?")
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["answered"] is True
    assert store_check.is_clean(home / "index")  # so the next command opens it unchecked


def test_a_damaged_index_is_rebuilt_from_its_sources_with_a_warning_instead_of_crashing(
    tmp_path,
):
    home = tmp_path / "home"
    notes = _notes(tmp_path / "notes", 1100)  # past 1000 vectors Chroma keeps a graph file
    indexed = _journeybot(home, "ingest", str(notes), str(CORPUS))
    assert indexed.returncode == 0, indexed.stderr
    vectors = next((home / "index").glob("*/data_level0.bin"))
    assert (vectors.parent / "index_metadata.pickle").exists()
    vectors.write_bytes(os.urandom(vectors.stat().st_size))  # as a torn write leaves it

    asked = _journeybot(home, "ask", "--json", "What is customer churn?")
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["answered"] is True
    assert str(tmp_path) not in asked.stdout  # no server path, after a rebuild too
    warning = asked.stderr.strip()
    assert warning.startswith(f"The index at {home / 'index'} was damaged"), warning
    assert f"moved to {home / 'index.damaged'} and is being rebuilt" in warning
    assert "\n" not in warning

    again = _journeybot(home, "ingest", str(notes), str(CORPUS))
    assert again.returncode == 0 and again.stderr == ""
    files = 1100 + len(list(CORPUS.rglob("*.md")))
    assert again.stdout.startswith(f"added 0, updated 0, removed 0, skipped 0, unchanged {files}")


def test_files_over_their_budget_are_skipped_with_one_line_each_and_the_rest_is_indexed(
    tmp_path,
):
    home = tmp_path / "home"
    docs = _notes(tmp_path / "docs", 20)
    (docs / "stall.pdf").write_bytes(stalling_pdf())  # minutes of parsing in 20 KB
    (docs / "big.txt").write_text("Churn is the share of customers who leave. " * 5_000)
    levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    (docs / "laughs.md").write_text("---\n" + "\n".join(levels) + "\ntitle: *i\n---\n\nHa.\n")
    (docs / "refunds.md").write_text(
        "# Refunds\n\nCustomers who return an order within 30 days get a full refund.\n"
    )

    limits = {"INGEST_MAX_FILE_SECONDS": "2", "INGEST_MAX_FILE_MB": "0.1"}
    done = _journeybot(home, "ingest", str(docs), **limits)
    assert done.returncode == 2, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("added 21, updated 0, removed 0, skipped 3, unchanged 0; ")
    assert sorted(lines[1:]) == [
        f"skipped {docs / 'big.txt'}: big.txt is 0.2 MB, over the 0.1 MB limit per file "
        "(INGEST_MAX_FILE_MB); split it or raise the limit.",
        f"skipped {docs / 'laughs.md'}: laughs.md uses YAML aliases (*name) in its front "
        "matter, which are not expanded; write the values out.",
        f"skipped {docs / 'stall.pdf'}: stall.pdf took over 2 s to read "
        "(INGEST_MAX_FILE_SECONDS); simplify or convert it, or raise the limit.",
    ]
    asked = _journeybot(home, "ask", "--json", "How long do customers have to return an order?")
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["sources"][0]["source"] == "refunds.md"  # not a server path


# Dies (SIGKILL, nothing to clean up) right after the first write of an ingest landed.
_KILLED = textwrap.dedent(
    """
    import os, signal, sys
    from chromadb.api.models.Collection import Collection
    import knowledge.index

    upsert = Collection.upsert

    def dying_upsert(self, *args, **kwargs):
        upsert(self, *args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)

    Collection.upsert = dying_upsert
    knowledge.index._WRITE_BATCH = 50
    from bot.cli import main
    sys.argv = ["journeybot", "ingest", *sys.argv[1:]]
    main()
    """
)


def test_an_ingest_killed_part_way_leaves_a_usable_index_and_the_next_one_finishes_the_work(
    tmp_path,
):
    home = tmp_path / "home"
    assert _journeybot(home, "ingest", str(CORPUS)).returncode == 0
    notes = _notes(tmp_path / "notes", 150)
    (notes / "a-refunds.md").write_text(  # first in line, so in the write that lands
        "# Refunds\n\nCustomers who return an order within 30 days get a full refund.\n"
    )
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED, str(notes), str(CORPUS)],
        capture_output=True,
        text=True,
        env=_env(home),
        timeout=300,
    )
    assert killed.returncode == -9, killed.stderr

    asked = _journeybot(home, "ask", "--json", "How long do customers have to return an order?")
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["sources"][0]["source"] == "a-refunds.md"
    again = _journeybot(home, "ingest", str(notes), str(CORPUS))
    assert again.returncode == 0, again.stderr
    corpus = len(list(CORPUS.rglob("*.md")))
    assert again.stdout.startswith(
        f"added 101, updated 0, removed 0, skipped 0, unchanged {corpus + 50};"
    )
