"""Benchmark: matching one article to 100,000 subscribed chats writes its outbox rows.

    .venv/bin/python -m bench.fanout [--chats 100000]

The real code path (news.store.Articles.ingest: the article, then INSERT ... SELECT of one
delivery per subscribed chat, in one transaction) on a real SQLite file. The audience is set up
first; each ingest then runs in a fresh process, so its peak RSS is its own. A tenth of the
audience runs too: flat memory means the same peak for ten times the rows.
Target: under 3 s for 100,000 chats. Exit status 0 when met.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from news.records import FeedConfig, NewArticle
from news.routing import Plan
from news.store import Store
from tests.audience import subscribe_many

TARGET_SECONDS = 3.0
FEED = FeedConfig("https://news.example/rss", topics=("Politics",))
ARTICLE = NewArticle(
    identity="guid:fanout",
    link="https://news.example/fanout",
    title="One story for everyone",
    summary="Every subscriber gets this one.",
    published_at=None,
    topics=frozenset({"Politics"}),
    key_points=("Every subscriber gets this one.",),
)


@dataclass(frozen=True, slots=True)
class Measure:
    chats: int
    rows: int
    seconds: float
    rss_before_mb: float  # the child's peak before the ingest: interpreter, imports, engine
    peak_rss_mb: float  # ... and after it: growth is what the fan-out itself took


async def prepare(url: str, chats: int) -> int:
    """The audience, and the feed its article comes from; returns the feed's id."""
    await subscribe_many(url, range(1, chats + 1), "Politics")
    store = Store.connect(url)
    try:
        await store.feeds.sync((FEED,), _now())
        [feed] = await store.feeds.all()
        return feed.id
    finally:
        await store.close()


async def ingest(url: str, feed_id: int, chats: int) -> Measure:
    """In the child process: the one call being measured."""
    store = Store.connect(url)
    try:
        await store.articles.latest(limit=1)  # connect and warm up before the clock starts
        before = _rss_mb()
        started = time.perf_counter()
        plan = Plan(new=[ARTICLE], alertable={ARTICLE.identity})
        result = await store.articles.ingest(feed_id, plan, now=_now())
        seconds = time.perf_counter() - started
        rows = (await store.stats.snapshot(since=_now())).outbox_depth  # every row is pending
        assert rows == result.deliveries == chats, (rows, result)
        return Measure(chats, rows, seconds, before, _rss_mb())
    finally:
        await store.close()


def child(url: str, feed_id: int, chats: int) -> Measure:
    return asyncio.run(ingest(url, feed_id, chats))


def run(chats: int) -> Measure:
    with tempfile.TemporaryDirectory(prefix="newsbot-fanout-") as workdir:
        url = f"sqlite+aiosqlite:///{Path(workdir) / 'fanout.sqlite3'}"
        feed_id = asyncio.run(prepare(url, chats))
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            return pool.apply(child, (url, feed_id, chats))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the outbox fan-out of one article.")
    parser.add_argument("--chats", type=int, default=100_000, help="subscribed chats (100000)")
    options = parser.parse_args(argv)
    header = ("chats", 8), ("rows", 8), ("seconds", 8), ("rows/s", 9), ("peak RSS MB", 12)
    print(" ".join(f"{name:>{width}}" for name, width in header), f"{'growth MB':>10}")
    results = [run(max(1, options.chats // 10)), run(options.chats)]
    for m in results:
        print(
            f"{m.chats:>8} {m.rows:>8} {m.seconds:>8.2f} {m.rows / m.seconds:>9.0f} "
            f"{m.peak_rss_mb:>12.1f} {m.peak_rss_mb - m.rss_before_mb:>+10.1f}"
        )
    large = results[-1]
    met = large.seconds < TARGET_SECONDS
    print(f"target (< {TARGET_SECONDS:g} s for {large.chats} chats): {'met' if met else 'MISSED'}")
    return 0 if met else 1


def _now() -> datetime:
    return datetime.now(UTC)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


if __name__ == "__main__":
    sys.exit(main())
