"""Poll the feeds that are due: fetch, parse, store new articles and queue their alerts.

One feed: fetch -> parse -> what the store knows -> decide (news.routing) -> (article pages) ->
the store carries the plan out -> record. A failure is per-feed data (its error, backoff and
health are stored); it never stops the batch. What a response means lives in news.schedule and
here, what becomes of the entries in news.routing; news/ stays pure.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpx

from monitor.metrics import Metrics, poll_result
from news import render, routing
from news.article import from_entry
from news.feedparse import FeedParseError, parse_feed
from news.identity import entry_identity
from news.keypoints import labels_with
from news.page import is_teaser
from news.records import Entry, FeedState, NewArticle, ParsedFeed
from news.routing import Plan
from news.schedule import Policy, next_check
from news.steps import NO_STEPS, StepTimer
from news.store import PollOutcome, Store
from news.store.feeds import Success
from news.topics import Vocabulary
from web.fetch import Fetched, FetchFailed, NotModified, fetch
from web.guard import PrivateAddress
from web.pages import PageReader

log = logging.getLogger(__name__)

TellAdmins = Callable[[str], Awaitable[None]]


async def nobody(_: str) -> None:
    """The default admin channel: no admins configured."""


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
    policy: Policy
    clock: Callable[[], datetime]
    tell_admins: TellAdmins = nobody
    max_bytes: int = 5_000_000
    deadline_seconds: float = 30.0  # the whole request, however slowly the bytes trickle in
    max_entry_age: timedelta = timedelta(hours=48)
    remember_for: timedelta = timedelta(days=30)
    tell_after: timedelta = timedelta(days=3)
    concurrency: int = 10
    per_host: int = 2  # polite to publishers that serve many of our feeds from one host
    draw: Callable[[], float] = field(default=lambda: random.uniform(-1.0, 1.0))  # noqa: S311
    metrics: Metrics = field(default_factory=Metrics)
    steps: StepTimer = NO_STEPS  # where a poll's time goes (bench/poll.py switches it on)
    page_deadline_seconds: float = 10.0  # an article page, read for a teaser's key points
    # How long the feeds this process took are its own, renewed while it works on them: a
    # process that dies leaves its feeds to the others this soon.
    lease: timedelta = timedelta(seconds=15)
    # Whether this process runs the chores that must happen once among several (pruning).
    leading: Callable[[], bool] = field(default=lambda: True)
    pages: PageReader = field(init=False)
    _limit: asyncio.Semaphore = field(init=False)
    _hosts: defaultdict[str, asyncio.Semaphore] = field(init=False)
    _forgot_at: datetime | None = field(default=None, init=False)
    _successes: list[Success] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self._limit = asyncio.Semaphore(self.concurrency)
        self._hosts = defaultdict(lambda: asyncio.Semaphore(self.per_host))
        # Same client (and so the same private-address guard) and size cap as the feeds; no more
        # pages in flight than feeds.
        self.pages = PageReader(
            self.client,
            max_bytes=self.max_bytes,
            deadline_seconds=self.page_deadline_seconds,
            concurrency=self.concurrency,
        )

    async def poll_due(self) -> PollReport:
        now = self.clock()
        feeds = await self.store.feeds.lease(now, now + self.lease)
        ids = [feed.id for feed in feeds]
        renewing = asyncio.create_task(self._renew(ids), name="newsbot feed leases")
        try:
            reports = await asyncio.gather(*(self._guarded(feed, now) for feed in feeds))
            successes, self._successes = self._successes, []
            with self.steps("record"):
                await self.store.feeds.record_successes(now, successes)
        finally:
            renewing.cancel()
            await asyncio.gather(renewing, return_exceptions=True)
        await self.store.feeds.release(ids)
        total = PollReport(
            feeds=len(reports),
            failed=sum(r.failed for r in reports),
            new_articles=sum(r.new_articles for r in reports),
            deliveries=sum(r.deliveries for r in reports),
        )
        if total.feeds:
            summary = {"feeds": total.feeds, "failed": total.failed}
            summary |= {"new": total.new_articles, "queued": total.deliveries}
            log.info("poll done", extra={"fields": summary})
        self.metrics.new_articles.inc(total.new_articles)
        self.metrics.alerts_matched.inc(total.deliveries)
        await self._forget_old(now)
        self.metrics.beat("poller", self.clock())
        return total

    async def _renew(self, feed_ids: list[int]) -> None:
        """Keep the leases of the feeds being polled until the round ends."""
        if not feed_ids:
            return
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)  # a heartbeat: no event to await
            try:
                await self.store.feeds.extend(feed_ids, self.clock() + self.lease)
            except Exception:  # the next beat tries again; the round goes on regardless
                log.exception("feed leases not renewed")

    async def _guarded(self, feed: FeedState, now: datetime) -> PollReport:
        host = urlsplit(feed.url).hostname or ""
        async with self._limit, self._hosts[host]:
            try:
                return await self._poll(feed, now)
            except Exception:  # a bug for one feed must not stop the others
                log.exception("poll crashed", extra={"fields": {"feed": feed.url}})
                await self._failed(
                    feed, now, FetchFailed("internal error (see the log)", None, None)
                )
                return PollReport(feeds=1, failed=1)

    async def _poll(self, feed: FeedState, now: datetime) -> PollReport:
        with self.steps("fetch"):
            result = await self._fetch(feed)
        if isinstance(result, FetchFailed):
            await self._failed(feed, now, result)
            return PollReport(feeds=1, failed=1)
        if isinstance(result, NotModified):  # 304: nothing new, cheaply
            await self._succeeded(feed, now, result, hint=feed.min_interval_seconds)
            return PollReport(feeds=1)
        if result.permanent_redirect and not await self._moved(feed, now, result):
            return PollReport(feeds=1, failed=1)
        try:
            with self.steps("parse"):
                parsed = await _parse(result)
        except FeedParseError as error:
            await self._failed(feed, now, FetchFailed(str(error), result.status, None))
            return PollReport(feeds=1, failed=1)
        plan = await self._decide(feed, parsed, now)
        with self.steps("ingest"):
            ingested = await self.store.articles.ingest(feed.id, plan, now=now, steps=self.steps)
        _log_stored(feed, ingested.stored)
        hint = _hint(parsed.ttl_seconds, result.headers.get("cache-control"))
        await self._succeeded(feed, now, result, hint=hint, title=parsed.title)
        return PollReport(
            feeds=1, new_articles=ingested.new_articles, deliveries=ingested.deliveries
        )

    async def _decide(self, feed: FeedState, parsed: ParsedFeed, now: datetime) -> Plan:
        """What becomes of the feed's entries (news.routing). Only the new or edited ones are
        read into articles, and the pages of teasers only for those that will alert."""
        with self.steps("known"):
            identities = [entry_identity(entry) for entry in parsed.entries]
            known = await self.store.articles.known(feed.id, identities)
        with self.steps("decide"):
            changed = routing.changed(parsed.entries, identities, known)
        labels = labels_with(feed.key_point_labels)
        with self.steps("from_entry"):
            articles = [
                from_entry(
                    entry, feed_topics=feed.topics, vocabulary=self.vocabulary, labels=labels
                )
                for entry in changed
            ]
        with self.steps("decide"):
            plan = routing.plan(
                articles,
                seen=identities,
                known=known,
                first_poll=feed.last_success_at is None,
                now=now,
                max_age=self.max_entry_age,
            )
        if feed.fetch_article and plan.alertable:
            with self.steps("pages"):
                plan = await self._read_pages(feed, plan, changed, labels)
        return plan

    async def _fetch(self, feed: FeedState) -> Fetched | NotModified | FetchFailed:
        try:
            return await fetch(
                self.client,
                feed.url,
                etag=feed.etag,
                last_modified=feed.last_modified,
                max_bytes=self.max_bytes,
                deadline_seconds=self.deadline_seconds,
            )
        except PrivateAddress as refusal:
            return FetchFailed(f"refused: {refusal} (ALLOW_PRIVATE_FEEDS)", None, None)

    async def _read_pages(
        self, feed: FeedState, plan: Plan, entries: Sequence[Entry], labels: tuple[str, ...]
    ) -> Plan:
        """Key points from the article pages of new teaser entries that will be alerted.

        Only those: the points are what an alert shows, and a feed's first poll (which alerts
        nobody) would otherwise download a page for every entry it lists. Edited entries keep
        the points they have, so a page is asked for once per article.
        """
        by_identity = {entry_identity(entry): entry for entry in entries}
        wanted = [
            (index, entry)
            for index, article in enumerate(plan.new)
            if article.identity in plan.alertable
            and (entry := by_identity[article.identity]).link
            and is_teaser(entry, labels)
        ]
        if not wanted:
            return plan
        found = await asyncio.gather(
            *(
                self.pages.points(
                    entry.link or "",
                    title=entry.title,
                    labels=labels,
                    fallback=plan.new[index].key_points,
                    feed=feed.url,
                )
                for index, entry in wanted
            )
        )
        read = list(plan.new)
        for (index, _), points in zip(wanted, found, strict=True):
            read[index] = replace(read[index], key_points=points)
        return replace(plan, new=tuple(read))

    async def _moved(self, feed: FeedState, now: datetime, result: Fetched) -> bool:
        """Follow a 301/308 for good: the next poll asks the new address (feedparser's advice)."""
        new_url = result.permanent_redirect
        assert new_url is not None
        if await self.store.feeds.move(feed.id, new_url):
            log.info("feed moved", extra={"fields": {"feed": feed.url, "to": new_url}})
            return True
        reason = f"moved to {new_url}, which is already a feed"
        await self._disable(feed, now, reason)
        return False

    async def _succeeded(
        self,
        feed: FeedState,
        now: datetime,
        result: Fetched | NotModified,
        *,
        hint: int | None,
        title: str | None = None,
    ) -> None:
        status = 304 if isinstance(result, NotModified) else result.status
        self.metrics.polls.labels(result=str(status)).inc()
        log.debug("feed polled", extra={"fields": {"feed": feed.url, "status": status}})
        if feed.error_count:
            log.info(
                "feed recovered",
                extra={"fields": {"feed": feed.url, "after_errors": feed.error_count}},
            )
        # Written with the cycle's other successes at its end (poll_due).
        self._successes.append(
            Success(
                feed.id,
                next_check(now, self.policy, hint_seconds=hint, spread=self.draw()),
                etag=result.etag,
                last_modified=result.last_modified,
                title=title or None,
                min_interval_seconds=hint,
            )
        )

    async def _failed(self, feed: FeedState, now: datetime, failure: FetchFailed) -> None:
        self.metrics.polls.labels(result=poll_result(failure.status, failure.reason)).inc()
        if failure.status == 410:  # Gone: stop polling and tell the operator (feedparser docs)
            await self._disable(feed, now, "gone (HTTP 410)", error=failure.reason)
            return
        # Logged once when a feed starts failing, not at every poll while it stays down.
        level = logging.WARNING if feed.error_count == 0 else logging.DEBUG
        event = "feed failing" if feed.error_count == 0 else "feed still failing"
        log.log(level, event, extra={"fields": {"feed": feed.url, "reason": failure.reason}})
        since = feed.failing_since or now
        tell = feed.admins_told_at is None and now - since >= self.tell_after
        if tell:
            await self.tell_admins(render.feed_failing(feed.title, feed.url, since, failure.reason))
        outcome = PollOutcome(
            succeeded=False,
            error=failure.reason,
            next_check_at=next_check(
                now,
                self.policy,
                consecutive_errors=feed.error_count + 1,
                retry_after_seconds=failure.retry_after_seconds,
                spread=self.draw(),
            ),
            admins_told=tell,
        )
        with self.steps("record"):
            await self.store.feeds.record(feed.id, now, outcome)

    async def _disable(
        self, feed: FeedState, now: datetime, reason: str, *, error: str | None = None
    ) -> None:
        log.warning("feed disabled", extra={"fields": {"feed": feed.url, "reason": reason}})
        outcome = PollOutcome(
            succeeded=False, error=error or reason, next_check_at=now, disable=reason
        )
        await self.store.feeds.record(feed.id, now, outcome)
        await self.tell_admins(render.feed_disabled(feed.title, feed.url, reason))

    async def _forget_old(self, now: datetime) -> None:
        """Once an hour: forget the story tellings past the story window (every process, from
        its own index), and, in the process that runs the chores, articles their feeds stopped
        listing long ago."""
        if self._forgot_at is not None and now - self._forgot_at < timedelta(hours=1):
            return
        self._forgot_at = now
        await self.store.stories.prune(now)
        if not self.leading():
            return
        forgotten = await self.store.articles.forget(now - self.remember_for)
        if forgotten:
            days = self.remember_for.days
            log.info(
                "articles forgotten", extra={"fields": {"count": forgotten, "unseen_days": days}}
            )


# feedparser is CPU-bound and synchronous. A typical feed parses in ~20 ms, less than a thread
# hand-off costs under the GIL (bench/poll.py: ~6 ms a feed at 1,000 feeds), so it is parsed
# in the loop; a big one (a 1.6 MB podcast feed takes ~0.5 s) goes to a thread so that
# commands keep being answered meanwhile.
INLINE_PARSE_BYTES = 256_000


async def _parse(result: Fetched) -> ParsedFeed:
    if len(result.body) <= INLINE_PARSE_BYTES:
        return parse_feed(result.url, result.body, result.headers)
    return await asyncio.to_thread(parse_feed, result.url, result.body, result.headers)


def _log_stored(feed: FeedState, articles: Iterable[NewArticle]) -> None:
    for article in articles:
        where = {"feed": feed.url, "link": article.link, "topics": ",".join(sorted(article.topics))}
        log.info("article stored", extra={"fields": where})


def _hint(ttl_seconds: int | None, cache_control: str | None) -> int | None:
    """The publisher's slowest polling hint: <ttl>/sy:updatePeriod or Cache-Control max-age."""
    hints = [ttl_seconds or 0]
    for directive in (cache_control or "").split(","):
        name, _, value = directive.strip().partition("=")
        if name.lower() == "max-age" and value.strip().isdigit():
            hints.append(int(value))
    return max(hints) or None
