"""What /status and /stats read from the store, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import timedelta

from news.records import FeedConfig
from news.store import PollOutcome, Store
from tests.stock import NOW, article, follow, publish


async def test_snapshot_counts_feeds_by_health_chats_and_topics(store: Store) -> None:
    configs = tuple(
        FeedConfig(url=f"https://news.example/{name}.xml", topics=("Politics",))
        for name in ("ok", "failing", "gone")
    )
    await store.feeds.sync(configs, NOW)
    ids = {feed.url.rsplit("/", 1)[1]: feed.id for feed in await store.feeds.all()}
    later = NOW + timedelta(minutes=5)
    failing = PollOutcome(succeeded=False, error="HTTP 502", next_check_at=later)
    await store.feeds.record(ids["failing.xml"], NOW, failing)
    gone = PollOutcome(succeeded=False, error="HTTP 410", next_check_at=later, disable="gone")
    await store.feeds.record(ids["gone.xml"], NOW, gone)
    await follow(store, 1, "Politics")
    await follow(store, 2, "Politics", "World")

    snapshot = await store.stats.snapshot(since=NOW - timedelta(days=1))

    health = (snapshot.feeds_ok, snapshot.feeds_failing, snapshot.feeds_disabled)
    assert health == (1, 1, 1)
    assert snapshot.chats_active == 2
    assert snapshot.subscriptions == {"Politics": 2, "World": 1}
    assert snapshot.outbox_depth == 0


async def test_snapshot_counts_queued_alerts(store: Store) -> None:
    await follow(store, 1, "Politics")
    assert await publish(store, article("a", "Politics")) == 1
    snapshot = await store.stats.snapshot(since=NOW)
    assert snapshot.outbox_depth == 1
