"""Interaction payloads as Slack sends them for stories, shared by tests/stories and
tests/hostile."""

from __future__ import annotations

from typing import Any


def view_submission(values: dict[str, Any]) -> dict[str, Any]:
    """The payload Slack sends when the story modal is submitted."""
    return {
        "type": "view_submission",
        "team": {"id": "T0TEST01"},
        "user": {"id": "U0ALICE"},
        "api_app_id": "A0TEST01",
        "trigger_id": "1.2.3",
        "view": {
            "id": "V0STORY",
            "type": "modal",
            "callback_id": "story_add_modal",
            "private_metadata": "C0GENERAL",
            "state": {"values": values},
        },
    }
