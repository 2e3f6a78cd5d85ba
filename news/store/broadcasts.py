"""Admins' announcements: stored, confirmed once, then one outbox row per active chat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from news.records import DeliveryState
from news.store.database import insert_ignoring_duplicates
from news.store.schema import BroadcastRow, ChatRow, DeliveryRow


@dataclass(frozen=True, slots=True)
class Decision:
    found: bool
    already: bool = False  # decided before (a second press, or a stale button)
    queued: int | None = None  # deliveries queued; None when cancelled


class Broadcasts:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def draft(self, text: str, by: int, now: datetime) -> tuple[int, int]:
        """Store an announcement awaiting confirmation; (its id, how many chats it would reach)."""
        async with self._sessions.begin() as session:
            row = BroadcastRow(text=text, created_by=by, created_at=now)
            session.add(row)
            await session.flush()
            audience = await session.scalar(
                select(func.count()).select_from(ChatRow).where(ChatRow.active)
            )
            return row.id, int(audience or 0)

    async def decide(self, broadcast_id: int, *, send: bool, now: datetime) -> Decision:
        """Confirm (queue it for every active chat) or cancel, exactly once."""
        async with self._sessions.begin() as session:
            row = await session.get(BroadcastRow, broadcast_id)
            if row is None:
                return Decision(found=False)
            if row.decided_at is not None:
                return Decision(found=True, already=True, queued=row.queued)
            row.decided_at = now
            if not send:
                return Decision(found=True)
            moment = DeliveryRow.created_at.type
            chats = select(
                ChatRow.id,
                literal(broadcast_id),
                literal(DeliveryState.PENDING.value),
                literal(0),
                literal(now, moment),
                literal(now, moment),
            ).where(ChatRow.active)
            statement = insert_ignoring_duplicates(session, DeliveryRow).from_select(
                ["chat_id", "broadcast_id", "state", "attempts", "next_attempt_at", "created_at"],
                chats,
            )
            result = await session.execute(statement)
            row.queued = max(int(getattr(result, "rowcount", 0) or 0), 0)  # written at commit
            return Decision(found=True, queued=row.queued)
