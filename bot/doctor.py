"""`journeybot doctor`'s checks: is this installation configured and working, and if not,
what one thing to do about each part.

Each check is read-only (no file, folder or database is created by looking) and ends in
one sentence: the settings, the metrics database and its schema revision, the knowledge
index, the Slack token and its scopes (auth.test; Slack lists the granted scopes in the
`x-oauth-scopes` response header), and the chat model when LLM_MODEL is set.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field

from bot.config import SECRETS, Settings, SettingsError, load_settings, shown

#: The app manifest beside the packages (a checkout or an editable install).
MANIFEST = Path(__file__).resolve().parents[1] / "manifest.yml"
Status = Literal["ok", "failing", "skipped"]


class Check(BaseModel):
    """One line of the report: what was checked, its state, one sentence, and the facts."""

    name: str
    status: Status
    detail: str
    facts: dict[str, Any] = Field(default_factory=dict)


class Report(BaseModel):
    ok: bool
    checks: list[Check]


def diagnose() -> Report:
    """Every check; with invalid settings, one failing line per setting and nothing else."""
    try:
        config = load_settings()
    except SettingsError as error:
        checks = [Check(name="settings", status="failing", detail=p) for p in error.problems]
        return Report(ok=False, checks=checks)
    checks = [
        settings_check(config),
        database_check(config),
        index_check(config),
        slack_check(config),
        llm_check(config),
        alerts_check(config),
        digest_check(config),
    ]
    return Report(ok=all(check.status != "failing" for check in checks), checks=checks)


def settings_check(config: Settings) -> Check:
    given = {
        name.upper(): _value(name, getattr(config, name))
        for name in sorted(config.model_fields_set)
    }
    listed = ", ".join(f"{name}={value}" for name, value in given.items()) or "none"
    return Check(
        name="settings",
        status="ok",
        detail=f"Settings are valid; set: {listed}; JOURNEYBOT_HOME is {config.journeybot_home}.",
        facts={"set": given, "journeybot_home": str(config.journeybot_home)},
    )


def _value(name: str, value: object) -> str:
    if name in SECRETS:
        return "(hidden)"
    if isinstance(value, list):
        value = ",".join(value)
    if isinstance(value, dict):
        value = ",".join(f"{key}={item}" for key, item in value.items())
    return shown(name, value)


def database_check(config: Settings) -> Check:
    from metrics.db import exists, head_revision, is_known_revision, revision_at, safe_url
    from metrics.errors import MetricsError

    url = config.metrics_database_url
    where = safe_url(url)
    head = head_revision()
    facts: dict[str, Any] = {"url": where, "revision": None, "newest": head}
    if not exists(url):
        return _failing(
            "database",
            f"There is no metrics database at {where} yet; run `journeybot db upgrade` "
            "(or `journeybot demo` for sample data), or set DATABASE_URL or JOURNEYBOT_HOME "
            "to where your data is.",
            facts,
        )
    try:
        revision = revision_at(url)
    except MetricsError as error:
        return _failing("database", str(error), facts)
    facts["revision"] = revision
    if revision == head:
        return Check(
            name="database",
            status="ok",
            detail=f"The metrics database {where} is at revision {revision}, the newest.",
            facts=facts,
        )
    if revision is None:
        problem = "has no journeybot schema; run `journeybot db upgrade`"
    elif not is_known_revision(revision):
        problem = (
            f"is at revision {revision}, written by a newer journeybot (this one knows up "
            f"to {head}); upgrade journeybot"
        )
    else:
        problem = f"is at revision {revision}, the newest is {head}; run `journeybot db upgrade`"
    return _failing("database", f"The metrics database {where} {problem}.", facts)


def index_check(config: Settings) -> Check:
    from bot.services import Services
    from knowledge.errors import KnowledgeError

    if config.chroma_host:
        where = f"the Chroma server at {config.chroma_host}:{config.chroma_port}"
    else:
        where = f"the index at {config.index_path}"
    facts: dict[str, Any] = {"index": where, "documents": 0, "chunks": 0}
    if not config.chroma_host and not config.index_path.is_dir():
        return _failing(
            "index",
            f"There is no knowledge index at {config.index_path}; run `journeybot ingest "
            "PATH…` (or `journeybot demo`), or set JOURNEYBOT_HOME to where it is.",
            facts,
        )
    base = Services.from_settings(config).knowledge_base()
    try:
        facts["documents"] = len(base.index.manifest())
        facts["chunks"] = base.count()
    except KnowledgeError as error:
        return _failing("index", str(error), facts)
    if not facts["chunks"]:
        return _failing(
            "index", f"{where.capitalize()} is empty; run `journeybot ingest PATH…`.", facts
        )
    return Check(
        name="index",
        status="ok",
        detail=f"{where.capitalize()} holds {facts['documents']:,} documents in "
        f"{facts['chunks']:,} chunks.",
        facts=facts,
    )


def manifest_scopes(path: Path = MANIFEST) -> set[str] | None:
    """The bot scopes manifest.yml asks for; None when the manifest is not installed."""
    try:
        manifest = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError:
        return None
    return set(manifest["oauth_config"]["scopes"]["bot"])


def slack_check(config: Settings) -> Check:
    from slack_sdk.errors import SlackApiError

    from bot.slack.client import make_client

    if not config.slack_bot_token:
        return Check(
            name="slack",
            status="skipped",
            detail="SLACK_BOT_TOKEN is not set, so Slack is not connected (the CLI works "
            "without it).",
        )
    client = make_client(config)
    try:
        reply = client.auth_test()
    except SlackApiError as error:
        code = error.response.get("error", "unknown_error")
        return _failing(
            "slack",
            f"Slack rejected SLACK_BOT_TOKEN ({code}); copy the Bot User OAuth Token from "
            "the app's OAuth & Permissions page.",
        )
    except OSError as error:
        return _failing(
            "slack",
            f"Cannot reach Slack at {client.base_url} ({error}); check the network or "
            "SLACK_API_URL.",
        )
    headers = {key.lower(): value for key, value in (reply.headers or {}).items()}
    granted_header = headers.get("x-oauth-scopes")
    granted = {s.strip() for s in str(granted_header or "").split(",") if s.strip()}
    wanted = manifest_scopes()
    facts: dict[str, Any] = {
        "team": reply.get("team"),
        "team_id": reply.get("team_id"),
        "bot_user_id": reply.get("user_id"),
        "granted_scopes": sorted(granted),
        "missing_scopes": sorted((wanted or set()) - granted),
    }
    who = f"the bot {reply.get('user')} in {reply.get('team')} ({reply.get('team_id')})"
    if facts["missing_scopes"] and granted_header is not None:
        return _failing(
            "slack",
            f"SLACK_BOT_TOKEN works for {who} but lacks {', '.join(facts['missing_scopes'])} "
            "from manifest.yml; add them under OAuth & Permissions and reinstall the app.",
            facts,
        )
    if not config.slack_app_token and not config.slack_signing_secret:
        return _failing(
            "slack",
            f"SLACK_BOT_TOKEN works for {who}, but `serve` also needs SLACK_APP_TOKEN "
            "(Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode).",
            facts,
        )
    if granted_header is None:
        scopes = "Slack did not say which scopes it has"
    elif wanted is None:
        scopes = "manifest.yml is not installed here to compare its scopes with"
    else:
        scopes = "it has every scope manifest.yml asks for"
    return Check(
        name="slack", status="ok", detail=f"SLACK_BOT_TOKEN works for {who}; {scopes}.", facts=facts
    )


def llm_check(config: Settings) -> Check:
    from knowledge.chat_model import ChatModel, LlmFailed
    from knowledge.errors import KnowledgeError
    from knowledge.llm_answer import LlmAnswerer

    model = config.llm_model
    if not model:
        return Check(
            name="llm",
            status="skipped",
            detail="LLM_MODEL is not set, so answers are extractive (no model is called).",
        )
    started = time.perf_counter()
    try:
        LlmAnswerer(ChatModel(model, config.llm_timeout_seconds)).check()
    except KnowledgeError as error:
        return _failing("llm", str(error), {"model": model})
    except LlmFailed as failure:
        return _failing(
            "llm",
            f"LLM_MODEL={model!r} did not answer a test prompt ({failure}); check the "
            "provider's API key, its URL and the network.",
            {"model": model},
        )
    seconds = time.perf_counter() - started
    return Check(
        name="llm",
        status="ok",
        detail=f"LLM_MODEL={model!r} answered a test prompt in {seconds:.1f} s.",
        facts={"model": model, "seconds": round(seconds, 3)},
    )


def alerts_check(config: Settings) -> Check:
    """The rules file was read with the settings (a mistake fails them with its line); this
    says what it declares and which rules can be posted."""
    from metrics.alerts.rules_file import DEFAULT_FILE, load_rule_book

    source = config.alert_rules_file or DEFAULT_FILE
    book = load_rule_book(config.alert_rules_file)
    unposted = [r.name for r in book.alerts if not (r.channel or config.alert_channel)]
    targets = ", ".join(f"{kpi} {value:g}" for kpi, value in book.targets.items()) or "none"
    facts: dict[str, Any] = {
        "file": str(source),
        "rules": [r.name for r in book.alerts],
        "without_channel": unposted,
        "targets": book.targets,
    }
    count = len(book.alerts)
    declared = (
        f"{source} declares {count} alert rule{'' if count == 1 else 's'} and targets: {targets}"
    )
    if book.alerts and len(unposted) == len(book.alerts):
        return Check(
            name="alerts",
            status="skipped",
            detail=f"{declared}; no rule has a channel, so none is posted: set ALERT_CHANNEL "
            "or give the rules a channel.",
            facts=facts,
        )
    without = f"; not posted (no channel): {', '.join(unposted)}" if unposted else ""
    return Check(
        name="alerts",
        status="ok",
        detail=f"{declared}; checked at '{config.alert_schedule}' ({config.story_tz}){without}.",
        facts=facts,
    )


def digest_check(config: Settings) -> Check:
    if not config.digest_channel:
        return Check(
            name="digest",
            status="skipped",
            detail="DIGEST_CHANNEL is not set, so no weekly KPI digest is posted.",
        )
    return Check(
        name="digest",
        status="ok",
        detail=f"The weekly KPI digest ({', '.join(config.digest_kpis)}) goes to "
        f"{config.digest_channel} at '{config.digest_schedule}' ({config.story_tz}).",
        facts={"channel": config.digest_channel, "kpis": config.digest_kpis},
    )


def _failing(name: str, detail: str, facts: dict[str, Any] | None = None) -> Check:
    return Check(name=name, status="failing", detail=detail, facts=facts or {})
