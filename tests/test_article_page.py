"""Key points from the article page when a feed (fetch_article = true) carries only teasers.

The poller runs on real parts: the local feed server also serves the article pages, SQLite holds
what was stored, and the clock is driven by hand.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

import httpx
import pytest

from news.keypoints import DEFAULT_LABELS, labels_with
from news.page import decode_page, is_teaser, page_points
from news.records import Entry, FeedConfig
from tests.fakes.feeds import FeedServer, rss
from tests.polling import INTERVAL, Desk, desk
from web.fetch import make_client
from web.guard import guard
from web.pages import PageReader

HEADLINE = "Kyiv reopens the Podilskyi bridge after two years of repairs"
TEASER = "<p>The city has reopened a key crossing over the Dnipro.</p>"
POINTS = (
    "The bridge links Podil and Troieshchyna and should carry 40,000 cars a day.",
    "The repairs cost 1.2 billion hryvnias, mostly from the city budget.",
    "Buses return to the route next week.",
)


def page(body: str, *, head: str = "") -> bytes:
    menu = "<nav><p>Menu</p><ul><li>News</li><li>Sport</li><li>Weather</li></ul></nav>"
    document = (
        f"<!doctype html><html><head><title>{html.escape(HEADLINE)}</title>{head}</head>"
        f"<body>{menu}<article><h1>{html.escape(HEADLINE)}</h1>{body}</article>"
        '<aside class="related"><p>Key points</p><ul><li>Other story one.</li>'
        "<li>Other story two.</li></ul></aside></body></html>"
    )
    return document.encode("utf-8")


LISTED = page(
    "<p><strong>Key points:</strong></p><ul>"
    + "".join(f"<li>{html.escape(point)}</li>" for point in POINTS)
    + "</ul><p>Kyiv has reopened the Podilskyi bridge to traffic on Saturday morning.</p>"
)
PARAGRAPHS = (
    "Drivers queued from dawn to be among the first across the renovated deck.",
    "The contractor must fix any defect found in the next five years at its own cost.",
    "City officials expect the crossing to shorten commutes from the left bank by 20 minutes.",
)
# The first paragraph only says the headline again: no point.
REPEAT = "<p>Kyiv reopened the Podilskyi bridge on Saturday after two years of repairs.</p>"
UNLISTED = page(REPEAT + "".join(f"<p>{html.escape(text)}</p>" for text in PARAGRAPHS))


def feed_with(feeds: FeedServer, *items: dict[str, str]) -> bytes:
    """The feed: an older teaser (listed from the first poll on), then `items`."""
    older = {"title": "Older news", "guid": "old", "description": TEASER}
    older["link"] = feeds.url("/older")
    return rss([older, *items])


async def first_then_second_poll(room: Desk, feeds: FeedServer, item: dict[str, str]) -> None:
    """The first poll only records what the feed holds; a new entry in the second one alerts."""
    await room.poller.poll_due()
    feeds.serve("/feed", feed_with(feeds, item))
    room.clock.advance(INTERVAL)
    await room.poller.poll_due()


def teaser_item(feeds: FeedServer, path: str) -> dict[str, str]:
    return {"title": HEADLINE, "guid": "new", "link": feeds.url(path), "description": TEASER}


@pytest.mark.usefixtures("database_kind")
async def test_a_teaser_feed_that_asks_for_it_gets_the_pages_points(
    feeds: FeedServer, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    feeds.serve("/feed", feed_with(feeds))
    feeds.serve("/story", LISTED, content_type="text/html; charset=utf-8")
    async with desk(tmp_path, client) as room:
        await room.add_feeds(FeedConfig(feeds.url("/feed"), fetch_article=True))
        await first_then_second_poll(room, feeds, teaser_item(feeds, "/story"))
        assert await room.key_points(HEADLINE) == list(POINTS)
    # The first poll alerted nobody, so its entries' pages were not worth a request.
    assert feeds.request_count("/story") == 1 and feeds.request_count("/older") == 0
    assert "text/html" in feeds.requests("/story")[0]["accept"].split(",")[0]


@pytest.mark.usefixtures("database_kind")
async def test_without_fetch_article_the_page_is_never_requested(
    feeds: FeedServer, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    feeds.serve("/feed", feed_with(feeds))
    feeds.serve("/story", LISTED, content_type="text/html")
    async with desk(tmp_path, client) as room:
        await room.add_feeds(FeedConfig(feeds.url("/feed")))
        await first_then_second_poll(room, feeds, teaser_item(feeds, "/story"))
        assert await room.key_points(HEADLINE) == [
            "The city has reopened a key crossing over the Dnipro."
        ]
    assert feeds.request_count("/story") == 0


@pytest.mark.usefixtures("database_kind")
async def test_a_missing_page_falls_back_to_the_feeds_text_and_says_so_once(
    feeds: FeedServer, client: httpx.AsyncClient, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    feeds.serve("/feed", feed_with(feeds))
    async with desk(tmp_path, client) as room:
        await room.add_feeds(FeedConfig(feeds.url("/feed"), fetch_article=True))
        with caplog.at_level(logging.INFO, logger="web.pages"):
            await first_then_second_poll(room, feeds, teaser_item(feeds, "/gone"))
            room.clock.advance(INTERVAL)
            await room.poller.poll_due()  # the entry is known now: its page is not asked again
        assert await room.key_points(HEADLINE) == [
            "The city has reopened a key crossing over the Dnipro."
        ]
        assert (await room.feed(feeds.url("/feed"))).error_count == 0  # the feed itself is fine
    assert feeds.request_count("/gone") == 1
    notes = [r for r in caplog.records if r.getMessage() == "article page not used"]
    assert len(notes) == 1 and notes[0].levelno == logging.INFO
    assert notes[0].fields["reason"] == "HTTP 404"  # type: ignore[attr-defined]


@pytest.mark.usefixtures("database_kind")
async def test_slow_and_oversized_pages_fall_back(
    feeds: FeedServer, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    feeds.serve("/feed", feed_with(feeds))
    feeds.serve("/slow", LISTED, content_type="text/html")
    feeds.fault("/slow", delay=5)
    feeds.serve("/huge", LISTED, content_type="text/html")
    feeds.fault("/huge", endless=True)
    items = [teaser_item(feeds, "/slow"), teaser_item(feeds, "/huge")]
    items[1] |= {"guid": "huge", "title": "A second bridge story with an endless page"}
    async with desk(tmp_path, client, page_deadline_seconds=0.5, max_bytes=200_000) as room:
        await room.add_feeds(FeedConfig(feeds.url("/feed"), fetch_article=True))
        await room.poller.poll_due()
        feeds.serve("/feed", feed_with(feeds, *items))
        room.clock.advance(INTERVAL)
        report = await room.poller.poll_due()
        assert report.failed == 0 and report.new_articles == 2
        teaser_point = ["The city has reopened a key crossing over the Dnipro."]
        assert await room.key_points(HEADLINE) == teaser_point
        assert await room.key_points(items[1]["title"]) == teaser_point


@pytest.mark.usefixtures("database_kind")
async def test_a_full_entry_or_one_with_its_own_list_is_not_fetched(
    feeds: FeedServer, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    long_text = "".join(f"<p>{html.escape(text)}</p>" for text in PARAGRAPHS * 3)
    listed = "<p>Коротко:</p><ul><li>Перший пункт новини.</li><li>Другий пункт новини.</li></ul>"
    feeds.serve("/feed", feed_with(feeds))
    feeds.serve("/story", LISTED, content_type="text/html")
    items = [
        teaser_item(feeds, "/story") | {"description": long_text},
        teaser_item(feeds, "/story") | {"guid": "uk", "title": "Міст", "description": listed},
    ]
    async with desk(tmp_path, client) as room:
        await room.add_feeds(FeedConfig(feeds.url("/feed"), fetch_article=True))
        await room.poller.poll_due()
        feeds.serve("/feed", feed_with(feeds, *items))
        room.clock.advance(INTERVAL)
        await room.poller.poll_due()
        assert await room.key_points("Міст") == ["Перший пункт новини.", "Другий пункт новини."]
    assert feeds.request_count("/story") == 0


@pytest.mark.usefixtures("database_kind")
async def test_a_feeds_own_labels_reach_the_extractor(
    feeds: FeedServer, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    content = "<h3>Підсумки</h3><ul><li>Уряд ухвалив бюджет.</li><li>Податки не зростуть.</li></ul>"
    item = {"title": "Бюджет", "guid": "b", "description": content}
    # Other news in the same shape: the same text in both feeds would be one story, which
    # /latest (how the desk reads articles back) lists once.
    other = (
        "<h3>Підсумки</h3><ul><li>Новий міст через Дніпро відкрили.</li>"
        "<li>Рух почнеться завтра.</li></ul>"
    )
    feeds.serve("/plain", feed_with(feeds))
    feeds.serve("/labelled", feed_with(feeds))
    async with desk(tmp_path, client) as room:
        await room.add_feeds(
            FeedConfig(feeds.url("/plain")),
            FeedConfig(feeds.url("/labelled"), labels=("Підсумки",)),
        )
        stored = {feed.url: feed for feed in await room.store.feeds.all()}
        assert stored[feeds.url("/labelled")].key_point_labels == ("Підсумки",)
        await room.poller.poll_due()
        feeds.serve("/plain", feed_with(feeds, item))
        labelled = {"title": "Міст відкрито", "guid": "m", "description": other}
        feeds.serve("/labelled", feed_with(feeds, labelled))
        room.clock.advance(INTERVAL)
        await room.poller.poll_due()
        assert await room.key_points("Міст відкрито") == [
            "Новий міст через Дніпро відкрили.",
            "Рух почнеться завтра.",
        ]
        # Without the label the list is no list: the items stand as mere short lines.
        assert await room.key_points("Бюджет") != ["Уряд ухвалив бюджет.", "Податки не зростуть."]

        # The file's settings follow it at every start, also back to the defaults.
        await room.add_feeds(FeedConfig(feeds.url("/labelled")))
        again = {feed.url: feed for feed in await room.store.feeds.all()}
        assert again[feeds.url("/labelled")].key_point_labels == ()
        assert again[feeds.url("/labelled")].fetch_article is False


async def test_a_page_at_a_private_address_is_refused(feeds: FeedServer) -> None:
    feeds.serve("/story", LISTED, content_type="text/html")
    async with make_client(user_agent="newsbot-tests/1") as http:
        reader = PageReader(guard(http), deadline_seconds=5)
        points = await reader.points(
            feeds.url("/story"), title=HEADLINE, labels=DEFAULT_LABELS, fallback=("feed",), feed="f"
        )
    assert points == ("feed",) and feeds.request_count("/story") == 0


def test_the_page_list_skips_furniture_and_wins() -> None:
    assert page_points(LISTED.decode(), title=HEADLINE, fallback=("feed",)) == POINTS


def test_a_page_without_a_list_gives_its_paragraph_openers_not_its_menus() -> None:
    assert page_points(UNLISTED.decode(), title=HEADLINE) == PARAGRAPHS


def test_the_meta_description_then_the_feeds_points_are_the_last_resorts() -> None:
    meta = '<meta property="og:description" content="Buses return &amp; traffic flows again.">'
    bare = page("<p>Photo</p>", head=meta).decode()
    assert page_points(bare, title=HEADLINE) == ("Buses return & traffic flows again.",)
    nothing = page("<p>Photo</p>").decode()
    assert page_points(nothing, title=HEADLINE, fallback=("feed",)) == ("feed",)
    assert page_points("", title=HEADLINE, fallback=("feed",)) == ("feed",)


def test_page_points_are_plain_short_text() -> None:
    long_item = "Велика " * 80 + "подія."
    escaped = "Друга &lt;b&gt;подія&lt;/b&gt;."  # markup escaped in the page: text, not tags
    body = f"<p>Головне:</p><ul><li><b>{long_item}</b></li><li>{escaped}</li></ul>"
    points = page_points(page(body).decode(), title=HEADLINE)
    assert len(points) == 2 and len(points[0]) <= 250 and points[0].endswith("...")
    assert all("<" not in point and ">" not in point for point in points)


def test_charsets_come_from_the_header_then_the_page() -> None:
    text = "<p>Новини України.</p>"
    assert decode_page(text.encode("cp1251"), "text/html; charset=windows-1251") == text
    tagged = '<meta charset="koi8-u">' + text
    assert decode_page(tagged.encode("koi8-u"), "text/html") == tagged
    assert decode_page(text.encode(), "text/html; charset=bogus") == text


def test_a_teaser_is_short_and_has_no_list_of_its_own() -> None:
    assert is_teaser(Entry(guid="1", link=None, title="T", summary_html=TEASER))
    assert not is_teaser(Entry(guid="1", link=None, title="T", summary_html="<p>x.</p>" * 300))
    listed = "<p>Підсумки</p><ul><li>Один пункт.</li><li>Другий пункт.</li></ul>"
    entry = Entry(guid="1", link=None, title="T", content_html=listed)
    assert is_teaser(entry) and not is_teaser(entry, labels_with(["Підсумки"]))
