"""What a benchmark ran on, printed with its figures: numbers from a loaded 2-core box and an
idle workstation are not comparable, so every benchmark names the machine the same way.

Imported by the benchmark scripts as a sibling (`from machine import machine`): they are run
as `.venv/bin/python benchmarks/<name>.py`, which puts this folder first on sys.path.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, else what the platform says."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine(*, load: bool = False) -> str:
    """`2 cores, AMD EPYC …, Python 3.11.9` and, with `load`, the load averages now."""
    described = f"{os.cpu_count()} cores, {cpu_model()}, Python {platform.python_version()}"
    if not load:
        return described
    return f"{described}, load {', '.join(f'{x:.1f}' for x in os.getloadavg())}"
