"""Storage: the only part of news/ that talks to a database (SQLAlchemy 2 async)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from news.store.alerts import Alerts
from news.store.articles import Articles, Ingested
from news.store.broadcasts import Broadcasts
from news.store.chats import Chats
from news.store.database import create_engine, migrate, sessions_for
from news.store.expiring import Expiring
from news.store.feeds import Feeds, PollOutcome
from news.store.held import HeldArticles
from news.store.leadership import Leadership
from news.store.mutes import Mutes
from news.store.outbox import Outbox
from news.store.prompts import Prompts
from news.store.saved import Saved
from news.store.stats import Snapshot, Stats
from news.store.stories import Stories
from news.store.updates import Updates
from news.stories import Policy

__all__ = ["Ingested", "PollOutcome", "Snapshot", "Store"]


@dataclass(frozen=True, slots=True)
class Store:
    engine: AsyncEngine
    feeds: Feeds
    articles: Articles
    chats: Chats
    outbox: Outbox
    stats: Stats
    broadcasts: Broadcasts
    alerts: Alerts
    saved: Saved
    held: HeldArticles
    prompts: Prompts
    mutes: Mutes
    expiring: Expiring
    stories: Stories
    updates: Updates
    leadership: Leadership  # this process's roles among several (news.store.leadership)

    @classmethod
    def connect(cls, url: str, *, stories: Policy | None = None) -> Store:
        """Set up the engine; nothing connects until first use, so this is safe before a loop.
        `stories`: how articles are grouped into stories (news.stories.Policy)."""
        engine = create_engine(url)
        sessions = sessions_for(engine)
        grouping = Stories(sessions, stories or Policy())
        return cls(
            engine,
            Feeds(sessions),
            Articles(sessions, grouping),
            Chats(sessions),
            Outbox(sessions),
            Stats(sessions),
            Broadcasts(sessions),
            Alerts(sessions),
            Saved(sessions),
            HeldArticles(sessions),
            Prompts(sessions),
            Mutes(sessions),
            Expiring(sessions),
            grouping,
            Updates(sessions),
            Leadership(engine),
        )

    @classmethod
    @asynccontextmanager
    async def opened(cls, url: str) -> AsyncIterator[Store]:
        """Connected and migrated for one command (the CLI), closed afterwards."""
        store = cls.connect(url)
        try:
            await store.migrate()
            yield store
        finally:
            await store.close()

    async def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision."""
        await migrate(self.engine)

    async def close(self) -> None:
        await self.leadership.close()
        await self.engine.dispose()
