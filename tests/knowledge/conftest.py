"""Fixtures for the loader/chunking/language tests: small files written on the spot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.crafted_pdf import minimal_pdf


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    """Write text (UTF-8) or bytes to tmp_path/name and return the path."""

    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return write


@pytest.fixture
def make_pdf() -> Callable[[list[list[str]]], bytes]:
    """`make_pdf([[line, …], …])`: PDF bytes with one list of text lines per page."""
    return minimal_pdf
