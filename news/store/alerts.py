"""Keyword alerts: each chat's saved queries, in the canonical form of news.keywords."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from news.store.database import insert_ignoring_duplicates
from news.store.schema import AlertRow, ChatRow

# Every new article is matched against every alert: a bound per chat keeps that cheap.
MAX_ALERTS = 20


class TooManyAlerts(Exception):
    """The chat already has MAX_ALERTS alerts."""


class Alerts:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def add(self, chat_id: int, query: str, now: datetime) -> bool:
        """Store an alert; False when the chat already has it. Creates the chat if new."""
        async with self._sessions.begin() as session:
            if await session.get(ChatRow, chat_id) is None:
                session.add(ChatRow(id=chat_id, kind="private", active=True, created_at=now))
                await session.flush()
            count = await session.scalar(
                select(func.count()).select_from(AlertRow).where(AlertRow.chat_id == chat_id)
            )
            statement = insert_ignoring_duplicates(session, AlertRow).values(
                chat_id=chat_id, query=query, created_at=now
            )
            result = await session.execute(statement)
            added = bool(getattr(result, "rowcount", 0))
            if added and (count or 0) >= MAX_ALERTS:
                raise TooManyAlerts  # rolls the insert back with the transaction
            return added

    async def texts(self, chat_id: int) -> list[str]:
        """The chat's alerts in the order they were added (/alert list numbers them so)."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(AlertRow.query).where(AlertRow.chat_id == chat_id).order_by(AlertRow.id)
            )
            return list(rows)

    async def entries(self, chat_id: int) -> list[tuple[int, str]]:
        """The chat's alerts as (id, query), in the order /alert list numbers them."""
        async with self._sessions() as session:
            rows = await session.execute(
                select(AlertRow.id, AlertRow.query)
                .where(AlertRow.chat_id == chat_id)
                .order_by(AlertRow.id)
            )
            return [(alert, query) for alert, query in rows]

    async def drop(self, chat_id: int, alert_id: int) -> str | None:
        """Remove the chat's alert with this id; None if it has none (removed already)."""
        async with self._sessions.begin() as session:
            removed = await session.scalar(
                delete(AlertRow)
                .where(AlertRow.chat_id == chat_id, AlertRow.id == alert_id)
                .returning(AlertRow.query)
            )
            return removed

    async def remove(self, chat_id: int, position: int) -> str | None:
        """Remove the alert /alert list shows as number `position`; None if there is none."""
        if position < 1:
            return None
        async with self._sessions.begin() as session:
            row = await session.scalar(
                select(AlertRow)
                .where(AlertRow.chat_id == chat_id)
                .order_by(AlertRow.id)
                .offset(position - 1)
                .limit(1)
            )
            if row is None:
                return None
            await session.execute(delete(AlertRow).where(AlertRow.id == row.id))
            return row.query
