"""`journeybot serve` refuses to start without the tokens its mode needs, in one sentence."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from bot.cli import main


@pytest.mark.parametrize(
    ("env", "args", "names"),
    [
        ({}, ["serve"], "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, ["serve"], "SLACK_APP_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, ["serve", "--http"], "SLACK_SIGNING_SECRET"),
    ],
)
def test_missing_tokens_are_named_in_one_sentence(
    home, monkeypatch: pytest.MonkeyPatch, env: dict, args: list[str], names: str
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {names} is not set;")
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
