"""Zero duplicates, zero misses: every way feeds re-serve, reshuffle and edit their entries."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from news.records import FeedConfig
from tests.fakes.feeds import FeedServer, rss
from tests.polling import INTERVAL, START, Desk, desk

pytestmark = pytest.mark.usefixtures("database_kind")

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "feeds"
CENTURY = timedelta(days=36500)  # corpus entries are years old; let age never hide a duplicate
READER = 7


def item(n: int, **changes: Any) -> dict[str, Any]:
    values = {
        "title": f"Story {n}",
        "link": f"https://news.example/story/{n}",
        "guid": f"urn:story:{n}",
        "description": f"<p>Story {n} happened today. Officials said more.</p>",
        "pub_date": START - timedelta(minutes=n),
    }
    return {k: v for k, v in (values | changes).items() if v is not None}


async def poll(room: Desk) -> None:
    await room.poller.poll_due()
    room.clock.advance(INTERVAL)


async def follow(room: Desk, feeds: FeedServer, *paths: str) -> None:
    await room.add_feeds(*(FeedConfig(feeds.url(path), ("World",)) for path in paths))
    await room.subscribe(READER, "World")
    await poll(room)  # the first poll records, alerting nobody
    assert await room.deliveries() == []


async def alerted(room: Desk) -> list[str]:
    titles = [title for _, title in await room.deliveries()]
    duplicates = [title for title, count in Counter(titles).items() if count > 1]
    assert duplicates == [], f"alerted twice: {duplicates}"
    return titles


@pytest.mark.parametrize(
    "shape",
    [
        {},  # guids
        {"guid": None},  # links only: the normalised link is the identity
        {"guid": None, "link": None},  # neither: title and date
    ],
    ids=["guid", "link-only", "title-and-date"],
)
async def test_reordered_removed_and_readded_entries_never_alert_twice(
    shape: dict[str, Any], feeds: FeedServer, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    stories = [item(n, **shape) for n in range(5)]
    feeds.serve("/f", rss(stories))
    async with desk(tmp_path, client) as room:
        await follow(room, feeds, "/f")
        feeds.serve("/f", rss(stories[::-1]))  # re-ordered
        await poll(room)
        feeds.serve("/f", rss(stories[:2] + stories[3:]))  # one drops out ...
        await poll(room)
        feeds.serve("/f", rss(stories))  # ... and comes back
        await poll(room)
        assert await alerted(room) == []
        # A new entry at the END of the feed (not the top) is still found: no "newest first".
        feeds.serve("/f", rss([*stories, item(9, **shape)]))
        await poll(room)
        assert await alerted(room) == ["Story 9"]


async def test_tracking_parameters_and_host_case_do_not_make_a_new_story(
    feeds: FeedServer, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    stories = [item(n, guid=None) for n in range(3)]
    feeds.serve("/f", rss(stories))
    async with desk(tmp_path, client) as room:
        await follow(room, feeds, "/f")
        tracked = [
            s | {"link": s["link"].replace("news.example", "NEWS.example") + "?utm_source=rss#top"}
            for s in stories
        ]
        feeds.serve("/f", rss(tracked))
        await poll(room)
        assert await alerted(room) == []


async def test_a_changed_guid_or_an_edited_title_is_not_news(
    feeds: FeedServer, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    stories = [item(n) for n in range(3)]
    feeds.serve("/f", rss(stories))
    async with desk(tmp_path, client) as room:
        await follow(room, feeds, "/f")
        regid = [stories[0] | {"guid": "https://cms.example/?p=123"}, *stories[1:]]
        feeds.serve("/f", rss(regid))  # the CMS changed its guid scheme; the link stayed
        await poll(room)
        edited = [stories[0], stories[1] | {"title": "Story 1 (updated)"}, stories[2]]
        feeds.serve("/f", rss(edited))
        await poll(room)
        assert await alerted(room) == []
        latest = await room.store.articles.latest(limit=10)
        assert "Story 1 (updated)" in [a.title for a in latest]  # the edit is stored


async def test_one_story_in_two_feeds_alerts_once(
    feeds: FeedServer, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    feeds.serve("/a", rss([item(1)]))
    feeds.serve("/b", rss([item(2)]))
    async with desk(tmp_path, client) as room:
        await follow(room, feeds, "/a", "/b")
        shared = item(5)
        feeds.serve("/a", rss([shared, item(1)]))
        feeds.serve("/b", rss([shared | {"guid": "b-feed-own-guid"}, item(2)]))
        await poll(room)
        await poll(room)
        assert await alerted(room) == ["Story 5"]


async def test_a_burst_of_fifty_alerts_all_fifty(
    feeds: FeedServer, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    feeds.serve("/f", rss([item(0)]))
    async with desk(tmp_path, client) as room:
        await follow(room, feeds, "/f")
        burst = [item(n) for n in range(100, 150)]
        feeds.serve("/f", rss([*burst, item(0)]))
        await poll(room)
        assert sorted(await alerted(room)) == sorted(f"Story {n}" for n in range(100, 150))


async def test_entries_older_than_the_max_age_never_alert(
    feeds: FeedServer, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    feeds.serve("/f", rss([item(0)]))
    async with desk(tmp_path, client) as room:  # the default MAX_ENTRY_AGE: 48 hours
        await follow(room, feeds, "/f")
        old = item(1, pub_date=START - timedelta(hours=49))
        fresh = item(2, pub_date=START - timedelta(hours=47))
        feeds.serve("/f", rss([old, fresh, item(0)]))
        await poll(room)
        assert await alerted(room) == ["Story 2"]


async def test_an_item_edited_three_times_alerts_never(
    feeds: FeedServer, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    snapshots = [CORPUS / "edge" / f"changing_item_nodejs_snapshot{n}.xml" for n in (1, 2, 3)]
    if not snapshots[0].exists():
        pytest.skip(f"the shared feed corpus is not at {CORPUS}")
    feeds.serve("/node", snapshots[0].read_bytes())
    async with desk(tmp_path, client, max_entry_age=CENTURY) as room:
        await follow(room, feeds, "/node")
        for snapshot in snapshots[1:]:
            feeds.serve("/node", snapshot.read_bytes())
            await poll(room)
        assert await alerted(room) == []


def corpus_feeds() -> list[str]:
    return sorted(p.name for p in (CORPUS / "news").glob("*")) if CORPUS.exists() else []


@pytest.mark.skipif(not CORPUS.exists(), reason=f"the shared feed corpus is not at {CORPUS}")
@pytest.mark.parametrize("name", corpus_feeds())
async def test_real_feeds_polled_again_alert_nothing(
    name: str, feeds: FeedServer, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    body = (CORPUS / "news" / name).read_bytes()
    feeds.serve("/f", body, etag=None)  # no ETag: every poll parses the whole feed again
    async with desk(tmp_path, client, max_entry_age=CENTURY) as room:
        await follow(room, feeds, "/f")
        for _ in range(2):
            room.clock.advance(timedelta(hours=2))  # past any <ttl> hint, which caps at 2 hours
            await poll(room)
        assert await alerted(room) == []
        assert feeds.request_count("/f") == 3
