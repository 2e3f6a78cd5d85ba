"""Chats, the topics they follow, and the events of a chat's life, each one transaction:
follow, unfollow, back (it talks to us or lets us in again, and who let us in), gone (it can no
longer receive messages, and why) and moved (a group became a supergroup with a new id)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, literal, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from news.records import ChatPrefs, ChatProfile, DeliveryState, ForumThread
from news.store.database import insert_ignoring_duplicates
from news.store.prefs import prefs_of
from news.store.schema import (
    AlertRow,
    ChatRow,
    DeliveryRow,
    DigestRow,
    MuteRow,
    SavedRow,
    SubscriptionRow,
)
from news.store.states import OPEN

# Chats that many people share, whose administrators may manage them from a private chat.
SHARED_KINDS = ("channel", "group", "supergroup")

# What /settings and friends may change; anything else is a programming error.
CHANGEABLE = frozenset(
    {
        "language",
        "zone",
        "mode",
        "digest_times",
        "quiet",
        "quiet_mode",
        "layout",
        "picture",
        "min_outlets",
    }
    | {"paused_until", "thread_id", "last_digest_at"}
)


class Chats:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    # ------------------------------------------------------------------ life events
    async def back(self, chat: ChatProfile, now: datetime, *, added_by: int | None = None) -> None:
        """The chat talks to us, or let us in again: recorded the first time, active from now
        on, with everything it had kept. `added_by`: the user who let the bot in (added it to
        a group or channel), remembered until the chat lets it in again after a removal."""
        async with self._sessions.begin() as session:
            row = await session.get(ChatRow, chat.id)
            letting_in = row is None or not row.active or row.added_by is None
            row = await _recorded(session, chat, now)
            if added_by is not None and letting_in:
                row.added_by = added_by

    async def follow(
        self,
        chat: ChatProfile,
        topics: Iterable[str],
        now: datetime,
        *,
        thread: ForumThread | None = None,
    ) -> set[str]:
        """The chat follows these topics, with its alerts going to the forum thread it asked
        from (when it is a forum); returns the topics it did not follow before."""
        async with self._sessions.begin() as session:
            row = await _recorded(session, chat, now)
            if thread is not None:
                row.thread_id = thread.id
            await session.flush()
            added = set()
            for topic in dict.fromkeys(topics):
                statement = insert_ignoring_duplicates(session, SubscriptionRow).values(
                    chat_id=chat.id, topic=topic, created_at=now
                )
                if getattr(await session.execute(statement), "rowcount", 0):
                    added.add(topic)
            return added

    async def unfollow(self, chat_id: int, topics: Iterable[str]) -> set[str]:
        """The chat stops following these topics; returns those it did follow."""
        async with self._sessions.begin() as session:
            removed = await session.scalars(
                delete(SubscriptionRow)
                .where(SubscriptionRow.chat_id == chat_id, SubscriptionRow.topic.in_(set(topics)))
                .returning(SubscriptionRow.topic)
            )
            return set(removed)

    async def gone(self, chat_id: int, reason: str) -> int:
        """The chat can no longer receive messages (it blocked or removed the bot, took away
        its right to post, or Telegram lost it): kept with everything it follows and the
        reason, sent nothing, its unsent messages cancelled with the reason. Returns how many
        were cancelled."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(ChatRow)
                .where(ChatRow.id == chat_id)
                .values(active=False, inactive_reason=reason)
            )
            result = await session.execute(
                update(DeliveryRow)
                .where(
                    DeliveryRow.chat_id == chat_id,
                    DeliveryRow.state.in_((*OPEN, DeliveryState.HELD)),
                )
                .values(state=DeliveryState.FAILED, last_error=reason)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    async def moved(
        self, old_id: int, new_id: int, now: datetime, *, resend: int | None = None
    ) -> None:
        """A group became a supergroup with a new id: its settings, subscriptions, keyword
        alerts, mutes, saved articles and queued messages move there, in order and once each;
        the old id stays, inactive. Both chats announce the move, so moving twice changes nothing.
        `resend` is the message Telegram refused for the move: queued again, not an attempt."""
        async with self._sessions.begin() as session:
            old = await session.get(ChatRow, old_id)
            new = await session.get(ChatRow, new_id)
            created = new is None
            if new is None:
                new = ChatRow(id=new_id, kind="supergroup", created_at=now)
                session.add(new)
            if old is not None and (created or old.active):  # not yet moved: its settings go too
                new.title = new.title or old.title
                for name in CHANGEABLE:
                    setattr(new, name, getattr(old, name))
                old.active = False
            new.active = True
            await session.flush()
            await _move_subscriptions(session, old_id, new_id)
            await _move_keyed(session, AlertRow, (AlertRow.query,), old_id, new_id)
            await _move_keyed(session, SavedRow, (SavedRow.article_id,), old_id, new_id)
            await _move_keyed(session, MuteRow, (MuteRow.kind, MuteRow.value), old_id, new_id)
            await _move_deliveries(session, old_id, new_id)
            if resend is not None:
                await session.execute(
                    update(DeliveryRow)
                    .where(DeliveryRow.id == resend, DeliveryRow.state == DeliveryState.SENDING)
                    .values(
                        state=DeliveryState.PENDING,
                        next_attempt_at=now,
                        last_error=f"moved to {new_id}",
                        attempts=DeliveryRow.attempts - 1,
                    )
                )

    # ------------------------------------------------------------------ settings
    async def prefs(self, chat_id: int) -> ChatPrefs | None:
        async with self._sessions() as session:
            row = await session.get(ChatRow, chat_id)
            return None if row is None else prefs_of(row)

    async def update(self, chat_id: int, now: datetime, **changes: Any) -> ChatPrefs:
        """Change a chat's settings (creating the chat if it never talked to us); returns them."""
        unknown = set(changes) - CHANGEABLE
        if unknown:
            raise TypeError(f"not a chat setting: {', '.join(sorted(unknown))}")
        if "digest_times" in changes:
            changes["digest_times"] = list(changes["digest_times"])
        async with self._sessions.begin() as session:
            row = await session.get(ChatRow, chat_id)
            if row is None:
                row = ChatRow(id=chat_id, kind="private", active=True, created_at=now)
                session.add(row)
            for name, value in changes.items():
                setattr(row, name, value)
            await session.flush()
            await session.refresh(row)
            return prefs_of(row)

    async def forget(self, chat_id: int) -> None:
        """/stop: the chat and everything it stored (subscriptions, alerts, saved articles,
        queued messages) are deleted."""
        async with self._sessions.begin() as session:
            # The foreign keys cascade (SQLite has them on: news.store.database).
            await session.execute(delete(ChatRow).where(ChatRow.id == chat_id))

    async def shared(self, ids: Collection[int] | None = None) -> list[ChatProfile]:
        """The channels and groups the bot is in now (active), by title; only those among
        `ids` when given."""
        query = select(ChatRow).where(ChatRow.active, ChatRow.kind.in_(SHARED_KINDS))
        if ids is not None:
            query = query.where(ChatRow.id.in_(set(ids)))
        async with self._sessions() as session:
            rows = await session.scalars(query.order_by(ChatRow.title, ChatRow.id))
            return [ChatProfile(row.id, row.kind, row.title, row.language) for row in rows]

    async def topics(self, chat_id: int) -> set[str]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(SubscriptionRow.topic).where(SubscriptionRow.chat_id == chat_id)
            )
            return set(rows)


