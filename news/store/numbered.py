"""A chat's numbered list (keyword alerts, mutes): bounded, in the order its rows were added,
a row removed by the number the list shows it with, or by its id (a button's)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from news.store.database import insert_ignoring_duplicates
from news.store.schema import AlertRow, ChatRow, MuteRow

Listed = TypeVar("Listed", AlertRow, MuteRow)


class Full(Exception):
    """The chat's list already holds as many rows as it may."""


async def add(
    session: AsyncSession, table: type[Listed], chat_id: int, most: int, **values: Any
) -> bool:
    """Insert the chat's row; False when it has that one already. Raises Full past `most`
    (the caller's transaction then rolls the insert back). Creates the chat if new."""
    now: datetime = values["created_at"]
    if await session.get(ChatRow, chat_id) is None:
        session.add(ChatRow(id=chat_id, kind="private", active=True, created_at=now))
        await session.flush()
    count = await session.scalar(
        select(func.count()).select_from(table).where(table.chat_id == chat_id)
    )
    statement = insert_ignoring_duplicates(session, table).values(chat_id=chat_id, **values)
    added = bool(getattr(await session.execute(statement), "rowcount", 0))
    if added and (count or 0) >= most:
        raise Full
    return added


async def remove(
    session: AsyncSession, table: type[Listed], chat_id: int, position: int
) -> Listed | None:
    """Delete the row the chat's list shows as number `position` (from 1); None if none."""
    if position < 1:
        return None
    row = await session.scalar(
        select(table)
        .where(table.chat_id == chat_id)
        .order_by(table.id)
        .offset(position - 1)
        .limit(1)
    )
    if row is not None:
        await session.execute(delete(table).where(table.id == row.id))
    return row


async def drop(
    session: AsyncSession, table: type[Listed], chat_id: int, row_id: int
) -> Listed | None:
    """Delete the chat's row with this id (a button names it so); None if it has none."""
    row = await session.scalar(select(table).where(table.chat_id == chat_id, table.id == row_id))
    if row is not None:
        await session.execute(delete(table).where(table.id == row.id))
    return row
