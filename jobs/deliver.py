"""Drain the outbox: render each queued alert and send it, marking it sent only once accepted.

Chats are served concurrently, each chat's alerts one after another (in order, and within the
one-message-a-second-per-chat limit that the rate limiter does not enforce by itself).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from news import render
from news.records import Delivery
from news.store import Store

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Telegram's own limit is about one message a second per chat (telegram-facts 1.1).
PER_CHAT_GAP = 1.0


@dataclass(frozen=True, slots=True)
class Outcome:
    sent: bool = False
    gone: bool = False  # the chat cannot receive messages; its other rows were cancelled
    retry_at: datetime | None = None


SENT, FAILED, GONE = Outcome(sent=True), Outcome(), Outcome(gone=True)


@dataclass(slots=True)
class Sender:
    store: Store
    bot: Bot
    clock: Callable[[], datetime]
    batch: int = 200
    max_attempts: int = MAX_ATTEMPTS

    async def send_due(self) -> int:
        deliveries = await self.store.outbox.take_due(self.clock(), limit=self.batch)
        by_chat: dict[int, list[Delivery]] = defaultdict(list)
        for delivery in deliveries:
            by_chat[delivery.chat_id].append(delivery)
        sent = await asyncio.gather(*(self._send_chat(items) for items in by_chat.values()))
        return sum(sent)

    async def _send_chat(self, deliveries: list[Delivery]) -> int:
        sent = 0
        for index, delivery in enumerate(deliveries):
            if index:
                await asyncio.sleep(PER_CHAT_GAP)  # pacing real sends, not waiting for an event
            outcome = await self._send(delivery)
            if outcome.gone:
                return sent
            if outcome.retry_at is not None:
                # Keep the chat's order: the rest wait as long as the one being retried.
                for later in deliveries[index + 1 :]:
                    await self.store.outbox.retry(later.id, outcome.retry_at, "behind a retry")
                return sent
            sent += outcome.sent
        return sent

    async def _send(self, delivery: Delivery) -> Outcome:
        now = self.clock()
        try:
            await self._send_html(delivery.chat_id, render.alert(delivery.article))
        except RetryAfter as error:
            at = now + timedelta(seconds=_seconds(error.retry_after))
            await self.store.outbox.retry(delivery.id, at, "429 too many requests")
            return Outcome(retry_at=at)
        except (Forbidden, ChatMigrated) as error:
            # ChatMigrated: moving the chat to its supergroup id is left to the delivery issue.
            await self._gone(delivery.chat_id, f"chat unreachable: {error.message}")
            return GONE
        except BadRequest as error:
            return await self._bad_request(delivery, error)
        except (TimedOut, NetworkError) as error:  # after BadRequest: it subclasses NetworkError
            return await self._later(delivery, now, f"network: {error.message}")
        await self.store.outbox.sent(delivery.id, self.clock())
        return SENT

    async def _send_html(self, chat_id: int, text: str) -> None:
        await self.bot.send_message(
            chat_id,
            text,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )

    async def _bad_request(self, delivery: Delivery, error: BadRequest) -> Outcome:
        reason = error.message.lower()
        if "chat not found" in reason:
            await self._gone(delivery.chat_id, "chat not found")
            return GONE
        if "can't parse entities" in reason:
            # Our renderer produced HTML Telegram refused: a bug. Log it, still deliver as text.
            log.error("telegram refused our HTML delivery=%d reason=%s", delivery.id, error.message)
            await self.bot.send_message(
                delivery.chat_id, render.plain(delivery.article), parse_mode=None
            )
            await self.store.outbox.sent(delivery.id, self.clock())
            return SENT
        await self.store.outbox.failed(delivery.id, f"bad request: {error.message}")
        log.error("alert refused delivery=%d reason=%s", delivery.id, error.message)
        return FAILED

    async def _later(self, delivery: Delivery, now: datetime, reason: str) -> Outcome:
        if delivery.attempts >= self.max_attempts:
            await self.store.outbox.failed(delivery.id, reason)
            log.warning(
                "alert given up delivery=%d attempts=%d reason=%s",
                delivery.id,
                delivery.attempts,
                reason,
            )
            return FAILED
        at = now + timedelta(seconds=2**delivery.attempts)
        await self.store.outbox.retry(delivery.id, at, reason)
        return Outcome(retry_at=at)

    async def _gone(self, chat_id: int, reason: str) -> None:
        await self.store.chats.deactivate(chat_id)
        cancelled = await self.store.outbox.cancel_chat(chat_id, reason)
        log.info("chat inactive chat=%d reason=%s cancelled=%d", chat_id, reason, cancelled)


def _seconds(retry_after: int | timedelta) -> float:
    # PTB 22 gives int seconds, or a timedelta when PTB_TIMEDELTA is set (telegram-facts 2.x).
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)
