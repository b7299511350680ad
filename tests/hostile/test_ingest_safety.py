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
from pathlib import Path

from crafted_pdf import stalling_pdf

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
    assert json.loads(asked.stdout)["sources"][0]["source"] == str(docs / "refunds.md")
