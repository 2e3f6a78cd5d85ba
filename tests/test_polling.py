"""Polling against a fault-injecting feed server: each feed ends in the state the rules say."""

from __future__ import annotations

import resource
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from news.records import FeedConfig
from tests.bombs import BOMB
from tests.fakes.feeds import FeedServer, rss
from tests.polling import INTERVAL, START, Desk, desk
from web.guard import guard

pytestmark = pytest.mark.usefixtures("database_kind")

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "feeds"
ITEMS = [
    {"title": f"Story {n}", "link": f"https://news.example/{n}", "guid": f"g{n}"} for n in range(5)
]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def test_every_fault_leaves_its_feed_in_the_documented_state(
    feeds: FeedServer, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    good = rss(ITEMS)
    for path in ("/good", "/slow", "/e500", "/garbage", "/cut", "/e429", "/old", "/new", "/e410"):
        feeds.serve(path, good)
    feeds.fault("/slow", delay=5)
    feeds.fault("/e500", status=500)
    feeds.serve("/garbage", b"\x00\x01 this is not xml at all {][", content_type="text/xml")
    feeds.serve("/cut", b"<?xml version='1.0'?><rss><channel><title>Cut</title><item><title>A")
    feeds.fault("/e429", status=429, headers={"Retry-After": "600"})
    feeds.fault("/old", status=301, headers={"Location": feeds.url("/new")})
    feeds.fault("/e410", status=410)
    feeds.fault("/huge", endless=True)
    feeds.serve("/bomb", BOMB)
    paths = [
        "/good",
        "/slow",
        "/e500",
        "/garbage",
        "/cut",
        "/e429",
        "/old",
        "/e410",
        "/huge",
        "/bomb",
    ]
    before = peak_rss_mb()

    async with desk(tmp_path, client, deadline_seconds=0.5, max_bytes=5_000_000) as room:
        await room.add_feeds(*(FeedConfig(feeds.url(p), ("World",)) for p in paths))
        report = await room.poller.poll_due()
        assert (report.feeds, report.failed) == (10, 8)
        state = {p: await room.feed(feeds.url(p)) for p in paths if p != "/old"}
        moved = await room.feed(feeds.url("/new"))

        healthy = state["/good"]
        assert healthy.error_count == 0 and healthy.last_success_at == START
        assert healthy.next_check_at == START + INTERVAL
        for path, error in [
            ("/slow", "timed out"),
            ("/e500", "HTTP 500"),
            ("/garbage", "malformed XML"),
            ("/cut", "malformed XML"),
            ("/huge", "body over 5 MB"),
            ("/bomb", "entity expansion"),
        ]:
            assert error in (state[path].last_error or ""), path
            assert state[path].error_count == 1 and state[path].enabled
            assert state[path].next_check_at == START + 2 * INTERVAL, path  # backoff
        assert state["/e429"].next_check_at == START + timedelta(seconds=600)
        assert moved.last_success_at == START and moved.error_count == 0
        gone = state["/e410"]
        assert (gone.enabled, gone.disabled_reason) == (False, "gone (HTTP 410)")
        assert len(room.told) == 1 and "Feed disabled" in room.told[0]
        assert feeds.url("/e410") in room.told[0]

        # A minute later only the healthy feeds are due; the failing ones wait out their backoff.
        room.clock.advance(INTERVAL)
        requests = {p: feeds.request_count(p) for p in ("/good", "/new", "/e500", "/e410")}
        await room.poller.poll_due()
        assert feeds.request_count("/good") == requests["/good"] + 1
        assert feeds.request_count("/new") == requests["/new"] + 1  # the moved feed's new home
        assert feeds.request_count("/e500") == requests["/e500"]
        assert feeds.request_count("/e410") == requests["/e410"]  # disabled: never again
        assert len(room.told) == 1

    # The 50 MB stream was cut at the cap: memory grew by far less than the body.
    assert peak_rss_mb() - before < 100


async def test_validators_go_back_exactly_and_a_304_changes_nothing(
    feeds: FeedServer, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    feeds.serve(
        "/feed", rss(ITEMS), etag='W/"v1-abc"', last_modified="Tue, 24 Jun 2024 09:30:00 GMT"
    )
    async with desk(tmp_path, client) as room:
        await room.add_feeds(FeedConfig(feeds.url("/feed"), ("World",)))
        await room.poller.poll_due()
        room.clock.advance(INTERVAL)
        report = await room.poller.poll_due()
        assert report.new_articles == 0
    second = feeds.requests("/feed")[1]
    assert second["if-none-match"] == 'W/"v1-abc"'
    assert second["if-modified-since"] == "Tue, 24 Jun 2024 09:30:00 GMT"


async def test_publisher_ttl_slows_polling_within_bounds(
    feeds: FeedServer, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    with_ttl = rss(ITEMS).replace(b"<channel>", b"<channel><ttl>30</ttl>", 1)
    feeds.serve("/ttl", with_ttl)
    feeds.serve("/cache", rss(ITEMS), etag=None)
    async with desk(tmp_path, client) as room:
        await room.add_feeds(FeedConfig(feeds.url("/ttl")), FeedConfig(feeds.url("/cache")))
        await room.poller.poll_due()
        ttl = await room.feed(feeds.url("/ttl"))
        assert ttl.next_check_at == START + timedelta(minutes=30)
        assert (await room.feed(feeds.url("/cache"))).next_check_at == START + INTERVAL


async def test_admins_hear_once_about_a_feed_failing_for_days(
    feeds: FeedServer, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    feeds.fault("/down", status=503)
    async with desk(tmp_path, client) as room:
        url = feeds.url("/down")
        await room.add_feeds(FeedConfig(url))
        polls = 0
        while room.clock.now - START < timedelta(days=5):
            await room.poller.poll_due()
            polls += 1
            room.clock.now = max(room.clock.now + INTERVAL, await due(room, url))
        assert len(room.told) == 1 and "failing since" in room.told[0]
        # The backoff kept it polite: about hourly (64 intervals), not 7,200 times a minute apart.
        assert polls < 5 * 24 + 10

        feeds.serve("/down", rss(ITEMS))  # it comes back ...
        await room.poller.poll_due()
        recovered = await room.state(url)
        assert recovered.failing_since is None and recovered.admins_told_at is None
        feeds.fault("/down", status=503)  # ... and a later outage is reported again
        start = room.clock.now
        while room.clock.now - start < timedelta(days=4):
            room.clock.now = max(room.clock.now + INTERVAL, await due(room, url))
            await room.poller.poll_due()
        assert len(room.told) == 2


async def due(room: Desk, url: str) -> datetime:
    """When the feed is polled next."""
    due = (await room.feed(url)).next_check_at
    assert due is not None
    return due


async def test_one_host_is_never_sent_more_than_two_requests_at_once(
    feeds: FeedServer, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    paths = [f"/slow{n}" for n in range(6)]
    for path in paths:
        feeds.serve(path, rss(ITEMS))
        feeds.fault(path, delay=0.2, body=rss(ITEMS))
    async with desk(tmp_path, client, per_host=2, concurrency=10) as room:
        await room.add_feeds(*(FeedConfig(feeds.url(p)) for p in paths))
        report = await room.poller.poll_due()
    assert (report.feeds, report.failed) == (6, 0)
    assert feeds.most_in_flight == 2


async def test_a_feed_that_points_at_a_private_address_is_not_fetched(
    feeds: FeedServer, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    feeds.serve("/internal", rss(ITEMS))
    async with desk(tmp_path, client=guard(client)) as room:  # as without ALLOW_PRIVATE_FEEDS
        await room.add_feeds(FeedConfig(feeds.url("/internal")))
        report = await room.poller.poll_due()
        state = await room.feed(feeds.url("/internal"))
    assert report.failed == 1 and feeds.request_count("/internal") == 0
    assert state.last_error == "refused: its host is a loopback address (ALLOW_PRIVATE_FEEDS)"
