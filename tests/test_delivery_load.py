"""Delivery under load against a fake Telegram that enforces flood limits.

Where a test would take minutes at Telegram's own limits, the fake and the bot are both set to
the same higher limits: zero 429s still proves the bot never went beyond what it was told.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.feeds import FeedServer
from tests.fakes.telegram import FakeTelegram, FloodLimits
from tests.newsroom import Newsroom, newsroom, story

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("database_kind")]

FAST = FloodLimits(per_second=150, private_burst=20, private_per_second=20)
FAST_BOT: dict[str, Any] = {"messages_per_second": 150, "private_chat_messages_per_second": 20}


@pytest.fixture
async def strict() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(enforce_limits=True, limits=FAST) as fake:
        yield fake


def received(telegram: FakeTelegram, marker: str) -> Counter[tuple[int, str]]:
    """How often each (chat, alert headline) arrived, for alerts whose text has `marker`."""
    return Counter((m.chat_id, m.text.splitlines()[1]) for m in telegram.sent if marker in m.text)


async def queued_order(room: Newsroom, chat: int) -> list[str | None]:
    """A chat's alerts in the order they were queued."""
    async with room.store() as store:
        return [entry.title for entry in await store.outbox.entries(chat)]


async def test_a_thousand_people_subscribing_at_once_are_all_answered_without_a_429(
    strict: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    people = range(5_000, 6_000)
    async with newsroom(strict, feeds, tmp_path, {}, **FAST_BOT) as room:
        for person in people:  # all within the same moment
            strict.user_sends(person, "/subscribe Politics")

        def answered() -> int:
            return sum("You now follow Politics" in m.text for m in strict.sent)

        await strict.wait_until(lambda: answered() >= len(people), timeout=60, what="answers")
    assert strict.too_many_requests == 0
    assert Counter(m.chat_id for m in strict.sent) == Counter(people)  # one answer each
    async with room.store() as store:
        counts = await store.stats.snapshot(since=datetime.now(UTC))
    assert counts.subscriptions == {"Politics": len(people)}


async def test_a_burst_of_fifty_stories_reaches_ten_readers_paced_in_order(
    strict: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    readers = {chat: "Politics" for chat in range(3_001, 3_011)}
    burst = [story(f"burst-{n}", f"Burst story number {n:02d}") for n in range(50)]
    async with newsroom(strict, feeds, tmp_path, readers, **FAST_BOT) as room:
        room.publish(*burst)
        await strict.wait_until(
            lambda: sum(received(strict, "Burst story").values()) >= 500, timeout=60, what="500"
        )
    assert strict.too_many_requests == 0
    got = received(strict, "Burst story")
    assert len(got) == 500 and set(got.values()) == {1}  # all arrived, none twice
    for chat in readers:
        arrived = [m.text.splitlines()[1] for m in strict.messages_to(chat) if "Burst" in m.text]
        assert arrived == await queued_order(room, chat)


async def test_a_fifth_of_sends_failing_with_502_loses_and_doubles_nothing(
    strict: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    readers = {chat: "Politics" for chat in range(4_001, 4_021)}
    stories = [story(f"flaky-{n}", f"Flaky network story {n}") for n in range(5)]
    quick = FAST_BOT | {"send_retry_seconds": 0.05}
    async with newsroom(strict, feeds, tmp_path, readers, **quick) as room:
        strict.fail_next("sendMessage", status=502, description="Bad Gateway", share=0.2, count=60)
        room.publish(*stories)
        await strict.wait_until(
            lambda: sum(received(strict, "Flaky network").values()) >= 100, timeout=60, what="100"
        )
    bad_gateways = sum(1 for r in strict.rejected if r[2] == 502)
    assert bad_gateways >= 10  # the stretch of faults did happen
    got = received(strict, "Flaky network")
    assert len(got) == 100 and set(got.values()) == {1}
    async with room.store() as store:
        states = Counter(entry.state for entry in await store.outbox.entries())
    assert states == {"sent": 100}
    assert strict.too_many_requests == 0


async def test_a_429_storm_is_waited_out_and_the_bot_slows_down(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    readers = {chat: "Politics" for chat in range(7_001, 7_091)}
    # The bot was told Telegram allows twice what it does: Telegram pushes back with 429s.
    async with newsroom(telegram, feeds, tmp_path, readers, messages_per_second=60) as room:
        telegram.enforce_limits = True  # Telegram's own 30 a second from here on
        room.publish(story("storm", "Storm warning for the coast"))
        await telegram.wait_until(
            lambda: sum(received(telegram, "Storm warning").values()) >= 90, timeout=60, what="90"
        )
    got = received(telegram, "Storm warning")
    assert len(got) == 90 and set(got.values()) == {1}
    assert 0 < telegram.too_many_requests <= 10  # a couple at first, not one per alert
    async with room.store() as store:
        rows = {(entry.state, entry.attempts) for entry in await store.outbox.entries()}
    assert rows == {("sent", 1)}  # waiting when told to is not a failed attempt
