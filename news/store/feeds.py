"""Feeds in the database: synced from the feeds file, leased by the poller, their health kept."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Select, Table, bindparam, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from news.records import FeedConfig, FeedHealth, FeedState
from news.store.leadership import NAMESPACE, Role
from news.store.outlets import outlet_column, outlet_name
from news.store.schema import FeedRow


@dataclass(frozen=True, slots=True)
class PollOutcome:
    """What one poll of one feed leaves behind."""

    succeeded: bool
    next_check_at: datetime
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    title: str | None = None
    min_interval_seconds: int | None = None
    admins_told: bool = False  # the admins were just told that this feed keeps failing
    disable: str | None = None  # stop polling, for this reason (HTTP 410, a redirect clash)


# The reason /removefeed records; the feeds file does not bring such a feed back at the next start.
REMOVED_BY_ADMIN = "removed by an admin"


@dataclass(frozen=True, slots=True)
class Success:
    """A poll that worked (200 or 304), to be written with the cycle's other successes."""

    feed_id: int
    next_check_at: datetime
    etag: str | None = None
    last_modified: str | None = None
    title: str | None = None
    min_interval_seconds: int | None = None


class Feeds:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def sync(self, configured: tuple[FeedConfig, ...], now: datetime) -> None:
        """Make the table match the feeds file: add new feeds, update their topics and key-point
        settings, disable removed ones.

        Removed feeds are disabled rather than deleted so their articles and history stay.
        """
        wanted = {feed.url: feed for feed in configured}
        async with self._sessions.begin() as session:
            if session.get_bind().dialect.name == "postgresql":
                # Processes started together sync one after the other; the later ones find
                # the rows the first one added instead of adding them twice.
                await session.execute(
                    text("SELECT pg_advisory_xact_lock(:namespace, :role)"),
                    {"namespace": NAMESPACE, "role": int(Role.FEEDS_FILE)},
                )
            stored = (await session.scalars(select(FeedRow))).all()
            rows = {row.url: row for row in stored}
            rows |= {row.listed_url: row for row in stored if row.listed_url}  # moved feeds
            for url, feed in wanted.items():
                row = rows.get(url)
                if row is None:
                    session.add(
                        FeedRow(
                            url=url,
                            title=feed.title,
                            outlet=feed.outlet or feed.title,
                            topics=list(feed.topics),
                            key_point_labels=list(feed.labels),
                            fetch_article=feed.fetch_article,
                            enabled=True,
                            error_count=0,
                            next_check_at=now,
                            created_at=now,
                        )
                    )
                else:
                    row.topics, row.origin = list(feed.topics), "file"
                    # The file's key-point settings replace what was stored, as topics do.
                    row.key_point_labels = list(feed.labels)
                    row.fetch_article = feed.fetch_article
                    row.title = feed.title or row.title
                    row.outlet = feed.outlet or feed.title
                    # Back on only if it was off because the file had dropped it: a feed an
                    # admin removed, or one that answered 410, stays off across restarts.
                    if row.disabled_reason is None:
                        row.enabled = True
            for row in stored:
                listed = row.url in wanted or row.listed_url in wanted
                if not listed and row.origin == "file":
                    row.enabled = False  # feeds added by an admin are not the file's to remove

    async def due(self, now: datetime, limit: int = 500) -> list[FeedState]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(FeedRow)
                .where(
                    FeedRow.enabled,
                    or_(FeedRow.next_check_at.is_(None), FeedRow.next_check_at <= now),
                )
                .order_by(FeedRow.next_check_at)
                .limit(limit)
            )
            return [_state(row) for row in rows]

    async def lease(self, now: datetime, until: datetime, limit: int = 500) -> list[FeedState]:
        """Take the due feeds no other process holds, until `until` (or their release).

        Several processes share the feeds this way: FOR UPDATE SKIP LOCKED hands each due row
        to one of them (PostgreSQL; SQLite has one writer and ignores the clause), and the
        lease keeps the others off it while it is fetched. A process that dies holds its
        feeds only until the lease ends."""
        free = or_(FeedRow.leased_until.is_(None), FeedRow.leased_until <= now)
        due = (
            select(FeedRow.id)
            .where(
                FeedRow.enabled,
                or_(FeedRow.next_check_at.is_(None), FeedRow.next_check_at <= now),
                free,
            )
            .order_by(FeedRow.next_check_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        async with self._sessions.begin() as session:
            rows = await session.scalars(
                update(FeedRow)
                .where(FeedRow.id.in_(due.scalar_subquery()))
                .values(leased_until=until)
                .returning(FeedRow)
                .execution_options(synchronize_session=False)
            )
            leased = sorted(
                rows, key=lambda row: (row.next_check_at is not None, row.next_check_at)
            )
            return [_state(row) for row in leased]

    async def extend(self, feed_ids: Sequence[int], until: datetime) -> None:
        """Still at work on these: their leases run until `until` (released ones stay free)."""
        if not feed_ids:
            return
        async with self._sessions.begin() as session:
            await session.execute(
                update(FeedRow)
                .where(FeedRow.id.in_(list(feed_ids)), FeedRow.leased_until.is_not(None))
                .values(leased_until=until)
            )

    async def release(self, feed_ids: Sequence[int]) -> None:
        """Done with these: any process may take them when they are next due."""
        if not feed_ids:
            return
        async with self._sessions.begin() as session:
            await session.execute(
                update(FeedRow).where(FeedRow.id.in_(list(feed_ids))).values(leased_until=None)
            )

    async def record(self, feed_id: int, now: datetime, outcome: PollOutcome) -> None:
        """One Core UPDATE per poll: this runs for every feed every cycle, 304s included."""
        table = FeedRow.__table__
        assert isinstance(table, Table)
        values: dict[str, object] = {"last_polled_at": now, "next_check_at": outcome.next_check_at}
        if outcome.succeeded:
            values |= {"last_success_at": now, "last_error": None, "error_count": 0}
            values |= {"failing_since": None, "admins_told_at": None}
            values["min_interval_seconds"] = outcome.min_interval_seconds
            if outcome.etag is not None or outcome.last_modified is not None:
                values |= {"etag": outcome.etag, "last_modified": outcome.last_modified}
            if outcome.title:
                # The operator's title wins; the feed's own only fills in when none was set.
                values["title"] = func.coalesce(table.c.title, outcome.title)
        else:
            values |= {"last_error": outcome.error, "error_count": table.c.error_count + 1}
            values["failing_since"] = func.coalesce(table.c.failing_since, now)
            if outcome.admins_told:
                values["admins_told_at"] = now
        if outcome.disable:
            values |= {"enabled": False, "disabled_reason": outcome.disable}
        async with self._sessions.begin() as session:
            await session.execute(update(table).where(table.c.id == feed_id).values(**values))

    async def record_successes(self, now: datetime, successes: Sequence[Success]) -> None:
        """Every success of a poll cycle in one executemany: 80% of polls are 304s, and one
        transaction each was most of a 304's CPU (bench/poll.py)."""
        if not successes:
            return
        table = FeedRow.__table__
        assert isinstance(table, Table)
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(
                last_polled_at=now,
                last_success_at=now,
                next_check_at=bindparam("b_next", type_=table.c.next_check_at.type),
                last_error=None,
                error_count=0,
                failing_since=None,
                admins_told_at=None,
                min_interval_seconds=bindparam("b_hint"),
                # A 304 may omit the validators: keep the stored ones then.
                etag=func.coalesce(bindparam("b_etag"), table.c.etag),
                last_modified=func.coalesce(bindparam("b_modified"), table.c.last_modified),
                # The operator's title wins; the feed's own only fills in when none was set.
                title=func.coalesce(table.c.title, bindparam("b_title")),
            )
        )
        rows = [
            {
                "b_id": s.feed_id,
                "b_next": s.next_check_at,
                "b_hint": s.min_interval_seconds,
                "b_etag": s.etag,
                "b_modified": s.last_modified,
                "b_title": s.title,
            }
            for s in successes
        ]
        async with self._sessions.begin() as session:
            await session.execute(statement, rows)

    async def move(self, feed_id: int, new_url: str) -> bool:
        """Follow a permanent redirect; False when another feed already has that address."""
        async with self._sessions.begin() as session:
            taken = await session.scalar(select(FeedRow.id).where(FeedRow.url == new_url))
            if taken is not None and taken != feed_id:
                return False
            # Drop the validators: they belong to the old address's responses.
            await session.execute(
                update(FeedRow)
                .where(FeedRow.id == feed_id)
                .values(
                    url=new_url,
                    listed_url=func.coalesce(FeedRow.listed_url, FeedRow.url),
                    etag=None,
                    last_modified=None,
                )
            )
            return True

    async def all(self) -> list[FeedState]:
        async with self._sessions() as session:
            return [
                _state(row) for row in await session.scalars(select(FeedRow).order_by(FeedRow.id))
            ]

    async def outlets(self) -> list[str]:
        """The outlets of the feeds polled now, each once, by name: what /mute source offers."""
        async with self._sessions() as session:
            rows = await session.execute(
                select(outlet_column(), FeedRow.url).where(FeedRow.enabled).distinct()
            )
            return sorted({outlet_name(outlet, url) for outlet, url in rows}, key=str.casefold)

    async def health(self) -> list[FeedHealth]:
        """Every feed, enabled or not, in the order they were added."""
        async with self._sessions() as session:
            rows = await session.scalars(select(FeedRow).order_by(FeedRow.id))
            return [_health(row) for row in rows]

    async def find(self, key: int | str) -> FeedHealth | None:
        """A feed by its number (the id /feeds shows) or its exact URL."""
        async with self._sessions() as session:
            row = await session.scalar(_by_key(key))
            return _health(row) if row is not None else None

    async def add(
        self, url: str, topics: tuple[str, ...], title: str | None, now: datetime
    ) -> tuple[FeedHealth, Added]:
        """Add a feed by hand, or turn a disabled one back on; either way it is due at once.

        Origin "admin": the feeds-file sync at start never disables it. A feed that is already
        polled is left as it is ("present").
        """
        async with self._sessions.begin() as session:
            row = await session.scalar(select(FeedRow).where(FeedRow.url == url))
            if row is None:
                row = FeedRow(
                    url=url, title=title, topics=list(topics), enabled=True, origin="admin"
                )
                row.error_count, row.next_check_at, row.created_at = 0, now, now
                session.add(row)
                await session.flush()
                return _health(row), "added"
            if row.enabled:
                return _health(row), "present"
            row.enabled, row.origin, row.disabled_reason = True, "admin", None
            row.topics = list(topics or row.topics)
            row.title = row.title or title
            # The fetch that just passed says more than the outage that may have disabled it.
            row.error_count, row.last_error = 0, None
            row.failing_since, row.admins_told_at = None, None
            row.next_check_at = now
            return _health(row), "enabled"

    async def disable(self, key: int | str, reason: str) -> tuple[FeedHealth, bool] | None:
        """Stop polling a feed (its number or URL); None when there is no such feed.

        Never a delete: its articles and history stay. The flag is False when it was already off.
        """
        async with self._sessions.begin() as session:
            row = await session.scalar(_by_key(key))
            if row is None:
                return None
            was_enabled = row.enabled
            if was_enabled:
                row.enabled, row.disabled_reason = False, reason
            return _health(row), was_enabled


def _state(row: FeedRow) -> FeedState:
    return FeedState(
        id=row.id,
        url=row.url,
        title=row.title,
        topics=tuple(row.topics),
        etag=row.etag,
        last_modified=row.last_modified,
        last_success_at=row.last_success_at,
        error_count=row.error_count,
        failing_since=row.failing_since,
        admins_told_at=row.admins_told_at,
        min_interval_seconds=row.min_interval_seconds,
        key_point_labels=tuple(row.key_point_labels or ()),
        fetch_article=bool(row.fetch_article),
    )


# What Feeds.add did: a new feed, a disabled one back on, or nothing (already polled).
Added = Literal["added", "enabled", "present"]


def _by_key(key: int | str) -> Select[FeedRow]:
    matches = FeedRow.id == key if isinstance(key, int) else FeedRow.url == key
    return select(FeedRow).where(matches)


def _health(row: FeedRow) -> FeedHealth:
    return FeedHealth(
        id=row.id,
        url=row.url,
        title=row.title,
        topics=tuple(row.topics),
        origin=row.origin,
        enabled=row.enabled,
        disabled_reason=row.disabled_reason,
        last_success_at=row.last_success_at,
        last_error=row.last_error,
        error_count=row.error_count,
        next_check_at=row.next_check_at,
    )
