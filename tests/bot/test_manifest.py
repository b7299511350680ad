"""manifest.yml asks for exactly the bot scopes the code needs: every Web API method it calls
and every event it subscribes to is covered, and nothing else is requested (workspace admins
review each scope, and an unused one is a permission nobody should have granted)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))

#: The bot-token scopes each Web API method needs (views.* and auth.test need none).
METHOD_SCOPES: dict[str, set[str]] = {
    "chat_postMessage": {"chat:write"},
    "chat_postEphemeral": {"chat:write"},
    "chat_update": {"chat:write"},
    # Threads in public and private channels and in DMs (follow-ups, /ask history).
    "conversations_replies": {"channels:history", "groups:history", "im:history"},
    # Before re-posting a story whose post got no answer: is it in the channel already?
    "conversations_history": {"channels:history", "groups:history"},
    "conversations_open": {"im:write"},  # the /kpi chart goes to the asker's DM
    "files_upload_v2": {"files:write"},
    "usergroups_users_list": {"usergroups:read"},  # access by user group
    "auth_test": set(),  # journeybot doctor checks the token
    "users_list": {"users:read"},  # colleagues' names are redacted from stories
    "users_info": {"users:read"},  # the reader's Slack locale: replies in their language
    "views_open": set(),
    "views_publish": set(),
    "views_update": set(),  # the story modal, after it is saved
}
EVENT_SCOPES: dict[str, set[str]] = {
    "app_home_opened": set(),
    "app_mention": {"app_mentions:read"},
    "message.channels": {"channels:history"},
    "message.groups": {"groups:history"},
    "message.im": {"im:history"},
}
_WEB_API_CALL = re.compile(
    r"\.((?:apps|auth|bookmarks|chat|conversations|emoji|files|im|pins|reactions|team|"
    r"usergroups|users|views)_\w+)\("
)


def methods_called() -> set[str]:
    sources = (path.read_text(encoding="utf-8") for path in (ROOT / "bot").rglob("*.py"))
    return {method for source in sources for method in _WEB_API_CALL.findall(source)}


def test_every_web_api_method_the_bot_calls_has_a_known_scope_need() -> None:
    unknown = methods_called() - METHOD_SCOPES.keys()
    assert not unknown, f"add the scopes for {sorted(unknown)} to METHOD_SCOPES and manifest.yml"


def test_the_manifest_asks_for_exactly_the_scopes_in_use() -> None:
    needed = {"commands"}  # slash commands and the message shortcut
    for method in methods_called():
        needed |= METHOD_SCOPES.get(method, set())
    for event in MANIFEST["settings"]["event_subscriptions"]["bot_events"]:
        needed |= EVENT_SCOPES[event]
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == needed
