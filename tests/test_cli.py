"""The CLI is installed as `journeybot` and lists its commands."""

import subprocess
import sys


def test_journeybot_help_lists_the_commands():
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, check=True
    )
    assert "journeybot" in result.stdout
