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

The starter corpus is ingested into a temporary JOURNEYBOT_HOME; the processes run there
(no .env is read) with the embedded defaults (no DATABASE_URL, CHROMA_HOST or LLM_MODEL).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JOURNEYBOT = Path(sys.executable).parent / "journeybot"
CORPUS = ROOT / "knowledge" / "corpus"
# Every cache a first `ask` may read; the glossary's sits beside glossary.yaml, like a .pyc.
INDEX_CACHES = ("lexical.pickle", "vectors.pickle", "metadata.json")
GLOSSARY_CACHES = ROOT / "knowledge" / "__pycache__"
TARGETS = {"help": 0.3, "ask, caches": 1.5}
UNSET = ("DATABASE_URL", "CHROMA_HOST", "CHROMA_PORT", "LLM_MODEL", "EMBEDDING_MODEL")


def machine() -> str:
    model = platform.processor()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}"


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


def drop_caches(index: Path) -> None:
    for name in INDEX_CACHES:
        (index / name).unlink(missing_ok=True)
    for cached in GLOSSARY_CACHES.glob("glossary*.pickle"):
        cached.unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per scenario")
    parser.add_argument("--question", default="Hvad er NPS?")
    args = parser.parse_args()

    print(f"Machine: {machine()}; load average before: {load()}")
    home = Path(tempfile.mkdtemp(prefix="journeybot-startup-"))
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update(JOURNEYBOT_HOME=str(home), ANONYMIZED_TELEMETRY="False")
    try:
        subprocess.run(
            [str(JOURNEYBOT), "ingest", str(CORPUS)],
            env=env,
            cwd=home,
            check=True,
            capture_output=True,
        )
        ask = [str(JOURNEYBOT), "ask", args.question]
        timed(ask, env, home)  # the OS file cache warmed once, for every scenario alike
        results: dict[str, list[tuple[float, float, float]]] = {
            "help": [],
            "ask, caches": [],
            "ask, no caches": [],
        }
        for _ in range(args.runs):
            results["help"].append(timed([str(JOURNEYBOT), "--help"], env, home))
            results["ask, caches"].append(timed(ask, env, home))
            drop_caches(home / "index")
            results["ask, no caches"].append(timed(ask, env, home))
        timed(ask, env, home)  # leave the caches rebuilt
    finally:
        shutil.rmtree(home, ignore_errors=True)

    print(f"{args.runs} fresh processes each, question {args.question!r}\n")
    print(f"{'':16}{'median':>8}{'min':>8}{'max':>8}{'CPU s':>8}{'RSS MB':>8}  target")
    medians: dict[str, float] = {}
    for name, runs in results.items():
        seconds = [s for s, _, _ in runs]
        medians[name] = statistics.median(seconds)
        target = TARGETS.get(name)
        verdict = f"≤ {target} s {'met' if medians[name] <= target else 'MISSED'}" if target else ""
        print(
            f"{name:16}{medians[name]:8.2f}{min(seconds):8.2f}{max(seconds):8.2f}"
            f"{statistics.median(c for _, c, _ in runs):8.2f}"
            f"{statistics.median(r for _, _, r in runs):8.0f}  {verdict}"
        )
    ratio = medians["ask, no caches"] / medians["ask, caches"]
    print(f"\nfirst ask without caches / with caches (median wall time): {ratio:.2f}×")
    print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
