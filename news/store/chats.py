"""Chats and the topics they follow."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from news.records import ChatPrefs
from news.store.database import insert_ignoring_duplicates
from news.store.prefs import prefs_of
from news.store.schema import ChatRow, DeliveryRow, SubscriptionRow
from news.store.states import FAILED, OPEN

# What /settings and friends may change; anything else is a programming error.
CHANGEABLE = frozenset(
    {"language", "zone", "mode", "digest_times", "quiet", "quiet_mode", "link_previews"}
    | {"paused_until", "thread_id", "last_digest_at"}
)


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

    async def prefs(self, chat_id: int) -> ChatPrefs | None:
        async with self._sessions() as session:
            row = await session.get(ChatRow, chat_id)
            return None if row is None else prefs_of(row)

    async def update(self, chat_id: int, now: datetime, **changes: Any) -> ChatPrefs:
        """Change a chat's settings (creating the chat if it never talked to us); returns them."""
        unknown = set(changes) - CHANGEABLE
        if unknown:
            raise TypeError(f"not a chat setting: {', '.join(sorted(unknown))}")
        if "digest_times" in changes:
            changes["digest_times"] = list(changes["digest_times"])
        async with self._sessions.begin() as session:
            row = await session.get(ChatRow, chat_id)
            if row is None:
                row = ChatRow(id=chat_id, kind="private", active=True, created_at=now)
                session.add(row)
            for name, value in changes.items():
                setattr(row, name, value)
            await session.flush()
            await session.refresh(row)
            return prefs_of(row)

    async def forget(self, chat_id: int) -> None:
        """/stop: the chat and everything it stored (subscriptions, alerts, saved articles,
        queued messages) are deleted."""
        async with self._sessions.begin() as session:
            # The foreign keys cascade (SQLite has them on: news.store.database).
            await session.execute(delete(ChatRow).where(ChatRow.id == chat_id))

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

    async def migrate(self, old_id: int, new_id: int, now: datetime) -> None:
        """A group became a supergroup with a new id (telegram-facts 1.4): its subscriptions
        and its deliveries move there, in order and once each; the old id stays, inactive."""
        async with self._sessions.begin() as session:
            old = await session.get(ChatRow, old_id)
            new = await session.get(ChatRow, new_id)
            if new is None:
                session.add(
                    ChatRow(
                        id=new_id,
                        kind="supergroup",
                        title=old.title if old else None,
                        language=old.language if old else None,
                        active=True,
                        created_at=now,
                    )
                )
            else:
                new.active = True
            if old is not None:
                old.active = False
            await session.flush()
            await _move_subscriptions(session, old_id, new_id)
            await _move_deliveries(session, old_id, new_id)


async def _move_subscriptions(session: AsyncSession, old_id: int, new_id: int) -> None:
    followed = select(
        literal(new_id, SubscriptionRow.chat_id.type),
        SubscriptionRow.topic,
        SubscriptionRow.created_at,
    ).where(SubscriptionRow.chat_id == old_id)
    await session.execute(
        insert_ignoring_duplicates(session, SubscriptionRow).from_select(
            ["chat_id", "topic", "created_at"], followed
        )
    )
    await session.execute(delete(SubscriptionRow).where(SubscriptionRow.chat_id == old_id))


async def _move_deliveries(session: AsyncSession, old_id: int, new_id: int) -> None:
    """Rows keep their ids (so their order); an article already queued for the new id stays
    there once, and the old id's copy of it is given up."""
    there = select(DeliveryRow.article_id).where(DeliveryRow.chat_id == new_id)
    await session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.chat_id == old_id, DeliveryRow.article_id.not_in(there))
        .values(chat_id=new_id)
    )
    await session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.chat_id == old_id, DeliveryRow.state.in_(OPEN))
        .values(state=FAILED, last_error=f"chat moved to supergroup {new_id}")
    )
