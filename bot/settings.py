"""Typed settings, read once from the environment and .env by the composition root."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

BUNDLED_FEEDS = Path(__file__).with_name("feeds.toml")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    # The token is appended to this, then the method: {base}{token}/sendMessage.
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    database_url: str = "sqlite+aiosqlite:///newsbot.sqlite3"
    feeds_file: Path = BUNDLED_FEEDS
    poll_interval_seconds: float = Field(default=300, ge=1)
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    log_level: str = "INFO"
    # How often the sender looks at the outbox; a second keeps alerts prompt and the DB idle.
    send_interval_seconds: float = Field(default=1.0, gt=0)
    # Feed fetching limits (issue 3): a body over this is cut and the poll counts as failed.
    feed_max_bytes: int = Field(default=5_000_000, ge=10_000)
    feed_concurrency: int = Field(default=10, ge=1)
    feed_host_concurrency: int = Field(default=2, ge=1)
    # Entries dated longer ago than this are stored but never alerted.
    max_entry_age_hours: float = Field(default=48, gt=0)
    # How long an entry's identity is remembered after its feed stopped listing it.
    seen_retention_days: float = Field(default=30, gt=0)
    # Admins hear once about a feed that has been failing this long.
    feed_failing_notice_days: float = Field(default=3, gt=0)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        # "123, 456" in the environment; pydantic would otherwise expect JSON.
        if isinstance(value, str):
            return frozenset(
                int(part) for part in value.replace(";", ",").split(",") if part.strip()
            )
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return level
