"""Benchmark: a backlog drained by three `newsbot run` processes on one PostgreSQL database, and
by one, on the same machine.

    .venv/bin/python -m bench.cluster [--chats 3000] [--feeds 1000]

The backlog, made at once after every feed's first poll: a new article for every chat (one
Politics feed, `--chats` subscribers), and every one of `--feeds` feeds changed (a new entry
each, to fetch, parse and store). The fake Bot API enforces Telegram's documented limits
(30 messages/s overall, 1/s per private chat: tests/fakes/telegram.py); the feeds come from the
local feed server. For each run: seconds until every chat had its alert, messages a second over
the send (first to last accepted) divided by the limit, 429s, and feeds a second from the
change until every changed feed had been fetched anew (each new entry is parsed and stored in
the same round; the stored count is checked). Exit status 0 when three processes reach 0.95 of
the limit with no 429 and nothing lost. Needs the PostgreSQL of the tests
(NEWSBOT_TEST_POSTGRES, tests/databases.py); about four minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from news.store import Store
from tests.audience import subscribe_many
from tests.databases import postgres_url
from tests.environment import environment
from tests.fakes.feeds import FeedServer, rss
from tests.fakes.telegram import FakeTelegram, FloodLimits
from tests.newsroom import story
from tests.processes import Processes, feed_path, many_feeds

LIMIT = FloodLimits()  # Telegram's documented values
TARGET = 0.95
FIRST_CHAT = 2_000_000
HEADLINE = "Backlog story breaks"
INTERVAL = 2  # POLL_INTERVAL_SECONDS: every feed is due again within seconds


@dataclass(frozen=True, slots=True)
class Drained:
    processes: int
    chats: int
    delivered: int
    too_many_requests: int
    seconds: float  # from the change until every chat had its alert
    ratio: float  # messages a second over the send, of the limit
    feeds: int
    feed_seconds: float  # from the change until every changed feed was fetched anew
    stored: int  # the new entries stored

    def line(self) -> str:
        lost = self.chats - self.delivered
        return (
            f"{self.processes:>9} {self.delivered:>9} {lost:>5} {self.too_many_requests:>5} "
            f"{self.seconds:>8.1f} {self.ratio * LIMIT.per_second:>7.2f} {self.ratio:>9.3f} "
            f"{self.feeds / self.feed_seconds:>8.1f} {self.stored:>7}"
        )


async def drain(processes: int, chats: int, feeds_count: int, workdir: Path) -> Drained:
    async with postgres_url() as url:
        await subscribe_many(url, range(FIRST_CHAT, FIRST_CHAT + chats), "Politics")
        async with (
            FakeTelegram(enforce_limits=True, limits=LIMIT) as fake,
            FeedServer() as feeds,
        ):
            many_feeds(feeds, feeds_count, workdir / "feeds.toml")
            env = environment(
                TELEGRAM_BOT_TOKEN=fake.token,
                TELEGRAM_API_BASE_URL=fake.base_url,
                DATABASE_URL=url,
                FEEDS_FILE=str(workdir / "feeds.toml"),
                POLL_INTERVAL_SECONDS=str(INTERVAL),
                LOG_LEVEL="WARNING",
            )
            bots = Processes(workdir, env)
            for number in range(processes):
                await bots.start(f"p{number}")
            try:
                for number in range(feeds_count):  # every first poll made: nobody alerted
                    await feeds.wait_for_requests(feed_path(number), 1, timeout=300)
                changed_at = time.monotonic()  # the fake's and the feed server's clock too
                for number in range(feeds_count):
                    new = story(f"new{number}", HEADLINE)
                    if number:  # news nobody follows: fetched, parsed and stored, not sent
                        new |= {"title": f"New {number}", "categories": ["World"]}
                    fresh = [new, story(f"old{number}", f"Old {number}")]
                    feeds.serve(feed_path(number), rss(fresh))
                await fake.wait_until(
                    lambda: len(fake.sent) >= chats, timeout=chats / 10 + 300, what="the backlog"
                )
                fetched = [
                    min(t for t in feeds.arrivals(feed_path(n)) if t > changed_at)
                    for n in range(feeds_count)
                ]
            finally:
                await bots.stop()
            sent = sorted(m.sent_at for m in fake.sent if HEADLINE in m.text)
        stored = await new_articles(url)
    per_second = (len(sent) - 1) / (sent[-1] - sent[0]) if len(sent) > 1 else 0.0
    return Drained(
        processes,
        chats,
        len({m.chat_id for m in fake.sent if HEADLINE in m.text}),
        fake.too_many_requests,
        sent[-1] - changed_at,
        per_second / LIMIT.per_second,
        feeds_count,
        max(fetched) - changed_at,
        stored,
    )


async def new_articles(url: str) -> int:
    """The backlog's entries the store holds (their links end in /new<n>)."""
    store = Store.connect(url)
    try:
        latest = await store.articles.latest(limit=100_000)
        return sum(1 for a in latest if (a.link or "").rsplit("/", 1)[-1].startswith("new"))
    finally:
        await store.close()


async def bench(chats: int, feeds_count: int) -> int:
    runs = []
    for processes in (3, 1):
        with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as workdir:
            runs.append(await drain(processes, chats, feeds_count, Path(workdir)))
    print(
        f"backlog: one article for {chats} chats and {feeds_count} feeds changed at once; "
        f"the fake enforces {LIMIT.per_second}/s overall, {LIMIT.private_per_second:g}/s per "
        f"private chat; one PostgreSQL, {os.cpu_count()} cores"
    )
    print(
        f"{'processes':>9} {'delivered':>9} {'lost':>5} {'429s':>5} {'drain s':>8} "
        f"{'msg/s':>7} {'of limit':>9} {'feeds/s':>8} {'stored':>7}"
    )
    for run in runs:
        print(run.line())
    three, one = runs
    feeds_faster = one.feed_seconds / max(three.feed_seconds, 1e-9)
    print(
        f"three processes / one: feeds a second {feeds_faster:.2f}x, "
        f"messages a second {three.ratio / max(one.ratio, 1e-9):.2f}x"
    )
    met = three.ratio >= TARGET and three.too_many_requests == 0 and three.delivered == chats
    print(
        f"target (three processes >= {TARGET} of the limit, zero 429s, nothing lost): "
        f"{'met' if met else 'MISSED'}"
    )
    return 0 if met else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A backlog drained by three processes and one.")
    parser.add_argument("--chats", type=int, default=3_000, help="subscribed chats (3000)")
    parser.add_argument("--feeds", type=int, default=1_000, help="feeds changed at once (1000)")
    options = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)  # the table is the output
    os.environ.setdefault("PTB_TIMEDELTA", "1")  # as `newsbot run` does
    return asyncio.run(bench(options.chats, options.feeds))


if __name__ == "__main__":
    sys.exit(main())
