"""How fast does a fresh `journeybot` process start, and answer its first question?

Every figure is a new process, as a user at a terminal (or cron) starts one, timed from
spawn to exit, with its peak RSS. Targets on the 2-core box: `--help` ≤ 0.3 s, the first
`ask` in a new process ≤ 1.5 s. In one run, interleaved so that load hits each alike:

- `--help`;
- `ask` with its caches in place (as after `journeybot ingest`: the lexical index, the
  stored vectors, the index metadata, the compiled glossary), which never imports chromadb;
- `ask` without them (deleted before each run, so each run rebuilds them from Chroma and
  glossary.yaml): the baseline the caches are measured against.

    .venv/bin/python benchmarks/startup.py [--runs 7] [--question "Hvad er NPS?"]
        [--baseline ../main-clone]   # another installed checkout, measured alongside

The starter corpus is ingested into a temporary JOURNEYBOT_HOME; the processes run there
(no .env is read) with the embedded defaults (no DATABASE_URL, CHROMA_HOST or LLM_MODEL).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from machine import machine

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "knowledge" / "corpus"
# Every cache a first `ask` may read; the glossary's sits beside glossary.yaml, like a .pyc.
INDEX_CACHES = ("lexical.pickle", "vectors.pickle", "metadata.json")
TARGETS = {"help": 0.3, "ask, caches": 1.5}
UNSET = ("DATABASE_URL", "CHROMA_HOST", "CHROMA_PORT", "LLM_MODEL", "EMBEDDING_MODEL")
Run = tuple[float, float, float]  # wall seconds, CPU seconds, peak RSS MB


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def timed(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, float]:
    """Seconds from spawn to exit, CPU seconds (user + system: less swayed by other
    processes' load than the wall clock) and peak RSS in MB of one fresh process, which
    must succeed (a failing command would be measured as fast)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        error = child.stderr.read().decode() if child.stderr else ""
        raise SystemExit(f"{' '.join(command)} failed ({child.returncode}): {error}")
    if child.stderr:
        child.stderr.close()
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def drop_caches(checkout: Path, index: Path) -> None:
    for name in INDEX_CACHES:
        (index / name).unlink(missing_ok=True)
    for cached in (checkout / "knowledge" / "__pycache__").glob("glossary*.pickle"):
        cached.unlink(missing_ok=True)


class Checkout:
    """One installed checkout (its own .venv) with its own JOURNEYBOT_HOME."""

    def __init__(self, root: Path, label: str) -> None:
        self.root, self.label = root, label
        self.journeybot = root / ".venv" / "bin" / "journeybot"
        self.home = Path(tempfile.mkdtemp(prefix="journeybot-startup-"))
        self.env = {k: v for k, v in os.environ.items() if k not in UNSET}
        self.env.update(JOURNEYBOT_HOME=str(self.home), ANONYMIZED_TELEMETRY="False")
        self.results: dict[str, list[Run]] = {"help": [], "ask, caches": [], "ask, no caches": []}

    def run(self, *args: str) -> Run:
        return timed([str(self.journeybot), *args], self.env, self.home)

    def ingest(self) -> None:
        subprocess.run(
            [str(self.journeybot), "ingest", str(CORPUS)],
            env=self.env,
            cwd=self.home,
            check=True,
            capture_output=True,
        )

    def measure_once(self, question: str) -> None:
        self.results["help"].append(self.run("--help"))
        self.results["ask, caches"].append(self.run("ask", question))
        drop_caches(self.root, self.home / "index")
        self.results["ask, no caches"].append(self.run("ask", question))

    def report(self) -> dict[str, float]:
        print(f"\n{self.label} ({self.root})")
        print(f"{'':16}{'median':>8}{'min':>8}{'max':>8}{'CPU s':>8}{'RSS MB':>8}  target")
        medians: dict[str, float] = {}
        for name, runs in self.results.items():
            seconds = [s for s, _, _ in runs]
            medians[name] = statistics.median(seconds)
            target = TARGETS.get(name)
            met = "met" if medians[name] <= (target or 0) else "MISSED"
            print(
                f"{name:16}{medians[name]:8.2f}{min(seconds):8.2f}{max(seconds):8.2f}"
                f"{statistics.median(c for _, c, _ in runs):8.2f}"
                f"{statistics.median(r for _, _, r in runs):8.0f}"
                f"  {f'≤ {target} s {met}' if target else ''}"
            )
        ratio = medians["ask, no caches"] / medians["ask, caches"]
        print(f"first ask without caches / with caches (median wall time): {ratio:.2f}×")
        return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per scenario")
    parser.add_argument("--question", default="Hvad er NPS?")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another installed checkout (e.g. a clone of main after `make install`), "
        "measured in the same run, interleaved",
    )
    args = parser.parse_args()

    print(f"Machine: {machine()}; load average before: {load()}")
    checkouts = [Checkout(ROOT, "this checkout")]
    if args.baseline:
        checkouts.append(Checkout(args.baseline.resolve(), "baseline"))
    try:
        for checkout in checkouts:
            checkout.ingest()
            checkout.run("ask", args.question)  # the OS file cache warmed once for all alike
        for _ in range(args.runs):
            for checkout in checkouts:
                checkout.measure_once(args.question)
        for checkout in checkouts:
            checkout.run("ask", args.question)  # leave the caches rebuilt
    finally:
        for checkout in checkouts:
            shutil.rmtree(checkout.home, ignore_errors=True)

    print(f"{args.runs} fresh processes per scenario, question {args.question!r}")
    medians = [checkout.report() for checkout in checkouts]
    if len(medians) == 2:
        ours, base = medians
        print(
            f"\nbaseline / this checkout (median wall time): first ask "
            f"{base['ask, caches'] / ours['ask, caches']:.2f}×, "
            f"--help {base['help'] / ours['help']:.2f}×"
        )
    print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
