"""`journeybot ingest PATH…`: index files and folders, incrementally.

Prints one summary line, then one line per skipped file naming it and why. Exit codes:
0 everything given was indexed (or unchanged), 2 some files were skipped (the rest is
indexed), 1 the command failed (e.g. the index is unavailable).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.cli.common import fail, services
from knowledge.errors import KnowledgeError
from knowledge.models import IngestReport

EXIT_SKIPPED = 2


def summary(report: IngestReport) -> str:
    return (
        f"added {report.added}, updated {report.updated}, removed {report.removed}, "
        f"skipped {report.skipped}, unchanged {report.unchanged}; "
        f"{report.chunks} chunks in {report.seconds:.1f} s"
    )


def register(cli: click.Group) -> None:
    @cli.command("ingest")
    @click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
    def ingest(paths: tuple[Path, ...]) -> None:
        """Index files and folders (md, markdown, txt, html, htm, pdf).

        Unchanged files are skipped by content hash, changed ones replaced, files gone
        from a folder removed. Exit code 2 when some files were skipped.
        """
        base = services().knowledge_base()
        bar = None
        progress = None
        if sys.stderr.isatty():
            bar = click.progressbar(length=1, label="Indexing", file=sys.stderr)

            def progress(done: int, total: int) -> None:
                bar.length = max(total, 1)
                bar.update(done - bar.pos)

        try:
            report = base.ingest(list(paths), progress)
        except KnowledgeError as error:
            fail(str(error))
        finally:
            if bar is not None:
                bar.render_finish()
        click.echo(summary(report))
        for skipped in report.skipped_files:
            click.echo(f"skipped {skipped.path}: {skipped.reason}")
        if report.skipped:
            sys.exit(EXIT_SKIPPED)
