"""Benchmark: one article to 10,000 subscribed chats, through a fake Telegram that enforces its
flood limits (30 messages/s overall, 1/s per private chat: tests/fakes/telegram.py).

    .venv/bin/python -m bench.delivery [--chats 10000]

Two runs on the same load, in the same process, one after the other:
  newsbot         the real application: feed -> poll -> outbox -> sender -> sending.limiter
  AIORateLimiter  python-telegram-bot's limiter with its defaults, sending the same messages the
                  way a typical bot broadcasts: one task per chat, all started at once
For each: alerts delivered and lost, 429s received, messages a second over the send (first to
last accepted) divided by the overall limit, and p50/p99 seconds from the match (the outbox row
written; the broadcast started) to Telegram accepting the message.
At 30/s each run takes chats/30 seconds: about 6 minutes for 10,000. Exit status 0 when
newsbot reaches 0.97 of the limit with no 429 and nothing lost.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter, ExtBot

from news.store import Store
from tests.audience import subscribe_many
from tests.botrun import running, settings_for
from tests.fakes.feeds import FeedServer, rss
from tests.fakes.telegram import FakeTelegram, FloodLimits, SentMessage
from tests.newsroom import FEED, story

LIMIT = FloodLimits()  # Telegram's documented values
TARGET = 0.97
FIRST_CHAT = 1_000_000


@dataclass(frozen=True, slots=True)
class Run:
    name: str
    chats: int
    delivered: int
    too_many_requests: int
    accepted: list[float]  # the fake's clock at each accepted alert, in order
    waits: list[float]  # seconds from match to acceptance, per delivered alert

    @property
    def ratio(self) -> float:
        if len(self.accepted) < 2:
            return 0.0
        per_second = (len(self.accepted) - 1) / (self.accepted[-1] - self.accepted[0])
        return per_second / LIMIT.per_second

    def line(self) -> str:
        p50, p99 = _percentile(self.waits, 50), _percentile(self.waits, 99)
        lost = self.chats - self.delivered
        return (
            f"{self.name:<15} {self.delivered:>9} {lost:>6} {self.too_many_requests:>6} "
            f"{self.ratio * LIMIT.per_second:>7.2f} {self.ratio:>9.3f} {p50:>8.1f} {p99:>8.1f}"
        )


async def newsbot(chats: int, workdir: Path) -> tuple[Run, str]:
    """The whole application, from a feed's new entry to Telegram."""
    url = f"sqlite+aiosqlite:///{workdir / 'newsbot.sqlite3'}"
    await subscribe_many(url, range(FIRST_CHAT, FIRST_CHAT + chats), "Politics")
    async with FakeTelegram(enforce_limits=True, limits=LIMIT) as fake, FeedServer() as feeds:
        old = story("old", "An old story", minutes_ago=90)
        feeds.serve(FEED, rss([old]))
        feeds_file = workdir / "feeds.toml"
        feeds_file.write_text(
            f'[topics]\nPolitics = []\n\n[[feeds]]\nurl = "{feeds.url(FEED)}"\n'
            'topics = ["Politics"]\n'
        )
        async with running(settings_for(fake, url, feeds_file)):
            await feeds.wait_for_requests(FEED, 2, timeout=60)  # the first poll alerted nobody
            feeds.serve(FEED, rss([story("bench", "Benchmark story breaks"), old]))
            await fake.wait_until(lambda: len(fake.sent) >= chats, timeout=chats / 10 + 120)
        sent = list(fake.sent)
    store = Store.connect(url)
    try:
        entries = await store.outbox.entries()
    finally:
        await store.close()
    sent_at = [(e.created_at, e.sent_at) for e in entries if e.state == "sent" and e.sent_at]
    waits = [(accepted - created).total_seconds() for created, accepted in sent_at]
    run = Run("newsbot", chats, len(sent), fake.too_many_requests, _times(sent), waits)
    return run, sent[0].html


async def baseline(chats: int, html: str) -> Run:
    """python-telegram-bot's AIORateLimiter (defaults), every send started at once."""
    async with (
        FakeTelegram(enforce_limits=True, limits=LIMIT) as fake,
        ExtBot(fake.token, base_url=fake.base_url, rate_limiter=AIORateLimiter()) as bot,
    ):
        started = time.monotonic()  # the fake's clock too
        results = await asyncio.gather(
            *(
                bot.send_message(chat, html, parse_mode="HTML")
                for chat in range(FIRST_CHAT, FIRST_CHAT + chats)
            ),
            return_exceptions=True,
        )
        unexpected = [r for r in results if isinstance(r, Exception) and not _is_429(r)]
        if unexpected:
            raise unexpected[0]
        sent = list(fake.sent)
    waits = [message.sent_at - started for message in sent]
    return Run("AIORateLimiter", chats, len(sent), fake.too_many_requests, _times(sent), waits)


async def bench(chats: int) -> int:
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as workdir:
        ours, html = await newsbot(chats, Path(workdir))
    theirs = await baseline(chats, html)
    print(
        f"{chats} chats, one article; the fake enforces {LIMIT.per_second}/s overall, "
        f"{LIMIT.private_per_second:g}/s per private chat (bursts of {LIMIT.private_burst:g})"
    )
    print(
        f"{'':<15} {'delivered':>9} {'lost':>6} {'429s':>6} {'msg/s':>7} "
        f"{'of limit':>9} {'p50 s':>8} {'p99 s':>8}"
    )
    print(ours.line())
    print(theirs.line())
    print(f"newsbot / AIORateLimiter throughput: {ours.ratio / max(theirs.ratio, 1e-9):.3f}")
    met = ours.ratio >= TARGET and ours.too_many_requests == 0 and ours.delivered == chats
    print(
        f"target (>= {TARGET} of the limit, zero 429s, nothing lost): {'met' if met else 'MISSED'}"
    )
    return 0 if met else 1


def _times(sent: Sequence[SentMessage]) -> list[float]:
    return sorted(message.sent_at for message in sent)


def _is_429(error: BaseException) -> bool:
    return isinstance(error, RetryAfter)


def _percentile(values: list[float], percent: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark delivery at Telegram's flood limit.")
    parser.add_argument("--chats", type=int, default=10_000, help="subscribed chats (10000)")
    options = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)  # the tables are the output
    # AIORateLimiter logs a traceback for every 429 it gives up on; they are counted instead.
    logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.CRITICAL)
    os.environ.setdefault("PTB_TIMEDELTA", "1")  # as `newsbot run` does
    return asyncio.run(bench(options.chats))


if __name__ == "__main__":
    sys.exit(main())
