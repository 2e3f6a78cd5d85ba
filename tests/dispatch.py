"""The Sender on real parts without the application around it: a store on SQLite, the fake Bot
API through a real ExtBot and the bot's Limiter, and the DigestJob the digest job would run.

Its clock is real time plus an offset: retries and Telegram's waits of seconds pass on their
own, and a test jumps hours ahead (a digest slot, the end of quiet hours) with `advance`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from telegram.ext import ExtBot

from bot.i18n import Catalogues, chat_locale
from jobs.digests import DigestJob
from monitor.metrics import Metrics
from news.pacing import Limits, Rate
from news.records import NewArticle
from news.store import Store
from news.store.outbox import OutboxEntry
from sending.limiter import Lane, Limiter
from sending.sender import Retries, Sender
from tests import stock
from tests.chatting import chat_type
from tests.clocks import ShiftedClock
from tests.databases import database_or_sqlite
from tests.fakes.telegram import FakeTelegram

# Far above what a handful of alerts needs: these tests are about what the sender does with
# Telegram's answers; tests/test_ratelimit.py and tests/test_pacing.py are about the pace.
FAST = Limits(
    overall=Rate.per_second(1000),
    private_chat=Rate.per_second(1000),
    group=Rate.per_minute(60_000),
)
QUICK = Retries(first=timedelta(seconds=0.05))
CATALOGUES = Catalogues.load()


class Beats(Metrics):
    """The bot's metrics, and an event at each liveness beat. The sender beats at every turn of
    its loop, and it turns as soon as an alert in flight is done: then what the alert wrote
    (sent, held, failed with the reason) is there to read."""

    def __init__(self) -> None:
        super().__init__()
        self.turned = asyncio.Event()

    def beat(self, part: str, now: datetime) -> None:
        super().beat(part, now)
        self.turned.set()


@dataclass
class Dispatch:
    """A running Sender, and what the rest of the bot would do around it: chats that follow
    topics, a poll that queues alerts, the digest job as time passes."""

    store: Store
    sender: Sender
    digester: DigestJob
    clock: ShiftedClock
    beats: Beats

    async def follow(self, chat: int, *topics: str, **prefs: Any) -> None:
        """The chat talked to the bot, follows these topics and chose these settings."""
        await stock.follow(self.store, chat, *topics, kind=chat_type(chat), now=self.clock())
        if prefs:
            await self.store.chats.update(chat, self.clock(), **prefs)

    async def publish(self, *articles: NewArticle) -> None:
        """A poll brings these new articles: stored, their alerts queued, the sender woken."""
        await stock.publish(self.store, *articles, now=self.clock())
        self.sender.wake()

    async def advance(self, delta: timedelta) -> int:
        """Time jumps ahead and the digest job runs; returns the digests it queued."""
        self.clock.advance(delta)
        queued = await self.digester.queue_due()
        self.sender.wake()
        return queued

    async def entries(self, chat: int) -> list[OutboxEntry]:
        """The chat's outbox rows, oldest first."""
        return await self.store.outbox.entries(chat)

    async def until(
        self, chat: int, condition: Callable[[list[OutboxEntry]], bool], *, what: str
    ) -> list[OutboxEntry]:
        """The chat's outbox rows once `condition` holds for them, read again at every turn of
        the sender's loop."""
        try:
            async with asyncio.timeout(10):
                while True:
                    self.beats.turned.clear()
                    entries = await self.entries(chat)
                    if condition(entries):
                        return entries
                    await self.beats.turned.wait()
        except TimeoutError:
            rows = [(e.state, e.title, e.last_error) for e in await self.entries(chat)]
            raise AssertionError(f"never: {what}; chat {chat}'s rows: {rows}") from None


@asynccontextmanager
async def dispatch(
    telegram: FakeTelegram, tmp_path: Path, *, retries: Retries = QUICK, limits: Limits = FAST
) -> AsyncIterator[Dispatch]:
    clock = ShiftedClock()
    beats = Beats()
    limiter = Limiter(limits, metrics=beats)
    bot: ExtBot[Lane] = ExtBot(telegram.token, base_url=telegram.base_url, rate_limiter=limiter)
    async with database_or_sqlite(tmp_path) as url:
        store = Store.connect(url)
        sender = Sender(
            store,
            bot,
            limiter,
            clock,
            retries=retries,
            idle_seconds=0.2,
            metrics=beats,
            locales=lambda prefs: chat_locale(CATALOGUES, prefs, None),  # as bot/app.py does
        )
        try:
            async with bot:
                sender.start()
                try:
                    yield Dispatch(store, sender, DigestJob(store, clock), clock, beats)
                finally:
                    await sender.stop()
        finally:
            await store.close()
