"""Two processes' campaigns on one PostgreSQL, in one test: the first sends, the second does
not; when the second must write to a chat it takes a replier's share first, and the sender
gives that share up at its next look. On SQLite one process wins everything at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from telegram.ext import ExtBot

from bot.campaign import Campaign
from news.pacing import Rate
from news.store import Store
from sending.limiter import Limiter
from sending.sender import Sender

TELEGRAM = Rate(30, 1.0)


@asynccontextmanager
async def campaign(url: str) -> AsyncIterator[Campaign]:
    """A process's campaign, with a sender that finds nothing to send (no Bot API is asked)."""
    store = Store.connect(url)
    limiter = Limiter()
    bot = ExtBot("123:campaign", base_url="http://127.0.0.1:9/bot", rate_limiter=limiter)
    sender = Sender(store, bot, limiter, lambda: datetime.now(UTC))
    running = Campaign(store, sender, limiter, TELEGRAM, None)
    running.reply_wait = 0.1  # the sender's look below is awaited, not waited for
    try:
        await running.start()
        yield running
    finally:
        await running.stop()
        await store.close()


async def test_a_replier_takes_a_share_and_the_sender_gives_it_up(store: Store) -> None:
    url = store.engine.url.render_as_string(hide_password=False)
    async with campaign(url) as first, campaign(url) as second:
        if not store.leadership.shared:  # SQLite: one process, and it sends
            assert first.sending and first.limiter.pacing.overall == TELEGRAM
            return
        assert first.sending and not second.sending
        assert "sender" in second.sender.metrics.beats  # /healthz: a standby is healthy
        await first.look()
        assert first.limiter.pacing.overall == TELEGRAM  # nobody else replies: the whole rate

        assert second.limiter.gate is not None
        await asyncio.wait_for(second.limiter.gate(), timeout=5)  # an admin notice, say
        for _ in range(3):  # a changed share counts at its least generous for three looks
            await first.look()
            await second.look()
        # Two processes: a replier may send 30 // 4 = 7 a second, and the sender keeps 23.
        assert second.limiter.pacing.overall == Rate(7, 1.0)
        assert first.limiter.pacing.overall == Rate(23, 1.0)
