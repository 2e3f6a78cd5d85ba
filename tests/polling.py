"""A Poller on real parts (SQLite, the local feed server, httpx) with a hand-driven clock."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from jobs.poll import Poller
from news.records import ChatProfile, FeedConfig
from news.schedule import Policy
from news.store import Store
from news.topics import Vocabulary

START = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
INTERVAL = timedelta(minutes=1)
VOCABULARY = Vocabulary.build({"Politics": ["politics"], "World": ["world"]})


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass
class Desk:
    """The poller, its store and clock, what admins were told, and SQL for what operators see."""

    poller: Poller
    store: Store
    clock: Clock
    database: Path
    told: list[str] = field(default_factory=list)

    async def add_feeds(self, *configs: FeedConfig) -> None:
        await self.store.feeds.sync(configs, self.clock())

    async def subscribe(self, chat: int, *topics: str) -> None:
        await self.store.chats.follow(ChatProfile(chat), topics, START)

    def feed(self, url: str) -> dict[str, Any]:
        with sqlite3.connect(self.database) as db:
            db.row_factory = sqlite3.Row
            row = db.execute("SELECT * FROM feeds WHERE url = ?", (url,)).fetchone()
        assert row is not None, f"no feed {url}"
        return dict(row)

    def key_points(self, title: str) -> list[str]:
        """The stored key points of the article with this headline."""
        with sqlite3.connect(self.database) as db:
            row = db.execute("SELECT key_points FROM articles WHERE title = ?", (title,)).fetchone()
        assert row is not None, f"no article {title!r}"
        points: list[str] = json.loads(row[0])
        return points

    def deliveries(self) -> list[tuple[int, str]]:
        """(chat, article title) of every queued alert, in queue order."""
        with sqlite3.connect(self.database) as db:
            return db.execute(
                "SELECT d.chat_id, a.title FROM deliveries d JOIN articles a ON a.id = d.article_id"
                " ORDER BY d.id"
            ).fetchall()


def at(moment: datetime) -> str:
    """A stored timestamp as SQLite holds it, for comparing with `Desk.feed()` rows."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


@asynccontextmanager
async def desk(tmp_path: Path, client: httpx.AsyncClient, **poller: Any) -> AsyncIterator[Desk]:
    database = tmp_path / "poll.sqlite3"
    store = Store.connect(f"sqlite+aiosqlite:///{database}")
    await store.migrate()
    clock = Clock()
    told: list[str] = []

    async def tell_admins(text: str) -> None:
        told.append(text)

    settings: dict[str, Any] = {"tell_admins": tell_admins, "draw": lambda: 0.0} | poller
    try:
        yield Desk(
            Poller(store, client, VOCABULARY, Policy(interval=INTERVAL), clock, **settings),
            store,
            clock,
            database,
            told,
        )
    finally:
        await store.close()
