"""Poll the feeds that are due: fetch, parse, store new articles and queue their alerts.

A failure is per-feed data (its error and backoff are stored); it never stops the batch.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx

from jobs.fetch import Fetched, FetchFailed, fetch
from news.article import from_entry
from news.feedparse import FeedParseError, parse_feed
from news.records import FeedState
from news.schedule import next_check
from news.store import PollOutcome, Store
from news.topics import Vocabulary

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PollReport:
    feeds: int = 0
    failed: int = 0
    new_articles: int = 0
    deliveries: int = 0


@dataclass(slots=True)
class Poller:
    store: Store
    client: httpx.AsyncClient
    vocabulary: Vocabulary
    interval: timedelta
    clock: Callable[[], datetime]
    max_bytes: int = 5_000_000
    concurrency: int = 10
    _limit: asyncio.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        self._limit = asyncio.Semaphore(self.concurrency)

    async def poll_due(self) -> PollReport:
        now = self.clock()
        feeds = await self.store.feeds.due(now)
        reports = await asyncio.gather(*(self._guarded(feed, now) for feed in feeds))
        total = PollReport(
            feeds=len(reports),
            failed=sum(r.failed for r in reports),
            new_articles=sum(r.new_articles for r in reports),
            deliveries=sum(r.deliveries for r in reports),
        )
        if total.new_articles:
            log.info("poll done feeds=%d failed=%d new=%d queued=%d", *_fields(total))
        return total

    async def _guarded(self, feed: FeedState, now: datetime) -> PollReport:
        async with self._limit:
            try:
                return await self._poll(feed, now)
            except Exception:  # a bug for one feed must not stop the others
                log.exception("poll crashed feed=%s", feed.url)
                await self._failed(feed, now, "internal error (see the log)")
                return PollReport(feeds=1, failed=1)

    async def _poll(self, feed: FeedState, now: datetime) -> PollReport:
        result = await fetch(
            self.client,
            feed.url,
            etag=feed.etag,
            last_modified=feed.last_modified,
            max_bytes=self.max_bytes,
        )
        if isinstance(result, FetchFailed):
            await self._failed(feed, now, result.reason)
            return PollReport(feeds=1, failed=1)
        if not isinstance(result, Fetched):  # 304 Not Modified: nothing new, cheaply
            await self._succeeded(feed, now, etag=result.etag, last_modified=result.last_modified)
            return PollReport(feeds=1)
        try:
            # feedparser is CPU-bound and synchronous: keep the event loop free for commands.
            parsed = await asyncio.to_thread(parse_feed, result.url, result.body, result.headers)
        except FeedParseError as error:
            await self._failed(feed, now, str(error))
            return PollReport(feeds=1, failed=1)
        articles = [
            from_entry(entry, feed_topics=feed.topics, vocabulary=self.vocabulary)
            for entry in parsed.entries
        ]
        # The first successful poll only records what is there: no flood of old news.
        first_poll = feed.last_success_at is None
        ingested = await self.store.articles.ingest(
            feed.id, articles, now=now, alert=not first_poll
        )
        await self._succeeded(
            feed, now, etag=result.etag, last_modified=result.last_modified, title=parsed.title
        )
        return PollReport(
            feeds=1, new_articles=ingested.new_articles, deliveries=ingested.deliveries
        )

    async def _succeeded(
        self,
        feed: FeedState,
        now: datetime,
        *,
        etag: str | None,
        last_modified: str | None,
        title: str | None = None,
    ) -> None:
        if feed.error_count:
            log.info("feed recovered feed=%s after_errors=%d", feed.url, feed.error_count)
        outcome = PollOutcome(
            succeeded=True,
            next_check_at=next_check(now, self.interval),
            etag=etag,
            last_modified=last_modified,
            title=title or None,
        )
        await self.store.feeds.record(feed.id, now, outcome)

    async def _failed(self, feed: FeedState, now: datetime, reason: str) -> None:
        # Logged once when a feed starts failing, not at every poll while it stays down.
        if feed.error_count == 0:
            log.warning("feed failing feed=%s reason=%s", feed.url, reason)
        else:
            log.debug("feed still failing feed=%s reason=%s", feed.url, reason)
        errors = feed.error_count + 1
        outcome = PollOutcome(
            succeeded=False,
            error=reason,
            next_check_at=next_check(now, self.interval, consecutive_errors=errors),
        )
        await self.store.feeds.record(feed.id, now, outcome)


def _fields(report: PollReport) -> tuple[int, int, int, int]:
    return report.feeds, report.failed, report.new_articles, report.deliveries
