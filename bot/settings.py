"""Typed settings, read once from the environment and .env by the composition root."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

BUNDLED_FEEDS = Path(__file__).with_name("feeds.toml")
# What setWebhook accepts (https://core.telegram.org/bots/api#setwebhook): the ports of the URL,
# and the secret token's alphabet and length.
WEBHOOK_PORTS = (443, 80, 88, 8443)
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


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
    # "text": one line per event with key=value fields; "json": one JSON object per line.
    log_format: Literal["text", "json"] = "text"
    # The longest the idle sender waits before looking at the outbox again; alerts the poller
    # queues wake it at once, so this only bounds how late other writers' rows are noticed.
    send_interval_seconds: float = Field(default=1.0, gt=0)
    # Telegram's flood limits as the bot keeps them, for every message it sends, replies
    # included (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this).
    # Lower them if Telegram still answers 429.
    messages_per_second: float = Field(default=30, gt=0)
    private_chat_messages_per_second: float = Field(default=1, gt=0)
    group_messages_per_minute: float = Field(default=20, gt=0)  # groups and channels
    # Paid broadcasts (https://core.telegram.org/bots/api#paid-broadcasts): alerts go with
    # allow_paid_broadcast at up to PAID_MESSAGES_PER_SECOND, billed in Stars beyond the free
    # 30/s; needs @BotFather's consent.
    paid_broadcast: bool = False
    paid_messages_per_second: float = Field(default=1000, gt=0)
    # A send that meets a 5xx, a timeout or no connection is retried after SEND_RETRY_SECONDS,
    # doubling each time (at most 10 minutes), and failed after SEND_MAX_ATTEMPTS attempts.
    send_max_attempts: int = Field(default=10, ge=1)
    send_retry_seconds: float = Field(default=2.0, gt=0)
    # Feed fetching limits: a body over this is cut and the poll counts as failed.
    feed_max_bytes: int = Field(default=5_000_000, ge=10_000)
    feed_concurrency: int = Field(default=10, ge=1)
    feed_host_concurrency: int = Field(default=2, ge=1)
    # Entries dated longer ago than this are stored but never alerted.
    max_entry_age_hours: float = Field(default=48, gt=0)
    # An article joins a story that began at most this long before it, from any feed, or
    # starts one; edits that name a story's other outlets stop with the window too.
    story_window_hours: float = Field(default=36, gt=0)
    # How long an entry's identity is remembered after its feed stopped listing it.
    seen_retention_days: float = Field(default=30, gt=0)
    # Prometheus /metrics and /healthz on this port (none when unset); 0 picks a free port.
    metrics_port: int | None = Field(default=None, ge=0, le=65535)
    metrics_host: str = "127.0.0.1"
    # A user who sends more than COMMAND_BURST commands within COMMAND_BURST_SECONDS is told
    # once to slow down, then ignored until the window passes; 0 turns the guard off.
    command_burst: int = Field(default=8, ge=0)
    command_burst_seconds: float = Field(default=10, gt=0)
    # A command posted in a channel and the bot's answer are deleted after this many seconds,
    # where the bot may delete them (every reader sees them); 0 keeps them.
    channel_command_ttl_seconds: float = Field(default=60, ge=0)
    # Admins hear once about a feed that has been failing this long.
    feed_failing_notice_days: float = Field(default=3, gt=0)
    # /addfeed and `newsbot feeds add|check|import` refuse feeds on loopback, private, link-local
    # and cloud-metadata addresses unless this is true (a feed server on the operator's LAN).
    allow_private_feeds: bool = False
    # Webhook mode (docs/deploy.md): Telegram posts updates to WEBHOOK_URL, the public HTTPS
    # address of the operator's TLS proxy, which forwards them unchanged to WEBHOOK_HOST:
    # WEBHOOK_PORT at the same path. Unset: the bot long-polls getUpdates.
    webhook_url: str | None = None
    # Required with WEBHOOK_URL: Telegram sends it with every update, and a request without it
    # is refused.
    webhook_secret: SecretStr | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=0, le=65535)

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

    @field_validator("webhook_url", "webhook_secret", mode="before")
    @classmethod
    def _unset_when_empty(cls, value: object) -> object:
        # WEBHOOK_URL= in .env (as .env.example leaves it) means polling, not an empty address.
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value.strip())
        if parts.scheme != "https" or not parts.hostname:
            raise ValueError("WEBHOOK_URL must be the public https:// address Telegram calls")
        try:
            port = parts.port or 443
        except ValueError:
            port = -1
        if port not in WEBHOOK_PORTS:
            allowed = ", ".join(str(p) for p in WEBHOOK_PORTS)
            raise ValueError(f"WEBHOOK_URL's port must be one Telegram accepts: {allowed}")
        if parts.query or parts.fragment:
            raise ValueError("WEBHOOK_URL must have no query or fragment")
        return value.strip()

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url is not None and self.webhook_secret is None:
            raise ValueError(
                "WEBHOOK_SECRET is required with WEBHOOK_URL (1-256 characters of A-Z, a-z, "
                "0-9, _ and -)"
            )
        return self

    @property
    def webhook_path(self) -> str:
        """Where the webhook listens: WEBHOOK_URL's own path, so the proxy forwards it as is."""
        return urlsplit(self.webhook_url or "").path or "/"
