"""Three `newsbot run` processes on one PostgreSQL database, against the fake Bot API with its
limits on and the local feed server: 300 feeds, 1,000 chats.

- every feed is fetched once per due time, whatever the number of processes;
- every chat gets each article exactly once, a process started mid fan-out changing nothing;
- the bot as a whole stays within Telegram's rate: zero 429s;
- kill -9 of the sending process mid fan-out: another takes over within 15 s, nothing is lost,
  and only messages that were in flight at the kill may arrive twice;
- kill -9 of the long-polling process: another answers commands within 15 s, none twice.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from tests.audience import subscribe_many
from tests.chatting import say
from tests.databases import migrated_url
from tests.environment import environment
from tests.fakes.feeds import FeedServer, rss
from tests.fakes.telegram import FakeTelegram, FloodLimits
from tests.newsroom import story
from tests.processes import POLLING, SENDING, Processes, feed_path, many_feeds
from tests.test_crash import rows_in_state

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]
FEEDS = 300
CHATS = range(200_001, 201_001)
ASKERS = range(300_001, 300_004)  # chats that only send commands
RATE = 200  # messages a second, in the fake and the bot alike: seconds, not minutes
# POLL_INTERVAL_SECONDS. A feed's next time counts from the start of the round that fetched it,
# so under load a feed fetched late in a round is due again a little early; two processes
# fetching it for one due time would do so within a tick (a quarter of this) of each other.
INTERVAL = 10.0
TAKEOVER = 15.0


@asynccontextmanager
async def cluster(tmp_path: Path) -> AsyncIterator[tuple[Processes, FakeTelegram, FeedServer, str]]:
    async with migrated_url("postgresql", tmp_path) as url:
        await subscribe_many(url, CHATS, "Politics")
        limits = FloodLimits(per_second=RATE)
        async with (
            FakeTelegram(enforce_limits=True, limits=limits) as telegram,
            FeedServer() as feeds,
        ):
            feeds_file = tmp_path / "feeds.toml"
            many_feeds(feeds, FEEDS, feeds_file)
            env = environment(
                TELEGRAM_BOT_TOKEN=telegram.token,
                TELEGRAM_API_BASE_URL=telegram.base_url,
                DATABASE_URL=url,
                FEEDS_FILE=str(feeds_file),
                POLL_INTERVAL_SECONDS=str(int(INTERVAL)),
                MESSAGES_PER_SECOND=str(RATE),
                FEED_CONCURRENCY="50",
            )
            yield Processes(tmp_path, env), telegram, feeds, url


def received(telegram: FakeTelegram, headline: str) -> Counter[int]:
    return Counter(m.chat_id for m in telegram.sent if headline in m.text)


def most_in_one_second(telegram: FakeTelegram) -> int:
    times = sorted(m.sent_at for m in telegram.sent)
    most, first = 0, 0
    for last, at in enumerate(times):
        while times[first] <= at - 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


async def test_three_processes_share_the_work_and_survive_kill_9(tmp_path: Path) -> None:
    async with cluster(tmp_path) as (bots, telegram, feeds, url):
        await bots.start("a")
        await bots.start("b")
        # Every feed's first poll (which alerts nobody) has been made, by one of them.
        for number in range(FEEDS):
            await feeds.wait_for_requests(feed_path(number), 1, timeout=60)

        # Fan-out 1: a third process starts in the middle of it.
        first = "Parliament passes the budget"
        feeds.serve(feed_path(0), rss([story("one", first), story("old0", "Old 0")]))
        await telegram.wait_until(
            lambda: sum(received(telegram, first).values()) >= 200, timeout=60, what="200 alerts"
        )
        await bots.start("c")
        assert [p.returncode for p in bots.running.values()] == [None] * 3  # none failed to start
        await telegram.wait_until(
            lambda: len(received(telegram, first)) == len(CHATS), timeout=60, what="fan-out 1"
        )

        # Fan-out 2: kill -9 of the process that sends, in the middle of it.
        second = "Election called for spring"
        feeds.serve(feed_path(0), rss([story("two", second), story("one", first)]))
        await telegram.wait_until(
            lambda: sum(received(telegram, second).values()) >= 300, timeout=60, what="300 alerts"
        )
        sender = bots.holder(SENDING)
        bots.freeze(sender)  # what is in flight now, before another may take it back
        in_flight = await rows_in_state(url, "sending")
        await bots.kill(sender)
        killed_at = time.monotonic()
        before = sum(received(telegram, second).values())
        await telegram.wait_until(
            lambda: sum(received(telegram, second).values()) > before + len(in_flight),
            timeout=TAKEOVER,
            what="another sender",
        )
        took_over = time.monotonic() - killed_at
        await telegram.wait_until(
            lambda: len(received(telegram, second)) == len(CHATS), timeout=60, what="fan-out 2"
        )

        # kill -9 of the process that long-polls: the next command is answered by another.
        assert "/help" not in [m.text for m in telegram.sent]
        await say(telegram, ASKERS[0], "/help")
        poller = bots.holder(POLLING)
        bots.freeze(poller)  # it may send too: what it has in flight may come twice
        in_flight |= await rows_in_state(url, "sending")
        await bots.kill(poller)
        killed_at = time.monotonic()
        telegram.user_sends(ASKERS[1], "/help")
        await telegram.wait_for_message(ASKERS[1], timeout=TAKEOVER)
        answered = time.monotonic() - killed_at
        await say(telegram, ASKERS[2], "/help")
        fetched = {n: feeds.arrivals(feed_path(n)) for n in range(FEEDS)}
        codes = await bots.stop()

    ones, twos = received(telegram, first), received(telegram, second)
    doubled = {chat for chat, n in twos.items() if n > 1}
    gaps = [b - a for times in fetched.values() for a, b in itertools.pairwise(times)]
    print(
        f"\nsender {sender} killed, then poller {poller}: {len(in_flight)} in flight, "
        f"{len(doubled)} sent twice, "
        f"taken over in {took_over:.1f} s, answered in {answered:.1f} s; "
        f"{sum(len(t) for t in fetched.values())} fetches, closest two of a feed "
        f"{min(gaps):.1f} s apart; at most {most_in_one_second(telegram)} messages in a second"
    )
    assert set(ones) == set(CHATS) and set(ones.values()) == {
        1
    }  # the third process changed nothing
    assert set(twos) == set(CHATS) and max(twos.values()) <= 2  # nothing lost
    assert doubled <= in_flight  # only what was in flight at a kill, each at most once more
    assert took_over <= TAKEOVER and answered <= TAKEOVER
    assert [len(telegram.messages_to(chat)) for chat in ASKERS] == [1, 1, 1]  # none twice
    assert telegram.too_many_requests == 0
    assert most_in_one_second(telegram) <= RATE
    # Once per due time: no feed fetched twice within half its interval.
    assert all(len(times) >= 2 for times in fetched.values())
    assert min(gaps) >= INTERVAL / 2
    assert [code for name, code in codes.items() if name not in (sender, poller)] == [0] * (
        len(codes) - len({sender, poller})
    )
