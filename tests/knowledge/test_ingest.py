"""Ingest planning: what is new, changed, unchanged or gone, by content hash."""

from __future__ import annotations

import os
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from knowledge.ingest import ManifestEntry, content_hash, file_key, plan, walk


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_folders_are_walked_recursively_for_supported_files_only(tmp_path):
    _write(tmp_path / "a.md", "a")
    _write(tmp_path / "sub" / "b.txt", "b")
    _write(tmp_path / "sub" / "c.html", "c")
    _write(tmp_path / "notes.docx", "x")
    _write(tmp_path / ".hidden" / "d.md", "d")
    walked = walk([tmp_path])
    assert sorted(f.name for f in walked.files) == ["a.md", "b.txt", "c.html"]
    assert walked.folders == [tmp_path] and walked.missing == walked.unreadable == []


def test_a_path_that_does_not_exist_is_reported_not_raised(tmp_path):
    walked = walk([tmp_path / "nope.md"])
    assert walked.files == [] and walked.missing[0].path.endswith("nope.md")
    assert "no such file" in walked.missing[0].reason


def test_plan_sorts_files_into_new_changed_unchanged_and_removed(tmp_path):
    same = _write(tmp_path / "same.md", "same")
    changed = _write(tmp_path / "changed.md", "new text")
    new = _write(tmp_path / "new.md", "new")
    manifest = {
        file_key(same): ManifestEntry(content_hash(same), ["s-0"]),
        file_key(changed): ManifestEntry("old-hash", ["c-0"]),
        str(tmp_path.resolve() / "deleted.md"): ManifestEntry("h", ["d-0"]),
        "/elsewhere/other.md": ManifestEntry("h", ["o-0"]),
    }
    result = plan([tmp_path], manifest)
    assert [f for f, _ in result.new] == [new]
    assert [f for f, _ in result.changed] == [changed]
    assert result.unchanged == [same]
    assert result.removed == [str(tmp_path.resolve() / "deleted.md")]  # not /elsewhere


def test_a_named_file_that_was_indexed_and_is_now_gone_is_removed_not_skipped(tmp_path):
    gone = tmp_path / "gone.md"
    result = plan([gone], {file_key(gone): ManifestEntry("h", ["g-0"])})
    assert result.removed == [file_key(gone)] and result.skipped == []


def _unlistable(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """`folder` cannot be listed, as after chmod 000 (tests run as root, which chmod does
    not stop): every directory walk lists folders with os.scandir."""
    scandir = os.scandir

    def refusing(path: object = ".") -> object:
        if Path(os.fsdecode(path)).resolve() == folder.resolve():
            raise PermissionError(13, "Permission denied", os.fsdecode(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)


def test_a_folder_that_cannot_be_listed_keeps_its_documents_and_is_reported(
    tmp_path, monkeypatch
):
    kept = _write(tmp_path / "sub" / "kept.md", "kept")
    gone = tmp_path / "deleted.md"
    manifest = {
        file_key(kept): ManifestEntry(content_hash(kept), ["k-0"]),
        file_key(gone): ManifestEntry("h", ["g-0"]),
    }
    _unlistable(monkeypatch, tmp_path / "sub")
    result = plan([tmp_path], manifest)
    assert result.removed == [file_key(gone)]  # a deleted file still goes
    assert [item.path for item in result.skipped] == [str(tmp_path / "sub")]
    assert result.skipped[0].reason == (
        "this folder cannot be read (Permission denied); the documents indexed from it are "
        "kept until it can be read again."
    )


def _run_ingest(*paths: Path):
    from bot.cli import ingest  # here, so a broken sibling CLI module fails only these tests

    group = click.Group()
    ingest.register(group)
    return CliRunner().invoke(group, ["ingest", *map(str, paths)])


def test_the_cli_prints_one_summary_line_and_exits_0_when_nothing_was_skipped(home, tmp_path):
    docs = tmp_path / "docs"
    _write(docs / "frafald.md", "# Frafald\n\nKundefrafald er andelen af kunder, der går.\n")
    first = _run_ingest(docs)
    assert first.exit_code == 0, first.output
    assert first.output.splitlines()[-1].startswith(
        "added 1, updated 0, removed 0, skipped 0, unchanged 0; "
    )
    again = _run_ingest(docs)
    assert again.exit_code == 0 and "unchanged 1" in again.output


def test_the_cli_names_each_skipped_file_and_exits_2(home, tmp_path):
    docs = tmp_path / "docs"
    _write(docs / "ok.md", "# Ok\n\nNPS måles med ét spørgsmål om anbefaling.\n")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    result = _run_ingest(docs)
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("added 1,") and "skipped 1" in line for line in lines)
    assert any(line.startswith("skipped ") and "broken.pdf" in line for line in lines)


def test_the_cli_keeps_the_documents_of_an_unreadable_folder_says_so_and_exits_2(
    home, tmp_path, monkeypatch
):
    docs = tmp_path / "docs"
    _write(docs / "ok.md", "# Ok\n\nNPS måles med ét spørgsmål om anbefaling.\n")
    _write(docs / "team" / "frafald.md", "# Frafald\n\nKundefrafald er andelen af kunder.\n")
    assert _run_ingest(docs).exit_code == 0
    _unlistable(monkeypatch, docs / "team")
    result = _run_ingest(docs)
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    assert lines[-2].startswith("added 0, updated 0, removed 0, skipped 1, unchanged 1; ")
    assert lines[-1].startswith(f"skipped {docs / 'team'}: this folder cannot be read")
