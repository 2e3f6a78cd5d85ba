"""Mutes: each chat's muted words and outlets (news.mutes), and the reads the routing rule needs
at ingest, when a digest is made and in /latest."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from news.mutes import MAX_MUTES, Mute, MuteKind
from news.store import numbered
from news.store.schema import ChatRow, MuteRow, SubscriptionRow


class TooManyMutes(Exception):
    """The chat already has MAX_MUTES mutes."""


class Mutes:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def add(self, chat_id: int, kind: MuteKind, value: str, now: datetime) -> bool:
        """Store a mute; False when the chat has it already. Creates the chat if new."""
        async with self._sessions.begin() as session:
            try:
                return await numbered.add(
                    session,
                    MuteRow,
                    chat_id,
                    MAX_MUTES,
                    kind=kind.value,
                    value=value,
                    created_at=now,
                )
            except numbered.Full:
                raise TooManyMutes from None  # the transaction rolls the insert back

    async def of(self, chat_id: int) -> list[Mute]:
        """The chat's mutes in the order they were added (/mute list numbers them so)."""
        async with self._sessions() as session:
            return await of_chat(session, chat_id)

    async def remove(self, chat_id: int, position: int) -> Mute | None:
        """Remove the mute /mute list shows as number `position`; None if there is none."""
        async with self._sessions.begin() as session:
            row = await numbered.remove(session, MuteRow, chat_id, position)
            return None if row is None else _mute(row)

    async def unmute(self, chat_id: int, mute_id: int) -> Mute | None:
        """Remove the chat's mute with this id (a button's); None if the chat has no such."""
        async with self._sessions.begin() as session:
            row = await session.scalar(
                delete(MuteRow)
                .where(MuteRow.chat_id == chat_id, MuteRow.id == mute_id)
                .returning(MuteRow)
            )
            return None if row is None else _mute(row)


async def of_chat(session: AsyncSession, chat_id: int) -> list[Mute]:
    """One chat's mutes, in the order they were added."""
    return await _read(session, MuteRow.chat_id == chat_id)


async def of_followers(
    session: AsyncSession, topics: Collection[str], receiving: ColumnElement[bool]
) -> list[Mute]:
    """The mutes of the chats that take alerts now (`receiving`, over chats) and follow one of
    these topics: only they could get a batch's articles through its topics."""
    if not topics:
        return []
    followers = select(SubscriptionRow.chat_id).where(SubscriptionRow.topic.in_(sorted(topics)))
    receivers = select(ChatRow.id).where(receiving)
    return await _read(session, MuteRow.chat_id.in_(followers), MuteRow.chat_id.in_(receivers))


async def _read(session: AsyncSession, *where: ColumnElement[bool]) -> list[Mute]:
    rows: Sequence[MuteRow] = (
        await session.scalars(select(MuteRow).where(*where).order_by(MuteRow.id))
    ).all()
    return [_mute(row) for row in rows]


def _mute(row: MuteRow) -> Mute:
    return Mute(row.id, row.chat_id, MuteKind(row.kind), row.value)
