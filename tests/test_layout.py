"""The test tree is a package arranged like the code: tests/knowledge is `tests.knowledge`, never
a namespace package standing in for `knowledge`, and no test edits sys.path to find a helper."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


@pytest.mark.parametrize("package", ["bot", "knowledge", "metrics"])
def test_a_test_folder_named_like_a_package_does_not_shadow_it(package: str) -> None:
    real = importlib.import_module(package)
    assert real.__file__ == str(ROOT / package / "__init__.py")
    mirror = importlib.import_module(f"tests.{package}")
    assert mirror.__file__ == str(TESTS / package / "__init__.py")


def test_every_test_folder_is_a_package() -> None:
    folders = {path.parent for path in TESTS.rglob("*.py")}
    missing = sorted(str(f.relative_to(ROOT)) for f in folders if not (f / "__init__.py").exists())
    assert missing == []


def test_no_test_reaches_its_helpers_through_sys_path() -> None:
    offenders = sorted(
        str(path.relative_to(ROOT))
        for path in TESTS.rglob("*.py")
        if path != Path(__file__).resolve()
        and (
            "sys.path" in path.read_text(encoding="utf-8")
            or "from conftest" in path.read_text(encoding="utf-8")
        )
    )
    assert offenders == []
