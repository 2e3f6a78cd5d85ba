"""Messages the bot deletes when their time comes: a command posted in a channel, and the bot's
answer to it. Kept in the database so that a restart does not forget them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from news.records import ExpiringMessage
from news.store.database import insert_ignoring_duplicates
from news.store.schema import ExpiringRow


class Expiring:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def add(self, chat_id: int, message_id: int, due_at: datetime) -> None:
        """Delete the message at `due_at`; a message already listed keeps its first time."""
        async with self._sessions.begin() as session:
            await session.execute(
                insert_ignoring_duplicates(session, ExpiringRow).values(
                    chat_id=chat_id, message_id=message_id, due_at=due_at
                )
            )

    async def due(self, now: datetime, limit: int) -> list[ExpiringMessage]:
        """The messages whose time has come, the longest due first."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(ExpiringRow)
                .where(ExpiringRow.due_at <= now)
                .order_by(ExpiringRow.due_at, ExpiringRow.id)
                .limit(limit)
            )
            return [ExpiringMessage(row.id, row.chat_id, row.message_id) for row in rows]

    async def done(self, ids: Iterable[int]) -> None:
        """Deleted, or given up on: no longer listed."""
        ids = set(ids)
        if not ids:
            return
        async with self._sessions.begin() as session:
            await session.execute(delete(ExpiringRow).where(ExpiringRow.id.in_(ids)))
