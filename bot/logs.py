"""Logging: one line per event with key=value fields (or JSON), and never the bot token.

Call sites name the event and pass its fields: `log.info("feed polled", extra={"fields": {...}})`.
httpx logs every request URL at INFO and python-telegram-bot its API URL at DEBUG; both hold the
token (https://www.python-httpx.org/logging/). The filter masks it in every record of every
logger, and is in place before the Application exists.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any, TextIO

TOKEN_SHAPE = re.compile(r"\d{3,}:[A-Za-z0-9_-]{20,}")
MASK = "<bot-token>"
_BARE = re.compile(r"^[\w.:/@+-]+$")  # values that need no quotes in key=value form


class RedactToken(logging.Filter):
    def __init__(self, token: str | None) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            record.fields = {
                key: self.redact(value) if isinstance(value, str) else value
                for key, value in fields.items()
            }
        return True

    def redact(self, text: str) -> str:
        if self._token:
            text = text.replace(self._token, MASK)
        return TOKEN_SHAPE.sub(MASK, text)


class KeyValueFormatter(logging.Formatter):
    """`2026-11-28T10:00:00Z WARNING jobs.poll feed failing feed=https://... reason="HTTP 500"`"""

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        parts = [stamp, record.levelname, record.name, record.getMessage()]
        parts += [f"{key}={_quoted(value)}" for key, value in _fields(record).items()]
        line = " ".join(parts)
        if record.exc_info or record.exc_text:
            line += "\n" + (record.exc_text or self.formatException(record.exc_info))  # type: ignore[arg-type]
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log shippers (LOG_FORMAT=json)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
            **_fields(record),
        }
        if record.exc_info or record.exc_text:
            entry["traceback"] = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(
    level: str, token: str | None, *, json_lines: bool = False, stream: TextIO | None = None
) -> None:
    """Every log line to `stream` (standard error when None), token masked."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if json_lines else KeyValueFormatter())
    handler.addFilter(RedactToken(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # One line per HTTP request drowns the log at INFO; keep them for DEBUG sessions.
    for noisy in ("httpx", "httpcore", "apscheduler", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))


def _fields(record: logging.LogRecord) -> dict[str, object]:
    values = getattr(record, "fields", None)
    return values if isinstance(values, dict) else {}


def _quoted(value: object) -> str:
    text = str(value)
    return text if _BARE.match(text) else json.dumps(text, ensure_ascii=False)
