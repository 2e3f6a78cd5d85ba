"""Several processes on one database, as the store sees them (SQLite and PostgreSQL): one
sender at a time, claims only while it holds the lock, start-up recovery of a gone sender's
rows only, and feeds leased to one process at a time. A second process is a second Store on the
same database: its own engine, its own lock session."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest

from news.records import FeedConfig
from news.store import Store
from news.store.leadership import Role
from tests.stock import NOW, article, follow, publish

LATER = NOW + timedelta(minutes=1)


@asynccontextmanager
async def another_process(store: Store) -> AsyncIterator[Store]:
    other = Store.connect(store.engine.url.render_as_string(hide_password=False))
    try:
        yield other
    finally:
        await other.close()


async def soon(check: Callable[[], Awaitable[bool]], seconds: float = 5.0) -> bool:
    """PostgreSQL ends a closed session a moment after the client has gone; nothing tells
    when, so a takeover asks again, as the campaign does every second."""
    async with asyncio.timeout(seconds):
        while not await check():  # noqa: ASYNC110 (no event to wait for: see above)
            await asyncio.sleep(0.05)
    return True


async def queued(store: Store, chats: int) -> list[int]:
    """`chats` private chats each have one alert due; returns the rows' ids."""
    for chat in range(1, chats + 1):
        await follow(store, chat, "Politics")
    await publish(store, article("news", "Politics"))
    return [id_ for id_, _ in await store.outbox.due_heads(LATER, 100)]


async def test_one_sender_at_a_time_and_the_next_takes_over_when_it_is_gone(store: Store) -> None:
    assert await store.leadership.take(Role.SENDER)
    async with another_process(store) as second:
        if not store.leadership.shared:  # SQLite: one process, every role won at once
            assert await second.leadership.take(Role.SENDER)
            return
        assert not await second.leadership.take(Role.SENDER)
        assert not await second.leadership.take(Role.SENDER)  # asking again changes nothing
        await store.leadership.close()  # the process dies: its session ends
        assert await soon(lambda: second.leadership.take(Role.SENDER))
        assert await second.leadership.alive()


async def test_every_live_process_is_counted(store: Store) -> None:
    assert await store.leadership.take(Role.MEMBER)
    async with another_process(store) as second:
        assert await second.leadership.take(Role.MEMBER)
        expected = 2 if store.leadership.shared else 1
        assert await store.leadership.count(Role.MEMBER) == expected
    if store.leadership.shared:

        async def alone() -> bool:
            return await store.leadership.count(Role.MEMBER) == 1

        assert await soon(alone)


async def test_a_process_that_lost_the_sender_lock_claims_nothing(store: Store) -> None:
    ids = await queued(store, 3)
    async with another_process(store) as second:
        if not store.leadership.shared:
            return  # no lock to lose with one process; the next test covers its recovery
        assert await store.leadership.take(Role.SENDER)
        await second.leadership.take(Role.MEMBER)  # a session, without the sender's lock
        assert await second.outbox.claim(ids, second.leadership.session_id) == []
        claimed = await store.outbox.claim(ids, store.leadership.session_id)
        assert sorted(d.id for d in claimed) == sorted(ids)


async def test_recovery_leaves_a_live_senders_rows_and_takes_back_a_gone_ones(
    store: Store,
) -> None:
    ids = await queued(store, 3)
    assert await store.leadership.take(Role.SENDER)
    assert len(await store.outbox.claim(ids, store.leadership.session_id)) == 3
    if not store.leadership.shared:
        # One process: what is "sending" at its start was left by its own last life.
        assert await store.outbox.recover_interrupted() == 3
        return
    async with another_process(store) as second:
        # A second process starting while the first sends touches none of its rows.
        assert await second.outbox.recover_interrupted() == 0
        assert await second.outbox.due_heads(LATER, 100) == []
        await store.leadership.close()  # kill -9: the session ends, the lock is free
        assert await soon(lambda: second.leadership.take(Role.SENDER))
        assert await second.outbox.recover_interrupted() == 3
        again = await second.outbox.claim(ids, second.leadership.session_id)
        assert sorted(d.attempts for d in again) == [2, 2, 2]


async def test_a_due_feed_is_leased_to_one_process_until_released_or_expired(
    store: Store,
) -> None:
    await store.feeds.sync(tuple(FeedConfig(f"https://f{n}.example/rss") for n in range(4)), NOW)
    lease = NOW + timedelta(seconds=15)
    async with another_process(store) as second:
        first = await store.feeds.lease(NOW, lease, limit=3)
        rest = await second.feeds.lease(NOW, NOW + timedelta(minutes=5))
        assert len(first) == 3 and len(rest) == 1
        assert {f.id for f in first}.isdisjoint({f.id for f in rest})
        assert await second.feeds.lease(NOW + timedelta(seconds=5), lease) == []
        # The first process died mid-round: its feeds are free once the lease has run out.
        taken = await second.feeds.lease(NOW + timedelta(seconds=16), NOW + timedelta(seconds=31))
        assert {f.id for f in taken} == {f.id for f in first}
        await second.feeds.release([f.id for f in rest])
        assert [f.id for f in await store.feeds.lease(NOW, lease)] == [rest[0].id]


async def test_processes_started_together_sync_the_feeds_file_once(store: Store) -> None:
    if not store.leadership.shared:
        pytest.skip("SQLite runs one `newsbot run`: its file is not shared between processes")
    listed = tuple(FeedConfig(f"https://f{n}.example/rss", ("World",)) for n in range(20))
    async with another_process(store) as second:
        await asyncio.gather(store.feeds.sync(listed, NOW), second.feeds.sync(listed, NOW))
    assert sorted(f.url for f in await store.feeds.all()) == sorted(f.url for f in listed)
