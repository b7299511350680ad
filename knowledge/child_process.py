"""Running one of the knowledge modules as a child process (`python -m knowledge.…`).

Work that can crash or hang the interpreter (a parser, Chroma opening a damaged store) runs
in a child, so the caller survives it. The child is found the same way whether journeybot is
installed or run from a checkout by a script that put the repository on sys.path.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[1])  # the folder that holds knowledge/


def module_command(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def child_environment() -> dict[str, str]:
    """This environment, with the folder holding this package first on PYTHONPATH."""
    paths = [_ROOT, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "ANONYMIZED_TELEMETRY": "False"}
