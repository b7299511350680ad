"""`journeybot ask`: the same question path as Slack, printed for people or as JSON.

`journeybot ask --json -` answers one question per stdin line as JSON Lines, loading the
index and models once; a bad line gets an {"error": …} object and the batch goes on.
"""

from __future__ import annotations

import json
import sys

import click

from bot.cli.common import fail, print_json, settings
from bot.config import Settings
from knowledge.errors import InvalidQuestion, KnowledgeError
from knowledge.knowledge_base import KnowledgeBase
from knowledge.models import Answer


def knowledge_base(config: Settings) -> KnowledgeBase:
    """One knowledge base per command run (a batch shares it: models load once).

    Built here rather than through bot.runtime.knowledge_base, whose functools.cache
    cannot hash Settings (it holds lists) and raises TypeError.
    """
    return KnowledgeBase(
        config.index_path,
        chroma_host=config.chroma_host,
        chroma_port=config.chroma_port,
        embedding_model=config.embedding_model,
        llm_model=config.llm_model,
        llm_timeout_seconds=config.llm_timeout_seconds,
        max_question_chars=config.max_question_chars,
    )


def register(cli: click.Group) -> None:
    """Adds this module's commands to the CLI."""
    cli.add_command(ask)


@click.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
def ask(question: str, as_json: bool) -> None:
    """Answer QUESTION from the knowledge base, with numbered sources ('-' = stdin lines)."""
    if question == "-":
        _ask_lines(as_json)
        return
    try:
        answer = knowledge_base(settings()).ask(question)
    except KnowledgeError as error:
        fail(str(error))
    if as_json:
        print_json(answer)
    else:
        click.echo(render(answer))


def _ask_lines(as_json: bool) -> None:
    base = knowledge_base(settings())
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            answer = base.ask(line.rstrip("\n"))
        except InvalidQuestion as error:
            _emit({"line": number, "error": str(error)}, as_json)
            continue
        except KnowledgeError as error:  # empty or unreachable index: no line can succeed
            fail(str(error))
        if as_json:
            click.echo(answer.model_dump_json())
        else:
            click.echo(render(answer) + "\n")


def _emit(error: dict[str, object], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(error, ensure_ascii=False))
    else:
        click.echo(f"Line {error['line']}: {error['error']}\n", err=True)


def render(answer: Answer) -> str:
    """The answer, its numbered sources and the footer note, as plain text."""
    lines = [answer.answer]
    if answer.sources:
        lines.append("")
        lines.append("Sources:")
        for number, source in enumerate(answer.sources, start=1):
            where = f"{source.title} — {source.section}" if source.section else source.title
            lines.append(f"[{number}] {where} ({source.source})")
    if answer.note:
        lines.append("")
        lines.append(answer.note)
    return "\n".join(lines)
