"""All configuration in one place, read from the environment and `.env`.

Only `bot/` reads settings; `knowledge/` and `metrics/` take plain arguments, so they stay
usable as libraries and in tests without any environment.

Every setting is checked when Settings is built, so `serve` and every CLI command refuse a
bad value at start-up with one sentence per setting (`load_settings` raises SettingsError),
instead of a traceback, or a wrong result, the first time the value is used. Each field's
`description` says what it expects; that text ends the sentence.
"""

from __future__ import annotations

import os
import re
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.scheduling.cron import EXPECTED as CRONTAB_FORM
from bot.scheduling.cron import parse_crontab
from knowledge.citations import parse_url_map
from metrics.periods import ACCEPTED_FORMS as PERIOD_FORMS

#: Settings whose values never appear in messages, logs or `journeybot doctor`.
SECRETS = frozenset({"slack_bot_token", "slack_app_token", "slack_signing_secret"})
_NO_SPACES = re.compile(r"^\S+$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_USERGROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
_TIMEZONE = "an IANA time zone name such as Europe/Copenhagen or UTC"
_PORT = "a TCP port from 1 to 65535"


def default_home() -> Path:
    """$XDG_DATA_HOME/journeybot, else ~/.local/share/journeybot: the same folder whichever
    directory cron or systemd starts us in (a relative default silently used a new, empty
    database and index under each working directory)."""
    base = os.environ.get("XDG_DATA_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "share"
    return root / "journeybot"


class SettingsError(ValueError):
    """Some settings are invalid; `problems` holds one sentence per setting."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


class Settings(BaseSettings):
    """Every setting journeybot knows; `.env.example` documents each one."""

    # An empty `NAME=` in .env means "not set", as it does for most tools.
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", frozen=True, env_ignore_empty=True
    )

    # State and storage
    journeybot_home: Path = Field(
        default_factory=default_home,
        description="a folder journeybot may create and write to",
    )
    database_url: str | None = Field(
        None,
        description="a SQLAlchemy URL such as postgresql+psycopg://user@host/db "
        "or sqlite:////absolute/path/metrics.db",
    )
    chroma_host: str | None = Field(
        None, description="a host name or IP address without scheme or port (see CHROMA_PORT)"
    )
    chroma_port: int = Field(8000, ge=1, le=65535, description=_PORT)

    # Knowledge
    embedding_model: str = Field(
        "wordllama",
        description="wordllama or provider:model, e.g. openai:text-embedding-3-small",
    )
    llm_model: str | None = Field(
        None, description="provider:model, e.g. openai:gpt-4o-mini, or unset for no LLM"
    )
    llm_timeout_seconds: float = Field(
        20.0, gt=0, le=600, allow_inf_nan=False, description="seconds, more than 0 and at most 600"
    )
    max_question_chars: int = Field(
        2000, ge=1, le=40000, description="a whole number of characters from 1 to 40000"
    )
    ingest_max_file_mb: float = Field(
        20.0, gt=0, le=10_000, allow_inf_nan=False, description="megabytes, more than 0"
    )
    ingest_max_file_seconds: float = Field(
        30.0,
        gt=0,
        le=3600,
        allow_inf_nan=False,
        description="seconds, more than 0 and at most 3600",
    )
    ingest_lock_wait_seconds: float = Field(
        120.0, ge=0, le=3600, allow_inf_nan=False, description="seconds from 0 to 3600"
    )
    source_url_map: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict,
        description="comma-separated FOLDER/=BASE_URL pairs, folders relative to the ingested "
        "one, e.g. confluence/=https://wiki.example.com/display/CX/",
    )

    # Metrics
    kpi_timezone: str = Field("UTC", description=_TIMEZONE)
    kpi_min_sample: int = Field(30, ge=0, description="a whole number, 0 or more")
    kpi_default_period: str = Field("30d", description=f"a period: {PERIOD_FORMS}")
    kpi_currency: str = Field("DKK", description="a three-letter ISO 4217 code such as DKK")
    kpi_gross_margin: float = Field(  # for clv
        0.30, ge=0, le=1, allow_inf_nan=False, description="a fraction from 0 to 1, e.g. 0.30"
    )
    kpi_discount_rate: float = Field(  # annual, for clv
        0.10, ge=0, le=1, allow_inf_nan=False, description="a fraction from 0 to 1, e.g. 0.10"
    )

    # Slack
    slack_bot_token: str | None = Field(None, description="the bot token, starting xoxb-")
    slack_app_token: str | None = Field(None, description="the app-level token, starting xapp-")
    slack_signing_secret: str | None = Field(
        None, description="the signing secret from the app's Basic Information page"
    )
    slack_api_url: str | None = Field(
        None, description="an http(s) URL of the Web API, e.g. https://slack.com/api/"
    )
    kpi_allowed_users: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="comma-separated Slack user ids such as U0123ABCD"
    )
    kpi_allowed_usergroups: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="comma-separated Slack user-group ids such as S0123ABCD"
    )
    port: int = Field(3000, ge=1, le=65535, description=_PORT)
    listener_threads: int = Field(32, ge=1, le=512, description="a whole number from 1 to 512")
    max_request_bytes: int = Field(
        1_048_576,
        ge=1024,
        le=64 * 1_048_576,
        description="a whole number of bytes from 1024 to 67108864 (Slack's payloads are a few KB)",
    )

    # Stories
    story_channel: str | None = Field(
        None, description="a Slack channel id such as C0123ABCD (not a #name)"
    )
    story_schedule: str = Field("0 9 * * mon", description=CRONTAB_FORM)
    story_tz: str = Field("Europe/Copenhagen", description=_TIMEZONE)
    story_allow_repeats: bool = Field(False, description="true or false")
    story_approvers: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="comma-separated Slack user ids such as U0123ABCD who approve stories",
    )

    # Targets, alerts and the weekly KPI digest (schedules in STORY_TZ)
    alert_rules_file: Path | None = Field(
        None,
        description="a YAML file of KPI targets and alert rules in the form of the shipped "
        "metrics/targets.yaml",
    )
    alert_schedule: str = Field("0 * * * *", description=CRONTAB_FORM)
    alert_channel: str | None = Field(
        None, description="a Slack channel id such as C0123ABCD (not a #name)"
    )
    digest_channel: str | None = Field(
        None, description="a Slack channel id such as C0123ABCD (not a #name)"
    )
    digest_schedule: str = Field("30 8 * * mon", description=CRONTAB_FORM)
    digest_kpis: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["nps", "csat", "churn_rate", "checkout_completion", "aov"],
        description="comma-separated KPI names, as `journeybot kpi list` shows them",
    )
    channel_language: str = Field("en", description="one of da, no, sv or en")

    @field_validator(
        "kpi_allowed_users",
        "kpi_allowed_usergroups",
        "story_approvers",
        "digest_kpis",
        mode="before",
    )
    @classmethod
    def _split_comma_list(cls, value: object) -> object:
        """Lists are written `U1,U2` in the environment, as operators expect."""
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("source_url_map", mode="before")
    @classmethod
    def _url_map(cls, value: object) -> object:
        """Written `wiki/=https://…,drive/=https://…`; the first bad entry is named."""
        return parse_url_map(value) if isinstance(value, str) else value

    @field_validator("journeybot_home")
    @classmethod
    def _usable_home(cls, value: Path) -> Path:
        """Absolute, so every message names the folder actually used; `~` works in .env."""
        home = value.expanduser().absolute()
        if home.exists() and not home.is_dir():
            raise ValueError("it is a file, not a folder")
        return home

    @field_validator("database_url")
    @classmethod
    def _sqlalchemy_url(cls, value: str | None) -> str | None:
        if value is not None:  # imported only for a URL: 0.3 s that `ask` never needs
            from sqlalchemy.engine import make_url
            from sqlalchemy.exc import ArgumentError

            try:
                make_url(value)
            except (ArgumentError, ValueError) as error:  # ValueError: a port that is no number
                raise ValueError("it is not a SQLAlchemy URL") from error
        return value

    @field_validator("chroma_host")
    @classmethod
    def _bare_host(cls, value: str | None) -> str | None:
        if value is not None and (not _NO_SPACES.match(value) or "/" in value):
            raise ValueError("it is not a bare host name")
        return value

    @field_validator("embedding_model", "llm_model")
    @classmethod
    def _model_name(cls, value: str | None) -> str | None:
        if value is None or value == "wordllama":
            return value
        provider, colon, model = value.partition(":")
        if not _NO_SPACES.match(value) or (colon and not (provider and model)):
            raise ValueError("it is not a model name")
        return value

    @field_validator("kpi_timezone", "story_tz")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError("no such time zone") from error
        return value

    @field_validator("kpi_default_period")
    @classmethod
    def _known_period(cls, value: str) -> str:
        from metrics.errors import BadPeriod
        from metrics.periods import resolve_period

        try:
            resolve_period(value)
        except BadPeriod as error:
            raise ValueError("it is not a period") from error
        return value

    @field_validator("kpi_currency")
    @classmethod
    def _currency_code(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z]{3}", value):
            raise ValueError("it is not a three-letter code")
        return value.upper()

    @field_validator("slack_bot_token", "slack_app_token")
    @classmethod
    def _token_prefix(cls, value: str | None, info: Any) -> str | None:  # noqa: ANN401
        prefix = "xoxb-" if info.field_name == "slack_bot_token" else "xapp-"
        if value is not None and (not value.startswith(prefix) or not _NO_SPACES.match(value)):
            raise ValueError(f"it does not start with {prefix}")
        return value

    @field_validator("slack_signing_secret")
    @classmethod
    def _one_word(cls, value: str | None) -> str | None:
        if value is not None and not _NO_SPACES.match(value):
            raise ValueError("it contains spaces")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _web_api_url(cls, value: str | None) -> str | None:
        """With the trailing slash slack_sdk needs: it appends the method name as is."""
        if value is None:
            return None
        if not re.fullmatch(r"https?://[^/\s]+(/\S*)?", value):
            raise ValueError("it is not an http(s) URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("kpi_allowed_users", "kpi_allowed_usergroups", "story_approvers")
    @classmethod
    def _slack_ids(cls, value: list[str], info: Any) -> list[str]:  # noqa: ANN401
        pattern = _USERGROUP_ID if info.field_name == "kpi_allowed_usergroups" else _USER_ID
        wrong = [item for item in value if not pattern.match(item)]
        if wrong:
            raise ValueError(f"{', '.join(wrong)} is not such an id")
        return value

    @field_validator("story_channel", "alert_channel", "digest_channel")
    @classmethod
    def _channel_id(cls, value: str | None) -> str | None:
        if value is not None and not _CHANNEL_ID.match(value):
            raise ValueError("it is not a channel id")
        return value

    @field_validator("story_schedule", "alert_schedule", "digest_schedule")
    @classmethod
    def _crontab(cls, value: str) -> str:
        parse_crontab(value, "UTC")  # ValueError says which field is wrong
        return value

    @field_validator("alert_rules_file")
    @classmethod
    def _rules_file(cls, value: Path | None) -> Path | None:
        """Read now, so a mistake stops `serve` at start-up with its line, not an hour later."""
        if value is None:
            return None
        from metrics.alerts.rules_file import load_rule_book
        from metrics.errors import RulesFileError

        path = value.expanduser().absolute()
        try:
            load_rule_book(path)
        except RulesFileError as error:
            where = f"line {error.line}: " if error.line is not None else ""
            raise ValueError(f"{where}{error.reason}") from None
        return path

    @field_validator("digest_kpis")
    @classmethod
    def _kpi_names(cls, value: list[str]) -> list[str]:
        """Each KPI's own name (`churn` → `churn_rate`), so the digest shows it once."""
        from metrics.errors import UnknownKpi
        from metrics.registry import get_kpi

        names: list[str] = []
        for item in value:
            try:
                name = get_kpi(item).name
            except UnknownKpi as error:
                raise ValueError(str(error).rstrip(".")) from None
            if name not in names:
                names.append(name)
        if not names:
            raise ValueError("it names no KPI")
        return names

    @field_validator("channel_language")
    @classmethod
    def _language(cls, value: str) -> str:
        if value.lower() not in ("da", "no", "sv", "en"):
            raise ValueError("it is not a language journeybot speaks")
        return value.lower()

    @cached_property
    def metrics_database_url(self) -> str:
        """`DATABASE_URL` if set, else a SQLite file under `JOURNEYBOT_HOME`. Reading it
        creates nothing: the folder is made when the database is first opened."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.journeybot_home / 'metrics.db'}"

    @property
    def index_path(self) -> Path:
        return self.journeybot_home / "index"


def load_settings() -> Settings:
    """The settings from the environment and `.env`; SettingsError names every bad one."""
    try:
        return Settings()
    except ValidationError as error:
        raise SettingsError(describe(error)) from None


def describe(error: ValidationError) -> list[str]:
    """One sentence per invalid setting: its variable, the value given, what is expected."""
    sentences = []
    for problem in error.errors(include_url=False):
        if not problem["loc"]:
            sentences.append(f"The settings are invalid: {problem['msg']}.")
            continue
        name = str(problem["loc"][0])
        field = Settings.model_fields.get(name)
        given = f"{name.upper()}={shown(name, problem.get('input'))} is not valid"
        if not (field and field.description):
            sentences.append(f"{given}: {problem['msg'].rstrip('.')}.")
            continue
        reason = f" ({problem['ctx']['error']})" if problem["type"] == "value_error" else ""
        sentences.append(f"{given}{reason}; expected {field.description}.")
    return sentences


def shown(name: str, value: object) -> str:
    """A setting's value as it may appear in a message: secrets and passwords hidden."""
    text = str(value)
    if name in SECRETS:
        token_kind = re.match(r"x[a-z]{2,4}-", text)
        return f"'{token_kind[0] if token_kind else ''}…' (hidden)"
    if name == "database_url":
        text = re.sub(r"(//[^:/@]*:)[^@]*@", r"\1***@", text)
    return repr(text)
