"""The store against real databases: SQLite always, PostgreSQL where one runs."""

from __future__ import annotations

from datetime import timedelta

from news.records import ChatProfile, FeedConfig
from news.routing import Plan
from news.store import PollOutcome, Store
from news.store.feeds import REMOVED_BY_ADMIN
from tests.stock import NOW, alert, article, feed_id, take_due


async def test_feeds_sync_adds_updates_and_disables(store: Store) -> None:
    a, b = FeedConfig("https://a.example/rss", ("World",)), FeedConfig("https://b.example/rss")
    await store.feeds.sync((a, b), NOW)
    assert {f.url for f in await store.feeds.due(NOW)} == {a.url, b.url}
    await store.feeds.sync((FeedConfig(a.url, ("Politics",)),), NOW)
    due = await store.feeds.due(NOW)
    assert [(f.url, f.topics) for f in due] == [(a.url, ("Politics",))]
    assert len(await store.feeds.all()) == 2  # disabled, not deleted


async def test_a_feed_an_admin_removed_stays_off_when_the_file_is_synced_again(
    store: Store,
) -> None:
    listed = FeedConfig("https://a.example/rss", ("World",))
    await store.feeds.sync((listed,), NOW)
    await store.feeds.disable(listed.url, REMOVED_BY_ADMIN)
    await store.feeds.sync((listed,), NOW)  # the next start
    assert await store.feeds.due(NOW) == []


async def test_a_moved_feed_is_the_same_feed_at_the_next_start(store: Store) -> None:
    listed = FeedConfig("http://old.example/rss", ("World",))
    await store.feeds.sync((listed,), NOW)
    (feed,) = await store.feeds.all()
    assert await store.feeds.move(feed.id, "https://new.example/rss")
    await store.feeds.sync((listed,), NOW)  # the file still says the old address
    assert [(f.id, f.url) for f in await store.feeds.due(NOW)] == [
        (feed.id, "https://new.example/rss")
    ]


async def test_a_gone_feed_stays_off_across_restarts(store: Store) -> None:
    listed = FeedConfig("https://gone.example/rss")
    await store.feeds.sync((listed,), NOW)
    (feed,) = await store.feeds.all()
    gone = PollOutcome(succeeded=False, next_check_at=NOW, error="HTTP 410", disable="gone")
    await store.feeds.record(feed.id, NOW, gone)
    await store.feeds.sync((listed,), NOW)
    assert await store.feeds.due(NOW) == []


async def test_one_delivery_per_chat_even_for_two_followed_topics(store: Store) -> None:
    feed = await feed_id(store)
    await store.chats.follow(ChatProfile(1, language="en"), ["Politics", "World"], NOW)
    await store.chats.follow(ChatProfile(2, language="en"), ["World"], NOW)
    await store.chats.follow(ChatProfile(3, language="en"), ["Sport"], NOW)

    first = await store.articles.ingest(feed, Plan(new=[article("old", "Politics")]), now=NOW)
    assert (first.new_articles, first.deliveries) == (1, 0)

    later = NOW + timedelta(minutes=5)
    batch = [article("old", "Politics"), article("new", "Politics", "World")]
    result = await store.articles.ingest(feed, Plan(new=batch, alertable={"old", "new"}), now=later)
    assert (result.new_articles, result.deliveries) == (1, 2)

    due = await take_due(store, later)
    assert sorted(d.chat_id for d in due) == [1, 2]
    assert {alert(d).title for d in due} == {"Headline new"}
    assert alert(due[0]).topics == ("Politics", "World")
    assert await take_due(store, later) == []  # claimed rows are not handed out twice


async def test_inactive_chats_get_nothing_and_crash_leftovers_are_retried(store: Store) -> None:
    feed = await feed_id(store)
    for chat in (1, 2):
        await store.chats.follow(ChatProfile(chat), {"Politics"}, NOW)
    await store.chats.gone(2, "bot was blocked by the user")
    await store.articles.ingest(
        feed, Plan(new=[article("a", "Politics")], alertable={"a"}), now=NOW
    )
    (delivery,) = await take_due(store, NOW)
    assert delivery.chat_id == 1
    # The process dies while sending: at the next start the row is pending again.
    assert await store.outbox.recover_interrupted() == 1
    (again,) = await take_due(store, NOW)
    assert again.id == delivery.id and again.attempts == 2
    await store.outbox.sent_all({again.id: NOW})
    assert await store.outbox.recover_interrupted() == 0


async def test_subscriptions_round_trip(store: Store) -> None:
    ann = ChatProfile(7, title="Ann", language="uk")
    assert await store.chats.follow(ann, {"Politics"}, NOW) == {"Politics"}
    assert await store.chats.follow(ann, {"Politics", "World"}, NOW) == {"World"}
    assert await store.chats.topics(7) == {"Politics", "World"}
    assert await store.chats.unfollow(7, {"Politics"}) == {"Politics"}
    assert await store.chats.unfollow(7, {"Politics"}) == set()


async def test_latest_is_newest_first_and_filters_by_topic(store: Store) -> None:
    feed = await feed_id(store)
    # Three different pieces of news: /latest lists a story once, however many tell it.
    budget, floods, strike = (
        "Parliament passes the budget after a night of debate",
        "Storm floods coastal towns in northern Portugal",
        "Teachers strike over pay in the capital",
    )
    articles = [
        article("p1", "Politics", title=budget, published=NOW - timedelta(hours=3)),
        article("w1", "World", title=floods, published=NOW - timedelta(hours=1)),
        article("p2", "Politics", title=strike, published=NOW - timedelta(hours=2)),
    ]
    await store.articles.ingest(feed, Plan(new=articles), now=NOW)
    assert [a.title for a in await store.articles.latest()] == [floods, strike, budget]
    politics = await store.articles.latest("Politics", limit=1)
    assert [a.title for a in politics] == [strike]
    assert politics[0].published_at == NOW - timedelta(hours=2)
    assert politics[0].outlet == "news.example"  # no title configured: the host stands in


async def test_chat_ids_beyond_32_bits_fit(store: Store) -> None:
    supergroup = -1001234567890123
    await store.chats.follow(ChatProfile(supergroup, kind="supergroup", title="G"), {"World"}, NOW)
    assert await store.chats.topics(supergroup) == {"World"}
