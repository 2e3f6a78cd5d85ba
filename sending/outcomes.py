"""What Telegram's refusal of a message means, as a value: a pure reading of the error
python-telegram-bot raised, with no I/O, so every case is tested without a network.

  429 retry_after               -> RATE_LIMITED, with the seconds to wait
  400 migrate_to_chat_id        -> CHAT_MOVED, with the supergroup's id
  403, 400 chat not found       -> CHAT_GONE, with the reason
  400 need administrator rights -> CHAT_GONE: a channel took away the bot's right to post
  400 can't parse entities      -> HTML_REFUSED: our HTML, so our bug
  other 400                     -> REFUSED, with the reason
  5xx, timeouts, no connection  -> RETRY_LATER

The errors and their fields: https://core.telegram.org/bots/api#responseparameters and
https://docs.python-telegram-bot.org/en/stable/telegram.error.html
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from sending.limiter import seconds_of


class Outcome(Enum):
    SENT = "sent"
    RETRY_LATER = "retry later"
    RATE_LIMITED = "rate limited"
    CHAT_MOVED = "chat moved"
    CHAT_GONE = "chat gone"
    HTML_REFUSED = "html refused"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class Answer:
    """Telegram's answer to one message: its outcome, and what comes with it."""

    outcome: Outcome
    reason: str = ""  # for the log and the outbox row
    seconds: float = 0.0  # RATE_LIMITED: how long Telegram asked us to wait
    chat_id: int | None = None  # CHAT_MOVED: the supergroup the group became


ACCEPTED = Answer(Outcome.SENT)


def answer_of(error: TelegramError) -> Answer:
    """The outcome of a message Telegram refused (or never answered)."""
    if isinstance(error, RetryAfter):
        wait = seconds_of(error.retry_after)
        return Answer(Outcome.RATE_LIMITED, f"429: retry after {wait:g}s", seconds=wait)
    if isinstance(error, ChatMigrated):
        return Answer(
            Outcome.CHAT_MOVED, f"moved to {error.new_chat_id}", chat_id=error.new_chat_id
        )
    if isinstance(error, Forbidden):
        return Answer(Outcome.CHAT_GONE, error.message)
    # BadRequest before the rest: it is a NetworkError in python-telegram-bot's hierarchy.
    if isinstance(error, BadRequest):
        reason = error.message.lower()
        if "chat not found" in reason:
            return Answer(Outcome.CHAT_GONE, "chat not found")
        if "need administrator rights" in reason:
            # Telegram's answer in a channel where the bot may no longer post; it is back when
            # the right is given again (my_chat_member, bot/membership.py).
            return Answer(Outcome.CHAT_GONE, error.message)
        if "can't parse entities" in reason:
            return Answer(Outcome.HTML_REFUSED, error.message)
        return Answer(Outcome.REFUSED, error.message)
    return Answer(Outcome.RETRY_LATER, f"network: {error.message}")
