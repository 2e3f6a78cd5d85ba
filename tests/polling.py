"""A Poller on real parts (SQLite, the local feed server, httpx) with a hand-driven clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from jobs.poll import Poller
from news.records import ChatProfile, FeedConfig, FeedHealth, FeedState
from news.schedule import Policy
from news.store import Store
from news.topics import Vocabulary
from tests.clocks import Clock
from tests.databases import database_or_sqlite

START = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
INTERVAL = timedelta(minutes=1)
VOCABULARY = Vocabulary.build({"Politics": ["politics"], "World": ["world"]})


@dataclass
class Desk:
    """The poller, its store and clock, what admins were told, and what operators see."""

    poller: Poller
    store: Store
    clock: Clock
    told: list[str] = field(default_factory=list)

    async def add_feeds(self, *configs: FeedConfig) -> None:
        await self.store.feeds.sync(configs, self.clock())

    async def subscribe(self, chat: int, *topics: str) -> None:
        await self.store.chats.follow(ChatProfile(chat), topics, START)

    async def feed(self, url: str) -> FeedHealth:
        """The feed as /feeds shows it to an admin."""
        found = await self.store.feeds.find(url)
        assert found is not None, f"no feed {url}"
        return found

    async def state(self, url: str) -> FeedState:
        """The feed as the poller sees it: what its last polls left behind."""
        found = [feed for feed in await self.store.feeds.all() if feed.url == url]
        assert found, f"no feed {url}"
        return found[0]

    async def key_points(self, title: str) -> list[str]:
        """The stored key points of the article with this headline."""
        found = [a for a in await self.store.articles.latest(limit=1000) if a.title == title]
        assert found, f"no article {title!r}"
        return list(found[0].key_points)

    async def deliveries(self) -> list[tuple[int, str]]:
        """(chat, article title) of every queued alert, in queue order."""
        entries = await self.store.outbox.entries()
        assert all(entry.title is not None for entry in entries)  # polling queues articles only
        return [(entry.chat_id, str(entry.title)) for entry in entries]


@asynccontextmanager
async def desk(tmp_path: Path, client: httpx.AsyncClient, **poller: Any) -> AsyncIterator[Desk]:
    clock = Clock(START)
    told: list[str] = []

    async def tell_admins(text: str) -> None:
        told.append(text)

    settings: dict[str, Any] = {"tell_admins": tell_admins, "draw": lambda: 0.0} | poller
    async with database_or_sqlite(tmp_path) as url:
        store = Store.connect(url)
        try:
            policy = Policy(interval=INTERVAL)
            yield Desk(
                Poller(store, client, VOCABULARY, policy, clock, **settings), store, clock, told
            )
        finally:
            await store.close()
