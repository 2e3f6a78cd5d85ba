"""The one rate limiter for everything the bot sends: alerts, replies to commands, apologies.

python-telegram-bot hands every Bot API call to `process_request` (BaseRateLimiter). A call that
puts a message in a chat waits until news.pacing says both the chat's budget and the bot-wide
one allow it; anything else (getMe, answerCallbackQuery, ...) goes straight through. Replies
go before queued alerts: someone is looking at the screen. A 429 pauses the chat, and the whole
bot when it can only have been the bot-wide limit (news.pacing.Pacing.told_to_wait).
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import math
import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from monitor.metrics import Metrics
from news.pacing import Chat, Limits, Pacing, Rate

log = logging.getLogger(__name__)

Result = bool | dict[str, Any] | list[dict[str, Any]]
# Methods that make a message appear (or change one) in a chat; sendChatAction shows "typing".
_MESSAGE_METHODS = ("send", "copymessage", "forwardmessage", "editmessage")


class Lane(enum.Enum):
    """Who is waiting for a message, given as `rate_limit_args` to a bot method."""

    REPLY = "reply"  # a person: first in line, and a 429 is waited out and retried here
    ALERT = "alert"  # the outbox: after replies, and a 429 goes back to the sender to requeue


class Limiter(BaseRateLimiter[Lane]):
    def __init__(
        self,
        limits: Limits | None = None,
        *,
        reply_retries: int = 3,
        clock: Callable[[], float] = time.monotonic,  # the clock asyncio's timeouts follow
        metrics: Metrics | None = None,
    ) -> None:
        self.pacing = Pacing(limits)
        self.metrics = metrics or Metrics()
        self._reply_retries = reply_retries
        self._clock = clock
        self._changed = asyncio.Event()
        self._replies_waiting = 0  # replies held back by the bot-wide budget alone
        # Awaited before each message: where several processes share the bot, a process that
        # does not send alerts first takes its share of the budget (bot.campaign).
        self.gate: Callable[[], Awaitable[None]] | None = None

    async def initialize(self) -> None:
        """Nothing to open: the budgets live in memory."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    def share(self, overall: Rate) -> None:
        """This process's part of the bot-wide rate (news.pacing.reply_share, sender_share)."""
        self.pacing.share(overall)
        self._notify()

    def hold(self, seconds: float) -> None:
        """Start no message for this long: what another process sent may still count."""
        self.pacing.hold(self._clock() + seconds)

    def chat_wait(self, chat: Chat) -> float:
        """Seconds until the chat's own limit lets a message start (0 when it may now)."""
        now = self._clock()
        return self.pacing.chat_ready_at(chat, now) - now

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Lane | None,
    ) -> Result:
        chat = _chat(data.get("chat_id"))
        if chat is None or not _makes_a_message(endpoint):
            return await callback(*args, **kwargs)
        lane = rate_limit_args or Lane.REPLY
        if self.gate is not None:
            await self.gate()
        paid = bool(data.get("allow_paid_broadcast"))
        retries = self._reply_retries if lane is Lane.REPLY else 0
        for attempt in range(retries + 1):
            await self._acquire(chat, lane, paid)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                self._told_to_wait(chat, error, paid)
                if attempt == retries:
                    raise
            finally:
                self.pacing.answered(chat, self._clock(), paid=paid)
                self._notify()
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _acquire(self, chat: Chat, lane: Lane, paid: bool) -> None:
        """Wait for this chat's turn and the bot's, then count the message as started."""
        queued = False
        try:
            while True:
                now = self._clock()
                smooth = lane is Lane.ALERT  # a reply skips its chat's even pace, not its window
                chat_at = self.pacing.chat_ready_at(chat, now, smooth=smooth)
                at = self.pacing.ready_at(chat, now, paid=paid, smooth=smooth)
                behind_replies = lane is Lane.ALERT and self._replies_waiting > 0
                if at <= now and not behind_replies:
                    self.pacing.start(chat, now, paid=paid)
                    return
                if lane is Lane.REPLY and chat_at <= now and not queued:
                    queued = True
                    self._replies_waiting += 1
                await self._until(math.inf if behind_replies else at)
        finally:
            if queued:
                self._replies_waiting -= 1
                self._notify()

    async def _until(self, at: float) -> None:
        """Sleep until `at`, or until a message is answered (which may free a place)."""
        changed = self._changed
        timeout = None if math.isinf(at) else max(0.0, at - self._clock())
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await changed.wait()

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _told_to_wait(self, chat: Chat, error: RetryAfter, paid: bool) -> None:
        self.metrics.too_many_requests.inc()  # every 429, alerts' and replies' alike
        seconds = seconds_of(error.retry_after)
        everything = self.pacing.told_to_wait(chat, self._clock(), seconds, paid=paid)
        scope = "bot" if everything else "chat"
        told = {"chat": chat, "seconds": seconds, "scope": scope}
        log.warning("telegram asked to wait", extra={"fields": told})


def seconds_of(retry_after: int | timedelta) -> float:
    # PTB 22 gives int seconds, or a timedelta when PTB_TIMEDELTA is set:
    # https://docs.python-telegram-bot.org/en/stable/telegram.error.html#telegram.error.RetryAfter
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)


def _makes_a_message(endpoint: str) -> bool:
    method = endpoint.lower()
    return method.startswith(_MESSAGE_METHODS) and method != "sendchataction"


def _chat(chat_id: object) -> Chat | None:
    if isinstance(chat_id, int):
        return chat_id
    if isinstance(chat_id, str):
        with contextlib.suppress(ValueError):
            return int(chat_id)
        return chat_id  # "@channelusername"
    return None
