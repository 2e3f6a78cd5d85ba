"""Who publishes a feed: the feeds file's `outlet`, else its `title`, else the feed's own title,
else its host; alerts name it as their source and /mute source offers it."""

from __future__ import annotations

import pytest

from news.feedsfile import FeedsFileError, parse_feeds_file
from news.records import FeedConfig
from news.routing import Plan
from news.store import Store
from news.store.feeds import Success
from tests.stock import NOW, article, follow, take_due

FILE = """
[topics]
World = ["world"]

[[feeds]]
url = "https://a.example/world.xml"
title = "Herald - World"
outlet = "  The   Herald "
topics = ["World"]

[[feeds]]
url = "https://b.example/rss"
title = "Courier"
"""


def test_the_feeds_file_names_outlets_with_spaces_folded() -> None:
    feeds = parse_feeds_file(FILE, source="feeds.toml").feeds
    assert [(feed.title, feed.outlet) for feed in feeds] == [
        ("Herald - World", "The Herald"),
        ("Courier", None),
    ]


@pytest.mark.parametrize("value", ['""', "3", '["BBC"]'])
def test_an_outlet_that_is_no_name_is_refused_with_its_line(value: str) -> None:
    text = FILE.replace('outlet = "  The   Herald "', f"outlet = {value}")
    with pytest.raises(FeedsFileError, match=r"feeds.toml, line 8: outlet for https://a"):
        parse_feeds_file(text, source="feeds.toml")


async def test_outlet_then_title_then_the_feeds_own_title_then_its_host(store: Store) -> None:
    configs = (
        FeedConfig(url="https://news.example/rss", topics=("Politics",), outlet="Harbour Herald"),
        FeedConfig(url="https://b.example/rss", title="Courier"),
        FeedConfig(url="https://c.example/rss"),
        FeedConfig(url="https://d.example/rss"),
    )
    await store.feeds.sync(configs, NOW)
    feeds = {feed.url: feed.id for feed in await store.feeds.all()}
    # The feed's own title fills in where the file named none.
    own = Success(feeds["https://c.example/rss"], NOW, title="Gazette Online")
    await store.feeds.record_successes(NOW, [own])

    outlets = await store.feeds.outlets()

    assert outlets == ["Courier", "d.example", "Gazette Online", "Harbour Herald"]
    await follow(store, 1, "Politics")
    news = Plan(new=[article("a", "Politics")], alertable={"a"})
    await store.articles.ingest(feeds["https://news.example/rss"], news, now=NOW)
    (delivery,) = await take_due(store, NOW)
    assert delivery.article.outlet == "Harbour Herald"  # type: ignore[union-attr]


async def test_a_feed_dropped_from_the_file_is_no_outlet_to_offer(store: Store) -> None:
    both = (
        FeedConfig(url="https://a.example/rss", outlet="Herald"),
        FeedConfig(url="https://b.example/rss", outlet="Courier"),
    )
    await store.feeds.sync(both, NOW)
    await store.feeds.sync(both[:1], NOW)
    assert await store.feeds.outlets() == ["Herald"]
