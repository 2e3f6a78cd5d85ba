"""Telegram's refusals read as outcomes, without a network: what the sender does with each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from sending.outcomes import Answer, Outcome, answer_of


@pytest.mark.parametrize(
    ("error", "answer"),
    [
        (RetryAfter(3), Answer(Outcome.RATE_LIMITED, "429: retry after 3s", seconds=3.0)),
        (
            RetryAfter(timedelta(seconds=1.5)),
            Answer(Outcome.RATE_LIMITED, "429: retry after 1.5s", seconds=1.5),
        ),
        (ChatMigrated(-1001234), Answer(Outcome.CHAT_MOVED, "moved to -1001234", chat_id=-1001234)),
        (
            Forbidden("Forbidden: bot was blocked by the user"),
            Answer(Outcome.CHAT_GONE, "Forbidden: bot was blocked by the user"),
        ),
        (BadRequest("Bad Request: chat not found"), Answer(Outcome.CHAT_GONE, "chat not found")),
        (
            BadRequest("Bad Request: need administrator rights in the channel chat"),
            Answer(Outcome.CHAT_GONE, "Need administrator rights in the channel chat"),
        ),
        (
            BadRequest("Can't parse entities: unsupported start tag"),
            Answer(Outcome.HTML_REFUSED, "Can't parse entities: unsupported start tag"),
        ),
        (
            BadRequest("Message is too long"),
            Answer(Outcome.REFUSED, "Message is too long"),
        ),
        (TimedOut(), Answer(Outcome.RETRY_LATER, "network: Timed out")),
        (NetworkError("Bad Gateway"), Answer(Outcome.RETRY_LATER, "network: Bad Gateway")),
        (
            TelegramError("Internal Server Error"),
            Answer(Outcome.RETRY_LATER, "network: Internal Server Error"),
        ),
    ],
)
def test_each_refusal_has_its_outcome(error: TelegramError, answer: Answer) -> None:
    assert answer_of(error) == answer
