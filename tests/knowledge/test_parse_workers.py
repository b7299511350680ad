"""Files are parsed in worker processes, each within a time and size budget."""

from __future__ import annotations

from pathlib import Path

from knowledge.models import Chunk
from knowledge.parse_workers import FileBudget, parse_files
from tests.crafted_pdf import stalling_pdf


def _note(path: Path, text: str) -> Path:
    path.write_text(f"# {path.stem}\n\n{text}\n", encoding="utf-8")
    return path


def test_files_come_back_in_the_order_given_with_chunks_or_the_reason_they_were_skipped(
    tmp_path,
):
    files = [_note(tmp_path / f"n{n}.md", f"Note number {n} is about churn.") for n in range(40)]
    files.insert(7, tmp_path / "missing.md")
    parsed = list(parse_files(files, FileBudget(), workers=3))
    assert [file for file, _ in parsed] == files
    assert (
        parsed[7][1]
        == f"{tmp_path / 'missing.md'} cannot be read (No such file or directory); check that it exists and is readable."
    )
    chunks = [result for _, result in parsed if not isinstance(result, str)]
    assert len(chunks) == 40 and all(isinstance(c[0], Chunk) for c in chunks)
    assert chunks[3][0].text == "Note number 3 is about churn."


def test_a_file_over_the_size_budget_is_skipped_without_being_read(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("Churn is the share of customers who leave. " * 5_000, encoding="utf-8")
    small = _note(tmp_path / "small.md", "Churn is the share of customers who leave.")
    parsed = dict(parse_files([big, small], FileBudget(max_bytes=100_000)))
    assert parsed[big] == (
        "big.txt is 0.2 MB, over the 0.1 MB limit per file (INGEST_MAX_FILE_MB); split it or "
        "raise the limit."
    )
    assert not isinstance(parsed[small], str)


def test_a_file_over_the_time_budget_is_skipped_and_the_files_after_it_are_still_parsed(
    tmp_path,
):
    stall = tmp_path / "stall.pdf"
    stall.write_bytes(stalling_pdf())
    after = [_note(tmp_path / f"after{n}.md", f"Note {n} on retention.") for n in range(5)]
    parsed = dict(parse_files([stall, *after], FileBudget(max_seconds=1), workers=1))
    assert parsed[stall] == (
        "stall.pdf took over 1 s to read (INGEST_MAX_FILE_SECONDS); simplify or convert it, "
        "or raise the limit."
    )
    assert all(not isinstance(parsed[file], str) for file in after)
