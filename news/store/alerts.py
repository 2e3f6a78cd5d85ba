"""Keyword alerts: each chat's saved queries, in the canonical form of news.keywords."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from news.store import numbered
from news.store.schema import AlertRow

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
            try:
                return await numbered.add(
                    session, AlertRow, chat_id, MAX_ALERTS, query=query, created_at=now
                )
            except numbered.Full:
                raise TooManyAlerts from None  # the transaction rolls the insert back

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
            row = await numbered.drop(session, AlertRow, chat_id, alert_id)
            return None if row is None else row.query

    async def remove(self, chat_id: int, position: int) -> str | None:
        """Remove the alert /alert list shows as number `position`; None if there is none."""
        async with self._sessions.begin() as session:
            row = await numbered.remove(session, AlertRow, chat_id, position)
            return None if row is None else row.query
