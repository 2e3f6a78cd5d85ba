"""kill -9 in the middle of a 3,000-message fan-out, then a restart.

Every chat ends with the alert exactly once, except at most one duplicate per alert that was in
flight at the kill: an alert is marked sent only after Telegram accepted it, so the only alerts
sent twice are those accepted while the database still said "sending".
"""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from pathlib import Path

import pytest

from news.store import Store
from tests.audience import subscribe_many
from tests.databases import database_of_test
from tests.environment import NEWSBOT, environment
from tests.fakes.feeds import FeedServer, rss
from tests.fakes.telegram import FakeTelegram, FloodLimits
from tests.newsroom import FEED, story

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("database_kind")]
CHATS = range(100_001, 103_001)
HEADLINE = "Polls close across the country"
RATE = 500  # messages a second, in the fake and the bot alike: seconds, not minutes
OLD = story("old", "An old story", minutes_ago=90)


class Tally:
    """Alerts received per chat, counted as they arrive (the fake keeps every message)."""

    def __init__(self, telegram: FakeTelegram) -> None:
        self.telegram, self.seen, self.per_chat = telegram, 0, Counter[int]()

    def update(self) -> Counter[int]:
        for message in self.telegram.sent[self.seen :]:
            if HEADLINE in message.text:
                self.per_chat[message.chat_id] += 1
        self.seen = len(self.telegram.sent)
        return self.per_chat


async def start_bot(tmp_path: Path, env: dict[str, str], log: str) -> asyncio.subprocess.Process:
    with (tmp_path / log).open("wb") as out:
        return await asyncio.create_subprocess_exec(
            str(NEWSBOT), "run", cwd=tmp_path, env=env, stdout=out, stderr=out
        )


async def test_kill_9_mid_fan_out_then_restart_sends_each_alert_once(tmp_path: Path) -> None:
    url = database_of_test()
    await subscribe_many(url, CHATS, "Politics")
    limits = FloodLimits(per_second=RATE)
    async with FakeTelegram(enforce_limits=True, limits=limits) as telegram, FeedServer() as feeds:
        feeds.serve(FEED, rss([OLD]))
        feeds_file = tmp_path / "feeds.toml"
        feeds_file.write_text(
            f'[topics]\nPolitics = []\n\n[[feeds]]\nurl = "{feeds.url(FEED)}"\n'
            'topics = ["Politics"]\n'
        )
        env = bot_environment(telegram, url, feeds_file)
        tally = Tally(telegram)

        first = await start_bot(tmp_path, env, "first.log")
        await feeds.wait_for_requests(FEED, 2, timeout=60)  # the first poll alerted nobody
        feeds.serve(FEED, rss([story("vote", HEADLINE), OLD]))
        await telegram.wait_until(
            lambda: sum(tally.update().values()) >= 1_000, timeout=60, what="1,000 alerts"
        )
        first.kill()  # SIGKILL: no shutdown, no last write
        await first.wait()
        before = sum(tally.update().values())
        in_flight = await rows_in_state(url, "sending")

        second = await start_bot(tmp_path, env, "second.log")
        try:
            await telegram.wait_until(
                lambda: len(tally.update()) >= len(CHATS), timeout=90, what="every chat"
            )
        finally:
            second.send_signal(signal.SIGTERM)
            await second.wait()
    counts = tally.update()
    doubled = {chat for chat, n in counts.items() if n > 1}
    print(
        f"\nkill -9 after {before} of {len(CHATS)} alerts: in flight {len(in_flight)}, "
        f"sent twice {len(doubled)}"
    )
    assert set(counts) == set(CHATS)
    assert max(counts.values()) <= 2
    assert doubled <= in_flight  # only alerts in flight at the kill, each at most once more
    assert await rows_in_state(url, "sent") == set(CHATS)
    assert telegram.too_many_requests == 0
    assert second.returncode == 0, (tmp_path / "second.log").read_text()


def bot_environment(telegram: FakeTelegram, url: str, feeds_file: Path) -> dict[str, str]:
    return environment(
        TELEGRAM_BOT_TOKEN=telegram.token,
        TELEGRAM_API_BASE_URL=telegram.base_url,
        DATABASE_URL=url,
        FEEDS_FILE=str(feeds_file),
        POLL_INTERVAL_SECONDS="1",
        MESSAGES_PER_SECOND=str(RATE),
    )


async def rows_in_state(url: str, state: str) -> set[int]:
    """The chats whose alert the outbox holds in this state."""
    store = Store.connect(url)
    try:
        return {entry.chat_id for entry in await store.outbox.entries() if entry.state == state}
    finally:
        await store.close()
