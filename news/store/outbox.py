"""The outbox: deliveries move pending -> sending -> sent | failed, and only one way.

A row is marked sent only after Telegram accepted the message. Rows left in "sending" by a crash
go back to pending at start: at most one duplicate per message that was in flight.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from news.records import Delivery
from news.store.articles import articles_from_rows
from news.store.schema import ArticleRow, DeliveryRow, FeedRow

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"


class Outbox:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def take_due(self, now: datetime, limit: int = 100) -> list[Delivery]:
        """Claim due pending deliveries (oldest first), marking them as being sent."""
        async with self._sessions.begin() as session:
            rows = (
                await session.execute(
                    select(DeliveryRow, ArticleRow, FeedRow.title, FeedRow.url)
                    .join(ArticleRow, ArticleRow.id == DeliveryRow.article_id)
                    .join(FeedRow, FeedRow.id == ArticleRow.feed_id)
                    .where(DeliveryRow.state == PENDING, DeliveryRow.next_attempt_at <= now)
                    .order_by(DeliveryRow.next_attempt_at, DeliveryRow.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return []
            articles = await articles_from_rows(session, [(a, t, u) for _, a, t, u in rows])
            claimed = [(d.id, d.chat_id, d.attempts + 1) for d, _, _, _ in rows]
            await session.execute(
                update(DeliveryRow)
                .where(DeliveryRow.id.in_([id_ for id_, _, _ in claimed]))
                .values(state=SENDING, attempts=DeliveryRow.attempts + 1)
                .execution_options(synchronize_session=False)
            )
            return [
                Delivery(id=id_, chat_id=chat_id, article=article, attempts=attempts)
                for (id_, chat_id, attempts), article in zip(claimed, articles, strict=True)
            ]

    async def sent(self, delivery_id: int, now: datetime) -> None:
        await self._set(delivery_id, state=SENT, sent_at=now, last_error=None)

    async def retry(self, delivery_id: int, at: datetime, error: str) -> None:
        await self._set(delivery_id, state=PENDING, next_attempt_at=at, last_error=error)

    async def failed(self, delivery_id: int, reason: str) -> None:
        await self._set(delivery_id, state=FAILED, last_error=reason)

    async def cancel_chat(self, chat_id: int, reason: str) -> int:
        """Give up every pending delivery of a chat that can no longer receive messages."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(DeliveryRow)
                .where(DeliveryRow.chat_id == chat_id, DeliveryRow.state.in_([PENDING, SENDING]))
                .values(state=FAILED, last_error=reason)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    async def recover_interrupted(self) -> int:
        """At start: deliveries a crash left in "sending" are tried again."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(DeliveryRow).where(DeliveryRow.state == SENDING).values(state=PENDING)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    async def _set(self, delivery_id: int, **values: object) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(DeliveryRow).where(DeliveryRow.id == delivery_id).values(**values)
            )