async def _move_subscriptions(session: AsyncSession, old_id: int, new_id: int) -> None:
    followed = select(
        literal(new_id, SubscriptionRow.chat_id.type),
        SubscriptionRow.topic,
        SubscriptionRow.created_at,
    ).where(SubscriptionRow.chat_id == old_id)
    await session.execute(
        insert_ignoring_duplicates(session, SubscriptionRow).from_select(
            ["chat_id", "topic", "created_at"], followed
        )
    )
    await session.execute(delete(SubscriptionRow).where(SubscriptionRow.chat_id == old_id))


async def _move_deliveries(session: AsyncSession, old_id: int, new_id: int) -> None:
    """Rows keep their ids (so their order); an article or announcement already queued for the
    new id stays there once, and the old id's copy of it is given up."""
    articles = select(DeliveryRow.article_id).where(
        DeliveryRow.chat_id == new_id, DeliveryRow.article_id.is_not(None)
    )
    announcements = select(DeliveryRow.broadcast_id).where(
        DeliveryRow.chat_id == new_id, DeliveryRow.broadcast_id.is_not(None)
    )
    await session.execute(
        update(DeliveryRow)
        .where(
            DeliveryRow.chat_id == old_id,
            or_(DeliveryRow.article_id.is_(None), DeliveryRow.article_id.not_in(articles)),
            or_(DeliveryRow.broadcast_id.is_(None), DeliveryRow.broadcast_id.not_in(announcements)),
        )
        .values(chat_id=new_id)
    )
    await session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.chat_id == old_id, DeliveryRow.state.in_(OPEN))
        .values(state=DeliveryState.FAILED, last_error=f"chat moved to supergroup {new_id}")
    )
    await session.execute(
        update(DigestRow).where(DigestRow.chat_id == old_id).values(chat_id=new_id)
    )


async def _move_keyed(
    session: AsyncSession,
    table: type[AlertRow] | type[SavedRow] | type[MuteRow],
    keys: tuple[Any, ...],
    old_id: int,
    new_id: int,
) -> None:
    """Rows keep their ids (so /alert list and /mute list keep their numbers); one the new
    chat has already (the same query, article or mute) stays there once."""
    there = select(*keys).where(table.chat_id == new_id)
    await session.execute(
        update(table)
        .where(table.chat_id == old_id, tuple_(*keys).not_in(there))
        .values(chat_id=new_id)
    )
    await session.execute(delete(table).where(table.chat_id == old_id))


async def _recorded(session: AsyncSession, chat: ChatProfile, now: datetime) -> ChatRow:
    """The chat's row, new or active again, with its title as Telegram shows it now and the
    writer's language as a first guess."""
    row = await session.get(ChatRow, chat.id)
    if row is None:
        row = ChatRow(
            id=chat.id,
            kind=chat.kind,
            title=chat.title,
            language=chat.language,
            active=True,
            created_at=now,
        )
        session.add(row)
    else:
        row.active, row.title = True, chat.title or row.title
        row.inactive_reason = None
        row.language = row.language or chat.language
    return row
