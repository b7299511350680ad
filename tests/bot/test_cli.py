"""The CLI is installed as `journeybot`, lists every command, and loads a command's code
only when that command runs."""

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from bot.cli import COMMANDS, main


def test_journeybot_help_lists_every_command_with_its_one_line_help():
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, check=True
    )
    listed = result.stdout.split("Commands:", 1)[1]
    for name, (_, summary) in COMMANDS.items():
        assert f"  {name} " in listed
        assert summary.split()[0] in listed


def test_help_loads_neither_the_knowledge_nor_the_metrics_stack():
    probe = (
        "import sys; from click.testing import CliRunner; from bot.cli import main; "
        "CliRunner().invoke(main, ['--help']); "
        "print(sorted(m for m in ('sqlalchemy', 'chromadb', 'bm25s', 'pydantic_settings', "
        "'knowledge.knowledge_base', 'metrics.schema') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_listed_help_is_the_commands_own_first_line(name: str):
    command = main.get_command(click.Context(main), name)
    assert command is not None and command.name == name
    own = " ".join((command.help or "").split("\n\n")[0].split())
    listed = COMMANDS[name][1]
    assert own.startswith(listed.rstrip("…")), (own, listed)


def test_an_unknown_command_is_one_sentence():
    result = CliRunner().invoke(main, ["frobnicate"])
    assert result.exit_code == 2 and "No such command 'frobnicate'" in result.output
