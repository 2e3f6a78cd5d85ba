"""The outbox: deliveries move pending -> sending -> sent | failed(reason), and only one way.

A row is marked sent only after Telegram accepted the message. A row in "sending" carries the
lock session of the sender that claimed it; rows whose sender no longer holds the sender's lock
(it crashed, or its session ended) go back to pending when a sender takes over: at most one
duplicate per message that was in flight. On PostgreSQL a claim succeeds only while the claimer
holds the lock (news.store.leadership), so a sender that lost it claims nothing more.

Only the head of each chat's queue is handed out (its oldest unfinished row), and never while
another of its rows is being sent: a chat's alerts arrive in order, and a chat with a long queue
takes one place among the others, so it never starves them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, literal_column, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from news.records import (
    Announcement,
    Article,
    Delivery,
    DeliveryState,
    DigestItem,
    DigestMessage,
    DigestReason,
)
from news.store.articles import articles_from_rows
from news.store.leadership import Role, held_by
from news.store.outlets import outlet_column
from news.store.prefs import prefs_of
from news.store.schema import ArticleRow, BroadcastRow, ChatRow, DeliveryRow, DigestRow, FeedRow
from news.store.states import OPEN
from news.store.stories import with_others

# The edits of one sent alert go at most this often: a story that many outlets tell within
# minutes changes its message once, not once per outlet.
EDIT_SPACING = timedelta(minutes=10)

# Written out, not bound: only then may SQLite and PostgreSQL use ix_deliveries_open_chat,
# whose WHERE names these two states.
_OPEN_STATES: list[ColumnElement[str]] = [literal_column(f"'{state}'") for state in OPEN]


def _is_head() -> ColumnElement[bool]:
    """The row is its chat's oldest unfinished one, and none of the chat's rows is in flight."""
    other = aliased(DeliveryRow)
    return ~exists().where(
        other.chat_id == DeliveryRow.chat_id,
        other.state.in_(_OPEN_STATES),
        or_(other.state == DeliveryState.SENDING, other.id < DeliveryRow.id),
    )


class Outbox:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def due_heads(self, now: datetime, limit: int) -> list[tuple[int, int]]:
        """(delivery id, chat id) of chats whose next alert is due, the longest waiting first."""
        query = (
            select(DeliveryRow.id, DeliveryRow.chat_id)
            .where(
                DeliveryRow.state == DeliveryState.PENDING,
                DeliveryRow.next_attempt_at <= now,
                _is_head(),
            )
            .order_by(DeliveryRow.next_attempt_at, DeliveryRow.id)
            .limit(limit)
        )
        async with self._sessions() as session:
            return [(int(id_), int(chat)) for id_, chat in await session.execute(query)]

    async def next_due(self) -> datetime | None:
        """When the earliest waiting head becomes due (rows behind a head wait for it)."""
        query = select(func.min(DeliveryRow.next_attempt_at)).where(
            DeliveryRow.state == DeliveryState.PENDING, _is_head()
        )
        async with self._sessions() as session:
            return await session.scalar(query)

    async def claim(self, ids: Sequence[int], by: int | None = None) -> list[Delivery]:
        """Mark these pending rows as being sent by the sender whose lock session is `by`;
        returns those this call claimed, by id."""
        if not ids:
            return []
        where = [DeliveryRow.id.in_(list(ids)), DeliveryRow.state == DeliveryState.PENDING]
        async with self._sessions.begin() as session:
            if by is not None and _shared(session):
                where.append(held_by(by, Role.SENDER))
            claimed = (
                await session.execute(
                    update(DeliveryRow)
                    .where(*where)
                    .values(
                        state=DeliveryState.SENDING,
                        attempts=DeliveryRow.attempts + 1,
                        claimed_by=by,
                    )
                    .returning(DeliveryRow.id)
                    .execution_options(synchronize_session=False)
                )
            ).scalars()
            return await _deliveries(session, list(claimed))

    async def defer(self, until: Mapping[int, datetime]) -> None:
        """Pending rows wait longer: their chat's own rate limit has no room yet."""
        async with self._sessions.begin() as session:
            for id_, at in until.items():
                await session.execute(
                    update(DeliveryRow)
                    .where(DeliveryRow.id == id_, DeliveryRow.state == DeliveryState.PENDING)
                    .values(next_attempt_at=at)
                )

    async def sent_all(self, accepted: Mapping[int, datetime | Accepted]) -> None:
        """Telegram accepted these (delivery id -> when, and the message it made of an alert),
        recorded in one transaction."""
        if not accepted:
            return
        moments = {
            id_: value if isinstance(value, Accepted) else Accepted(value)
            for id_, value in accepted.items()
        }
        rows = [
            {
                "id": id_,
                "state": DeliveryState.SENT,
                "sent_at": value.at,
                "message_id": value.message_id,
                "last_error": None,
            }
            for id_, value in moments.items()
        ]
        digest_rows = aliased(DeliveryRow)
        sent_digests = select(digest_rows.digest_id).where(
            digest_rows.id.in_(list(accepted)),
            digest_rows.article_id.is_(None),
            digest_rows.digest_id.is_not(None),
        )
        async with self._sessions.begin() as session:
            await session.execute(update(DeliveryRow), rows)
            # The articles a sent digest carried count as sent with it.
            await session.execute(
                update(DeliveryRow)
                .where(
                    DeliveryRow.state == DeliveryState.BUNDLED,
                    DeliveryRow.digest_id.in_(sent_digests),
                )
                .values(state=DeliveryState.SENT, sent_at=max(v.at for v in moments.values()))
                .execution_options(synchronize_session=False)
            )

    async def hold(self, delivery_id: int) -> None:
        """Keep an alert for the chat's next digest (quiet hours, or the chat switched to
        digests after it was queued); this attempt does not count."""
        await self._set(
            delivery_id,
            state=DeliveryState.HELD,
            attempts=DeliveryRow.attempts - 1,
            only=DeliveryState.SENDING,
        )

    async def skip(self, delivery_id: int, reason: str) -> None:
        """Not sent, on the chat's wish (it paused its alerts)."""
        await self._set(
            delivery_id, state=DeliveryState.SKIPPED, last_error=reason, only=DeliveryState.SENDING
        )

    async def digest_progress(self, digest_id: int, parts: int) -> None:
        """Telegram accepted the digest's first `parts` parts: a retry starts after them."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(DigestRow).where(DigestRow.id == digest_id).values(parts_sent=parts)
            )

    async def retry(self, delivery_id: int, at: datetime, error: str) -> None:
        """Try again later; this attempt counts towards the limit."""
        await self._set(
            delivery_id,
            state=DeliveryState.PENDING,
            next_attempt_at=at,
            last_error=error,
            only=DeliveryState.SENDING,
        )

    async def requeue(self, delivery_id: int, at: datetime, reason: str) -> None:
        """Try again later, not counting this attempt (Telegram asked us to wait, or moved the
        chat): an alert is never given up because Telegram was busy."""
        await self._set(
            delivery_id,
            state=DeliveryState.PENDING,
            next_attempt_at=at,
            last_error=reason,
            attempts=DeliveryRow.attempts - 1,
            only=DeliveryState.SENDING,
        )

    async def failed(self, delivery_id: int, reason: str) -> None:
        await self._set(delivery_id, state=DeliveryState.FAILED, last_error=reason)

    async def recover_interrupted(self) -> int:
        """When a sender takes over: rows left in "sending" by a sender that is gone (whose
        session no longer holds the sender's lock; on SQLite, any) are tried again. Rows a
        live sender is sending are left alone."""
        async with self._sessions.begin() as session:
            where = [DeliveryRow.state == DeliveryState.SENDING]
            if _shared(session):
                where.append(
                    DeliveryRow.claimed_by.is_(None) | ~held_by(DeliveryRow.claimed_by, Role.SENDER)
                )
            result = await session.execute(
                update(DeliveryRow)
                .where(*where)
                .values(state=DeliveryState.PENDING, claimed_by=None)
                .execution_options(synchronize_session=False)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    # ------------------------------------------------------------------ edits of sent alerts
    async def claim_edits(self, now: datetime, limit: int, *, since: datetime) -> list[Delivery]:
        """Sent alerts whose edit is due, at most one per message every EDIT_SPACING, taken
        for editing now (their message id and the article as it reads now). Those sent before
        `since` (the story window) are never edited: their edit is dropped. Reads first and
        writes only when an edit is due: the sender asks every round."""
        due = (
            select(DeliveryRow.id, DeliveryRow.sent_at)
            .where(
                DeliveryRow.edit_due_at <= now,
                or_(DeliveryRow.edited_at.is_(None), DeliveryRow.edited_at <= now - EDIT_SPACING),
            )
            .order_by(DeliveryRow.edit_due_at, DeliveryRow.id)
            .limit(limit)
        )
        async with self._sessions() as session:
            found = (await session.execute(due)).all()
        if not found:
            return []
        late = [id_ for id_, sent_at in found if sent_at is None or sent_at < since]
        ids = [id_ for id_, sent_at in found if id_ not in late]
        async with self._sessions.begin() as session:
            if late:
                await session.execute(
                    update(DeliveryRow).where(DeliveryRow.id.in_(late)).values(edit_due_at=None)
                )
            if not ids:
                return []
            claimed = (
                await session.execute(
                    update(DeliveryRow)
                    .where(DeliveryRow.id.in_(ids), DeliveryRow.edit_due_at.is_not(None))
                    .values(edit_due_at=None, edit_attempts=DeliveryRow.edit_attempts + 1)
                    .returning(DeliveryRow.id)
                    .execution_options(synchronize_session=False)
                )
            ).scalars()
            return await _deliveries(session, list(claimed))

    async def edited(self, delivery_id: int, at: datetime) -> None:
        """The edit went (or Telegram refused it: the message is gone, or already says it)."""
        await self._set(delivery_id, edited_at=at, edit_attempts=0)

    async def edit_later(self, delivery_id: int, at: datetime, *, counted: bool = True) -> None:
        """Try the edit again then (a new reason to edit meanwhile changes nothing: the edit
        shows the story as it is when it goes)."""
        attempts = DeliveryRow.edit_attempts - (0 if counted else 1)
        await self._set(delivery_id, edit_due_at=at, edit_attempts=attempts)

    async def entries(self, chat_id: int | None = None) -> list[OutboxEntry]:
        """Every row (of one chat), oldest first: where each message stands, and why."""
        query = (
            select(DeliveryRow, ArticleRow.title)
            .outerjoin(ArticleRow, ArticleRow.id == DeliveryRow.article_id)
            .order_by(DeliveryRow.id)
        )
        if chat_id is not None:
            query = query.where(DeliveryRow.chat_id == chat_id)
        async with self._sessions() as session:
            return [_entry(row, title) for row, title in await session.execute(query)]

    async def _set(
        self, delivery_id: int, *, only: DeliveryState | None = None, **values: object
    ) -> None:
        """Update one row; with `only`, just while it is in that state (a row cancelled
        meanwhile, because its chat left, stays cancelled)."""
        where = [DeliveryRow.id == delivery_id]
        if only is not None:
            where.append(DeliveryRow.state == only)
        async with self._sessions.begin() as session:
            await session.execute(update(DeliveryRow).where(and_(*where)).values(**values))


def _shared(session: AsyncSession) -> bool:
    """PostgreSQL: the database several processes may share."""
    return session.get_bind().dialect.name == "postgresql"


@dataclass(frozen=True, slots=True)
class Accepted:
    """Telegram accepted a message then; an alert's message id, which its edits name."""

    at: datetime
    message_id: int | None = None


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """One outbox row as an operator reads it: whose, what, where it stands and why."""

    id: int
    chat_id: int
    title: str | None  # the article's headline; None for a digest or an announcement
    state: DeliveryState
    attempts: int
    last_error: str | None  # why it failed, was skipped or waits again
    matched: str | None  # the keyword alert that brought the article, if one did
    created_at: datetime
    sent_at: datetime | None


def _entry(row: DeliveryRow, title: str | None) -> OutboxEntry:
    return OutboxEntry(
        id=row.id,
        chat_id=row.chat_id,
        title=title,
        state=DeliveryState(row.state),
        attempts=row.attempts,
        last_error=row.last_error,
        matched=row.matched,
        created_at=row.created_at,
        sent_at=row.sent_at,
    )


async def _deliveries(session: AsyncSession, ids: list[int]) -> list[Delivery]:
    if not ids:
        return []
    rows = (
        await session.execute(
            select(DeliveryRow, ArticleRow, outlet_column(), FeedRow.url, BroadcastRow)
            .add_columns(DigestRow, ChatRow)
            .outerjoin(ArticleRow, ArticleRow.id == DeliveryRow.article_id)
            .outerjoin(FeedRow, FeedRow.id == ArticleRow.feed_id)
            .outerjoin(BroadcastRow, BroadcastRow.id == DeliveryRow.broadcast_id)
            .outerjoin(
                DigestRow,
                (DigestRow.id == DeliveryRow.digest_id) & DeliveryRow.article_id.is_(None),
            )
            .join(ChatRow, ChatRow.id == DeliveryRow.chat_id)
            .where(DeliveryRow.id.in_(ids))
            .order_by(DeliveryRow.id)
        )
    ).all()
    found = [(a, t, u) for _, a, t, u, *_ in rows if a is not None]
    articles = iter(await with_others(session, await articles_from_rows(session, found)))
    deliveries = []
    for delivery, article, _, _, broadcast, digest, chat in rows:
        item: Article | Announcement | DigestMessage
        if article is not None:
            item = next(articles)
        elif digest is not None:
            item = await _digest(session, digest)
        else:
            item = Announcement(broadcast.id, broadcast.text, broadcast.created_at)
        deliveries.append(
            Delivery(
                id=delivery.id,
                chat_id=delivery.chat_id,
                article=item,
                attempts=delivery.attempts,
                chat=prefs_of(chat),
                matched=delivery.matched,
                message_id=delivery.message_id,
                edits_tried=delivery.edit_attempts,
            )
        )
    return deliveries


async def _digest(session: AsyncSession, digest: DigestRow) -> DigestMessage:
    """A digest with its articles in the order they were found, each with the other outlets
    that had told its story when the digest was made (a digest is never edited, and a retried
    part must say what the first try said)."""
    rows = (
        await session.execute(
            select(DeliveryRow.matched, ArticleRow, outlet_column(), FeedRow.url)
            .join(ArticleRow, ArticleRow.id == DeliveryRow.article_id)
            .join(FeedRow, FeedRow.id == ArticleRow.feed_id)
            .where(DeliveryRow.digest_id == digest.id, DeliveryRow.article_id.is_not(None))
            .order_by(DeliveryRow.id)
        )
    ).all()
    articles = await articles_from_rows(session, [(a, t, u) for _, a, t, u in rows])
    articles = await with_others(session, articles, until=digest.created_at)
    items = tuple(
        DigestItem(article, matched) for (matched, *_), article in zip(rows, articles, strict=True)
    )
    reason = DigestReason(digest.reason)
    return DigestMessage(digest.id, digest.created_at, reason, items, digest.parts_sent)
