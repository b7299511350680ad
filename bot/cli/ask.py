"""`journeybot ask`: the same question path as Slack, printed for people or as JSON.

`journeybot ask --json -` answers one question per stdin line as JSON Lines, loading the
index and models once; a bad line gets an {"line": n, "error": …} object, the batch goes
on, and the exit code is 2. An error that stops the command (empty or unreachable index,
bad LLM_MODEL) is one sentence on stderr, with --json also {"error": …} on stdout, exit 1.
"""

from __future__ import annotations

import json
import sys
from typing import NoReturn

import click

from bot.cli.common import fail, looked_in, print_json, services
from bot.cli.render import render_answer
from bot.config import Settings
from bot.services import Services
from knowledge.errors import EmptyKnowledgeBase, InvalidQuestion, KnowledgeError
from knowledge.knowledge_base import KnowledgeBase

EXIT_SOME_LINES_FAILED = 2


def register(cli: click.Group) -> None:
    """Adds this module's commands to the CLI."""
    cli.add_command(ask)


@click.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
def ask(question: str, as_json: bool) -> None:
    """Answer QUESTION from the knowledge base, with numbered sources ('-' = stdin lines)."""
    svc = services()
    if question == "-":
        _ask_lines(svc, as_json)
        return
    try:
        answer = _opened(svc).ask(question)
    except EmptyKnowledgeBase as error:
        _fail(_located(error, svc.settings), as_json)
    except KnowledgeError as error:
        _fail(str(error), as_json)
    if as_json:
        print_json(answer)
    else:
        click.echo(render_answer(answer))


def _opened(svc: Services) -> KnowledgeBase:
    """The knowledge base with its chat model loaded: a bad LLM_MODEL fails up front. One per
    run: a batch shares it, so models load once."""
    base = svc.knowledge_base()
    base.load_llm()
    return base


def _located(error: EmptyKnowledgeBase, config: Settings) -> str:
    if config.chroma_host:
        return looked_in(
            str(error),
            f"the Chroma server at {config.chroma_host}:{config.chroma_port}",
            "CHROMA_HOST",
        )
    return looked_in(str(error), str(config.index_path), "JOURNEYBOT_HOME")


def _fail(message: str, as_json: bool) -> NoReturn:
    """The one sentence on stderr and, for --json readers, as {"error": …} on stdout."""
    if as_json:
        click.echo(json.dumps({"error": message}, ensure_ascii=False))
    fail(message)


def _ask_lines(svc: Services, as_json: bool) -> None:
    try:
        base = _opened(svc)
    except KnowledgeError as error:
        _fail(str(error), as_json)
    failed_lines = 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            answer = base.ask(line.rstrip("\n"))
        except InvalidQuestion as error:
            _emit({"line": number, "error": str(error)}, as_json)
            failed_lines += 1
            continue
        except EmptyKnowledgeBase as error:  # no line can succeed
            _fail(_located(error, svc.settings), as_json)
        except KnowledgeError as error:  # unreachable index: no line can succeed
            _fail(str(error), as_json)
        if as_json:
            click.echo(answer.model_dump_json())
        else:
            click.echo(render_answer(answer) + "\n")
    if failed_lines:
        sys.exit(EXIT_SOME_LINES_FAILED)


def _emit(error: dict[str, object], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(error, ensure_ascii=False))
    else:
        click.echo(f"Line {error['line']}: {error['error']}\n", err=True)
