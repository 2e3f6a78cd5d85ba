"""Telegram's updates as the database keeps them: the ids already taken up (so an update posted
twice, or to two processes, is handled once) and how the bot receives them (polling or
webhook), shared by every process on the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from news.records import UpdateMode
from news.store.database import insert_ignoring_duplicates
from news.store.schema import BotModeRow, HandledUpdateRow

_THE_ROW = 1  # bot_mode holds one row


class Updates:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def take(self, update_id: int, now: datetime) -> bool:
        """True for the first taker of this update; False when some process (this one or
        another) took it before. The unique key decides, so two processes racing for one
        update cannot both win."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                insert_ignoring_duplicates(session, HandledUpdateRow).values(
                    update_id=update_id, handled_at=now
                )
            )
            return bool(getattr(result, "rowcount", 0))

    async def forget(self, before: datetime) -> int:
        """Drop the ids taken before `before`; returns how many."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(HandledUpdateRow).where(HandledUpdateRow.handled_at < before)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    async def mode(self) -> UpdateMode | None:
        """The recorded mode; None before any process started."""
        async with self._sessions() as session:
            stored = await session.scalar(select(BotModeRow.mode).where(BotModeRow.id == _THE_ROW))
            return None if stored is None else UpdateMode(stored)

    async def start_in(self, mode: UpdateMode, now: datetime) -> UpdateMode:
        """Records `mode` when none is, and returns the mode the database holds: `mode`, or
        the other one, which the caller must not override (two processes starting together
        in different modes: the first insert wins)."""
        async with self._sessions.begin() as session:
            await session.execute(
                insert_ignoring_duplicates(session, BotModeRow).values(
                    id=_THE_ROW, mode=mode.value, changed_at=now
                )
            )
        recorded = await self.mode()
        assert recorded is not None
        return recorded

    async def switch(self, mode: UpdateMode, now: datetime) -> UpdateMode | None:
        """The operator's deliberate change; returns the mode it replaced."""
        before = await self.mode()
        async with self._sessions.begin() as session:
            if before is None:
                session.add(BotModeRow(id=_THE_ROW, mode=mode.value, changed_at=now))
            else:
                await session.execute(
                    update(BotModeRow)
                    .where(BotModeRow.id == _THE_ROW)
                    .values(mode=mode.value, changed_at=now)
                )
        return before
