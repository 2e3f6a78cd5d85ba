"""Mutes: each chat's muted words and outlets (news.mutes), and the reads the routing rule needs
at ingest, when a digest is made and in /latest."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from news import routing
from news.mutes import MAX_MUTES, Mute, MuteKind
from news.records import DeliveryState
from news.store import numbered
from news.store.outlets import outlet_column, outlet_name
from news.store.schema import ArticleRow, ChatRow, DeliveryRow, FeedRow, MuteRow, SubscriptionRow

# What a skipped row's last_error says.
MUTED = "muted"


class TooManyMutes(Exception):
    """The chat already has MAX_MUTES mutes."""


class Mutes:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def add(self, chat_id: int, kind: MuteKind, value: str, now: datetime) -> bool:
        """Store a mute; False when the chat has it already. Creates the chat if new."""
        async with self._sessions.begin() as session:
            try:
                added = await numbered.add(
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
            if added:
                # What is still queued for the chat and matches the new mute goes no further
                # (rows being sent now are Telegram's already).
                mute = [Mute(0, chat_id, kind, value)]
                waiting = (DeliveryState.PENDING, DeliveryState.HELD)
                await skip_muted(session, chat_id, mute, waiting)
            return added

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
            row = await numbered.drop(session, MuteRow, chat_id, mute_id)
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


async def skip_muted(
    session: AsyncSession, chat_id: int, mutes: Sequence[Mute], states: Sequence[DeliveryState]
) -> None:
    """Rows in `states` whose article the chat has muted since they were queued are skipped:
    held ones stay out of its digest, pending ones are not sent. Those a keyword alert brought
    stay: the chat asked for those words."""
    rows = await session.execute(
        select(
            DeliveryRow.id,
            ArticleRow.title,
            ArticleRow.key_points,
            ArticleRow.summary,
            outlet_column(),
            FeedRow.url,
        )
        .join(ArticleRow, ArticleRow.id == DeliveryRow.article_id)
        .join(FeedRow, FeedRow.id == ArticleRow.feed_id)
        .where(
            DeliveryRow.chat_id == chat_id,
            DeliveryRow.state.in_(states),
            DeliveryRow.matched.is_(None),
        )
    )
    muted = [
        id_
        for id_, title, points, summary, outlet, url in rows
        if routing.muted(routing.words_of(title, points, summary), outlet_name(outlet, url), mutes)
    ]
    if muted:
        await session.execute(
            update(DeliveryRow)
            .where(DeliveryRow.id.in_(muted), DeliveryRow.state.in_(states))
            .values(state=DeliveryState.SKIPPED, last_error=MUTED)
            .execution_options(synchronize_session=False)
        )
