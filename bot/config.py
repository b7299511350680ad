"""All configuration in one place, read from the environment and `.env`.

Only `bot/` reads settings; `knowledge/` and `metrics/` take plain arguments, so they stay
usable as libraries and in tests without any environment.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting journeybot knows; `.env.example` documents each one."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    # State and storage
    journeybot_home: Path = Path(".journeybot")
    database_url: str | None = None
    chroma_host: str | None = None
    chroma_port: int = 8000

    # Knowledge
    embedding_model: str = "wordllama"
    llm_model: str | None = None
    llm_timeout_seconds: float = 20.0
    max_question_chars: int = 2000
    ingest_max_file_mb: float = Field(default=20.0, gt=0)
    ingest_max_file_seconds: float = Field(default=30.0, gt=0)
    ingest_lock_wait_seconds: float = Field(default=120.0, ge=0)

    # Metrics
    kpi_timezone: str = "UTC"
    kpi_min_sample: int = 30
    kpi_default_period: str = "30d"
    kpi_currency: str = "DKK"
    kpi_gross_margin: float = 0.30  # for clv
    kpi_discount_rate: float = 0.10  # annual, for clv

    # Slack
    slack_bot_token: str | None = None
    slack_app_token: str | None = None
    slack_signing_secret: str | None = None
    slack_api_url: str | None = None
    kpi_allowed_users: Annotated[list[str], NoDecode] = Field(default_factory=list)
    kpi_allowed_usergroups: Annotated[list[str], NoDecode] = Field(default_factory=list)
    port: int = 3000
    listener_threads: int = 32

    # Stories
    story_channel: str | None = None
    story_schedule: str = "0 9 * * mon"
    story_tz: str = "Europe/Copenhagen"
    story_allow_repeats: bool = False

    @field_validator("kpi_allowed_users", "kpi_allowed_usergroups", mode="before")
    @classmethod
    def _split_comma_list(cls, value: object) -> object:
        """Lists are written `U1,U2` in the environment, as operators expect."""
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @cached_property
    def metrics_database_url(self) -> str:
        """`DATABASE_URL` if set, else a SQLite file under `JOURNEYBOT_HOME`."""
        if self.database_url:
            return self.database_url
        self.journeybot_home.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(self.journeybot_home / 'metrics.db').resolve()}"

    @property
    def index_path(self) -> Path:
        return self.journeybot_home / "index"


def load_settings() -> Settings:
    return Settings()
