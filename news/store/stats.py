"""Counts an operator reads: health of feeds, the outbox, chats and subscriptions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Case, ColumnElement, case, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from news.records import DeliveryState
from news.store.schema import ChatRow, DeliveryRow, FeedRow, SubscriptionRow
from news.store.states import OPEN


@dataclass(frozen=True, slots=True)
class Snapshot:
    feeds_ok: int
    feeds_failing: int
    feeds_disabled: int
    last_poll_at: datetime | None
    outbox_depth: int  # pending or being sent
    chats_active: int
    subscriptions: dict[str, int]  # topic -> chats following it
    sent_since: int  # deliveries Telegram accepted since the `since` moment asked for


class Stats:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def ping(self) -> None:
        """Raises when the database does not answer."""
        async with self._sessions() as session:
            await session.execute(text("SELECT 1"))

    async def snapshot(self, since: datetime) -> Snapshot:
        async with self._sessions() as session:
            # Grouped over a subquery: the CASE's literals are bound parameters, and PostgreSQL
            # takes the same CASE in SELECT and GROUP BY, with parameters of their own, for two
            # different expressions (GroupingError).
            health = select(_feed_health().label("health")).subquery()
            feeds: dict[str, int] = dict(
                (
                    await session.execute(
                        select(health.c.health, func.count()).group_by(health.c.health)
                    )
                ).all()
            )
            per_topic = (
                await session.execute(
                    select(SubscriptionRow.topic, func.count())
                    .join(ChatRow, ChatRow.id == SubscriptionRow.chat_id)
                    .where(ChatRow.active)
                    .group_by(SubscriptionRow.topic)
                )
            ).all()
            return Snapshot(
                feeds_ok=feeds.get("ok", 0),
                feeds_failing=feeds.get("failing", 0),
                feeds_disabled=feeds.get("disabled", 0),
                last_poll_at=await session.scalar(select(func.max(FeedRow.last_polled_at))),
                outbox_depth=await _count(session, DeliveryRow.state.in_(OPEN)),
                chats_active=await session.scalar(
                    select(func.count()).select_from(ChatRow).where(ChatRow.active)
                )
                or 0,
                subscriptions={topic: count for topic, count in per_topic},
                sent_since=await _count(
                    session, DeliveryRow.state == DeliveryState.SENT, DeliveryRow.sent_at >= since
                ),
            )

    async def sent_per_day(self, since: datetime) -> dict[str, int]:
        """Alerts Telegram accepted per UTC day ("2026-11-28") since a moment."""
        day = func.date(DeliveryRow.sent_at)
        async with self._sessions() as session:
            rows = await session.execute(
                select(day, func.count())
                .where(DeliveryRow.state == DeliveryState.SENT, DeliveryRow.sent_at >= since)
                .group_by(day)
            )
            return {str(date): int(count) for date, count in rows}


def _feed_health() -> Case[str]:
    return case(
        (FeedRow.enabled.is_(False), "disabled"),
        (FeedRow.error_count > 0, "failing"),
        else_="ok",
    )


async def _count(session: AsyncSession, *conditions: ColumnElement[bool]) -> int:
    query = select(func.count()).select_from(DeliveryRow).where(*conditions)
    return int(await session.scalar(query) or 0)
