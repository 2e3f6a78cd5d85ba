"""Articles held for a chat (digest mode, quiet hours), and their bundling into a digest queued as
one delivery, which the sender renders and sends in parts.

An article's row goes held -> bundled (into a digest) -> sent when the digest's own row is sent,
so "what did this chat receive" stays one question for the outbox table. A held article the
chat has muted since (news.routing.muted()) is skipped when the digest is made, not bundled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from news.records import ChatPrefs, DeliveryState, DigestReason
from news.store.mutes import of_chat, skip_muted
from news.store.prefs import prefs_of
from news.store.schema import ChatRow, DeliveryRow, DigestRow


@dataclass(frozen=True, slots=True)
class Waiting:
    """A chat with held articles: its settings and when the oldest of them was held."""

    chat: ChatPrefs
    oldest: datetime
    count: int


class HeldArticles:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def waiting(self) -> list[Waiting]:
        """Active chats that have held articles (the digest job decides which are due)."""
        held = (
            select(
                DeliveryRow.chat_id,
                func.min(DeliveryRow.created_at).label("oldest"),
                func.count().label("count"),
            )
            .where(DeliveryRow.state == DeliveryState.HELD)
            .group_by(DeliveryRow.chat_id)
            .subquery()
        )
        query = (
            select(ChatRow, held.c.oldest, held.c.count)
            .join(held, held.c.chat_id == ChatRow.id)
            .where(ChatRow.active)
            .order_by(ChatRow.id)
        )
        async with self._sessions() as session:
            return [
                Waiting(prefs_of(row), oldest, int(count))
                for row, oldest, count in await session.execute(query)
            ]

    async def count(self, chat_id: int) -> int:
        """How many articles the chat has held for its next digest."""
        async with self._sessions() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(DeliveryRow)
                .where(DeliveryRow.chat_id == chat_id, DeliveryRow.state == DeliveryState.HELD)
            )
            return int(count or 0)

    async def bundle(self, chat_id: int, now: datetime, reason: DigestReason) -> int:
        """Put the chat's held articles into a digest queued for sending now; returns how many
        (0: nothing was held, or all of it is muted now, and nothing is queued)."""
        async with self._sessions.begin() as session:
            mutes = await of_chat(session, chat_id)
            if mutes:
                await skip_muted(session, chat_id, mutes, (DeliveryState.HELD,))
            digest = DigestRow(chat_id=chat_id, reason=reason, created_at=now, parts_sent=0)
            session.add(digest)
            await session.flush()
            taken = (
                await session.execute(
                    update(DeliveryRow)
                    .where(DeliveryRow.chat_id == chat_id, DeliveryRow.state == DeliveryState.HELD)
                    .values(state=DeliveryState.BUNDLED, digest_id=digest.id)
                    .returning(DeliveryRow.id)
                    .execution_options(synchronize_session=False)
                )
            ).all()
            if not taken:  # another bundle took them a moment ago
                await session.execute(delete(DigestRow).where(DigestRow.id == digest.id))
                return 0
            session.add(
                DeliveryRow(
                    chat_id=chat_id,
                    digest_id=digest.id,
                    state=DeliveryState.PENDING,
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
            await session.execute(
                update(ChatRow).where(ChatRow.id == chat_id).values(last_digest_at=now)
            )
            return len(taken)
