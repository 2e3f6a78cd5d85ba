"""Chats and the topics they follow."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from news.store.database import insert_ignoring_duplicates
from news.store.schema import ChatRow, SubscriptionRow


class Chats:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def seen(
        self, chat_id: int, *, kind: str, title: str | None, language: str | None, now: datetime
    ) -> None:
        """Record a chat that talked to us; a chat that had gone quiet is active again."""
        async with self._sessions.begin() as session:
            row = await session.get(ChatRow, chat_id)
            if row is None:
                session.add(
                    ChatRow(
                        id=chat_id,
                        kind=kind,
                        title=title,
                        language=language,
                        active=True,
                        created_at=now,
                    )
                )
            else:
                row.active, row.title = True, title or row.title
                row.language = row.language or language

    async def subscribe(self, chat_id: int, topic: str, now: datetime) -> bool:
        """Follow a topic; False when the chat already did."""
        async with self._sessions.begin() as session:
            statement = insert_ignoring_duplicates(session, SubscriptionRow).values(
                chat_id=chat_id, topic=topic, created_at=now
            )
            result = await session.execute(statement)
            return bool(getattr(result, "rowcount", 0))

    async def unsubscribe(self, chat_id: int, topic: str) -> bool:
        """Stop following a topic; False when the chat did not follow it."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(SubscriptionRow).where(
                    SubscriptionRow.chat_id == chat_id, SubscriptionRow.topic == topic
                )
            )
            return bool(getattr(result, "rowcount", 0))

    async def topics(self, chat_id: int) -> set[str]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(SubscriptionRow.topic).where(SubscriptionRow.chat_id == chat_id)
            )
            return set(rows)

    async def deactivate(self, chat_id: int) -> None:
        """A chat that blocked or removed the bot: kept with its subscriptions, sent nothing."""
        async with self._sessions.begin() as session:
            row = await session.get(ChatRow, chat_id)
            if row is not None:
                row.active = False
