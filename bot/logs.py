"""Logging set-up that can never print the bot token.

httpx logs every request URL at INFO and python-telegram-bot logs its API URL at DEBUG; both hold
the token (telegram-facts 2.7). The filter masks it in every record of every logger, and is in
place before the Application exists.
"""

from __future__ import annotations

import logging
import re

TOKEN_SHAPE = re.compile(r"\d{3,}:[A-Za-z0-9_-]{20,}")
MASK = "<bot-token>"


class RedactToken(logging.Filter):
    def __init__(self, token: str | None) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self._redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True

    def _redact(self, text: str) -> str:
        if self._token:
            text = text.replace(self._token, MASK)
        return TOKEN_SHAPE.sub(MASK, text)


def configure(level: str, token: str | None) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactToken(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # One line per HTTP request drowns the log at INFO; keep them for DEBUG sessions.
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
