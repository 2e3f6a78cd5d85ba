"""Feeds in the database: synced from the feeds file, leased by the poller, their health kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from news.records import FeedConfig, FeedState
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


class Feeds:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def sync(self, configured: tuple[FeedConfig, ...], now: datetime) -> None:
        """Make the table match the feeds file: add new feeds, update topics, disable removed ones.

        Removed feeds are disabled rather than deleted so their articles and history stay.
        """
        wanted = {feed.url: feed for feed in configured}
        async with self._sessions.begin() as session:
            rows = {row.url: row for row in (await session.scalars(select(FeedRow))).all()}
            for url, feed in wanted.items():
                row = rows.get(url)
                if row is None:
                    session.add(
                        FeedRow(
                            url=url,
                            title=feed.title,
                            topics=list(feed.topics),
                            enabled=True,
                            error_count=0,
                            next_check_at=now,
                            created_at=now,
                        )
                    )
                else:
                    row.topics = list(feed.topics)
                    row.enabled, row.origin, row.disabled_reason = True, "file", None
                    row.title = feed.title or row.title
            for url, row in rows.items():
                if url not in wanted and row.origin == "file":
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

    async def record(self, feed_id: int, now: datetime, outcome: PollOutcome) -> None:
        values: dict[str, object] = {"last_polled_at": now, "next_check_at": outcome.next_check_at}
        if outcome.succeeded:
            values |= {"last_success_at": now, "last_error": None, "error_count": 0}
            values |= {"failing_since": None, "admins_told_at": None}
            values["min_interval_seconds"] = outcome.min_interval_seconds
            if outcome.etag is not None or outcome.last_modified is not None:
                values |= {"etag": outcome.etag, "last_modified": outcome.last_modified}
        else:
            values |= {"last_error": outcome.error, "error_count": FeedRow.error_count + 1}
            values["failing_since"] = func.coalesce(FeedRow.failing_since, now)
            if outcome.admins_told:
                values["admins_told_at"] = now
        if outcome.disable:
            values |= {"enabled": False, "disabled_reason": outcome.disable}
        async with self._sessions.begin() as session:
            await session.execute(update(FeedRow).where(FeedRow.id == feed_id).values(**values))
            if outcome.title:
                # The operator's title wins; the feed's own only fills in when none was configured.
                await session.execute(
                    update(FeedRow)
                    .where(FeedRow.id == feed_id, FeedRow.title.is_(None))
                    .values(title=outcome.title)
                )

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
                .values(url=new_url, etag=None, last_modified=None)
            )
            return True

    async def all(self) -> list[FeedState]:
        async with self._sessions() as session:
            return [
                _state(row) for row in await session.scalars(select(FeedRow).order_by(FeedRow.id))
            ]


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
    )
