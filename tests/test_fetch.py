"""web.fetch against a real local HTTP server with the faults publishers really have."""

from __future__ import annotations

import gzip
import socket
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx

from tests.fakes.feeds import FeedServer, rss
from web.fetch import (
    Fetched,
    FetchFailed,
    NotModified,
    fetch,
    make_client,
    retry_after_seconds,
)

FEED = rss([{"title": "One", "guid": "1", "link": "https://example.org/1"}])


async def test_200_then_304_with_the_etag(feeds: FeedServer, client: httpx.AsyncClient) -> None:
    feeds.serve("/feed.xml", FEED)

    first = await fetch(client, feeds.url("/feed.xml"))
    assert isinstance(first, Fetched)
    assert (first.status, first.body, first.permanent_redirect) == (200, FEED, None)
    assert first.etag is not None and first.etag.startswith('"')
    assert first.headers["content-type"].startswith("application/rss+xml")

    second = await fetch(client, feeds.url("/feed.xml"), etag=first.etag)
    assert second == NotModified(etag=first.etag, last_modified=None)
    # The validator goes back exactly as received, quotes included.
    assert feeds.requests("/feed.xml")[1]["if-none-match"] == first.etag


async def test_polite_request_headers(feeds: FeedServer, client: httpx.AsyncClient) -> None:
    feeds.serve("/feed.xml", FEED)
    await fetch(client, feeds.url("/feed.xml"))
    sent = feeds.requests("/feed.xml")[0]
    assert sent["user-agent"].startswith("newsbot-tests/1")
    assert sent["accept-encoding"] == "gzip"
    assert "application/rss+xml" in sent["accept"]
    assert "if-none-match" not in sent and "if-modified-since" not in sent


async def test_changed_body_is_fetched_again(feeds: FeedServer, client: httpx.AsyncClient) -> None:
    feeds.serve("/feed.xml", FEED)
    first = await fetch(client, feeds.url("/feed.xml"))
    assert isinstance(first, Fetched)
    newer = rss([{"title": "Two", "guid": "2"}])
    feeds.serve("/feed.xml", newer)
    second = await fetch(client, feeds.url("/feed.xml"), etag=first.etag)
    assert isinstance(second, Fetched) and second.body == newer


async def test_last_modified_round_trip(feeds: FeedServer, client: httpx.AsyncClient) -> None:
    stamp = "Wed, 21 Oct 2015 07:28:00 GMT"
    feeds.serve("/feed.xml", FEED, etag=None, last_modified=stamp)

    first = await fetch(client, feeds.url("/feed.xml"))
    assert isinstance(first, Fetched)
    assert (first.etag, first.last_modified) == (None, stamp)

    second = await fetch(client, feeds.url("/feed.xml"), last_modified=first.last_modified)
    assert second == NotModified(etag=None, last_modified=stamp)
    assert feeds.requests("/feed.xml")[1]["if-modified-since"] == stamp


async def test_http_500(feeds: FeedServer, client: httpx.AsyncClient) -> None:
    feeds.fault("/feed.xml", status=500, body=b"oops")
    assert await fetch(client, feeds.url("/feed.xml")) == FetchFailed("HTTP 500", 500, None)


async def test_404_when_nothing_is_served(feeds: FeedServer, client: httpx.AsyncClient) -> None:
    assert await fetch(client, feeds.url("/nothing.xml")) == FetchFailed("HTTP 404", 404, None)


async def test_429_retry_after_seconds(feeds: FeedServer, client: httpx.AsyncClient) -> None:
    feeds.fault("/feed.xml", status=429, headers={"Retry-After": "120"})
    assert await fetch(client, feeds.url("/feed.xml")) == FetchFailed("HTTP 429", 429, 120.0)


async def test_503_retry_after_http_date(feeds: FeedServer, client: httpx.AsyncClient) -> None:
    later = datetime.now(UTC) + timedelta(seconds=600)
    feeds.fault("/feed.xml", status=503, headers={"Retry-After": format_datetime(later, True)})
    result = await fetch(client, feeds.url("/feed.xml"))
    assert isinstance(result, FetchFailed)
    assert (result.reason, result.status) == ("HTTP 503", 503)
    assert result.retry_after_seconds is not None
    assert 590 <= result.retry_after_seconds <= 600


def test_retry_after_parsing() -> None:
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("30", now) == 30.0
    assert retry_after_seconds("Wed, 01 May 2024 12:02:00 GMT", now) == 120.0
    assert retry_after_seconds("Wed, 01 May 2024 11:00:00 GMT", now) == 0.0  # already past
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds("-5", now) is None
    assert retry_after_seconds(None, now) is None


async def test_301_reports_the_new_address(feeds: FeedServer, client: httpx.AsyncClient) -> None:
    feeds.serve("/new.xml", FEED)
    feeds.fault("/old.xml", status=301, headers={"Location": "/new.xml"})
    result = await fetch(client, feeds.url("/old.xml"))
    assert isinstance(result, Fetched)
    assert result.body == FEED
    assert result.url == result.permanent_redirect == feeds.url("/new.xml")


async def test_308_then_302_keeps_the_permanent_hop(
    feeds: FeedServer, client: httpx.AsyncClient
) -> None:
    feeds.serve("/final.xml", FEED)
    feeds.fault("/old.xml", status=308, headers={"Location": "/moved.xml"})
    feeds.fault("/moved.xml", status=302, headers={"Location": "/final.xml"})
    result = await fetch(client, feeds.url("/old.xml"))
    assert isinstance(result, Fetched)
    assert result.url == feeds.url("/final.xml")
    assert result.permanent_redirect == feeds.url("/moved.xml")


async def test_302_is_not_permanent(feeds: FeedServer, client: httpx.AsyncClient) -> None:
    feeds.serve("/mirror.xml", FEED)
    feeds.fault("/feed.xml", status=302, headers={"Location": "/mirror.xml"})
    result = await fetch(client, feeds.url("/feed.xml"))
    assert isinstance(result, Fetched)
    assert (result.url, result.permanent_redirect) == (feeds.url("/mirror.xml"), None)


async def test_redirect_loop(feeds: FeedServer, client: httpx.AsyncClient) -> None:
    feeds.fault("/a.xml", status=302, headers={"Location": "/b.xml"})
    feeds.fault("/b.xml", status=302, headers={"Location": "/a.xml"})
    result = await fetch(client, feeds.url("/a.xml"))
    assert result == FetchFailed("too many redirects", None, None)
    assert feeds.request_count("/a.xml") + feeds.request_count("/b.xml") == 6  # 1 + 5 hops


async def test_410_gone(feeds: FeedServer, client: httpx.AsyncClient) -> None:
    feeds.fault("/feed.xml", status=410)
    assert await fetch(client, feeds.url("/feed.xml")) == FetchFailed("HTTP 410", 410, None)


async def test_slow_server_hits_the_deadline(feeds: FeedServer, client: httpx.AsyncClient) -> None:
    feeds.serve("/feed.xml", FEED)
    feeds.fault("/feed.xml", delay=5)
    started = time.monotonic()
    result = await fetch(client, feeds.url("/feed.xml"), deadline_seconds=0.3)
    assert result == FetchFailed("timed out", None, None)
    assert time.monotonic() - started < 2


async def test_httpx_read_timeout(feeds: FeedServer) -> None:
    feeds.serve("/feed.xml", FEED)
    feeds.fault("/feed.xml", delay=5)
    async with make_client(user_agent="t", timeout_seconds=0.2) as quick:
        result = await fetch(quick, feeds.url("/feed.xml"))
    assert result == FetchFailed("timed out", None, None)


async def test_endless_body_is_cut_at_max_bytes(
    feeds: FeedServer, client: httpx.AsyncClient
) -> None:
    feeds.fault("/feed.xml", endless=True)
    tracemalloc.start()
    try:
        result = await fetch(client, feeds.url("/feed.xml"), max_bytes=500_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result == FetchFailed("body over 500,000 bytes", 200, None)
    assert peak < 5_000_000  # the client stopped reading instead of buffering the stream


async def test_declared_length_over_the_cap(feeds: FeedServer, client: httpx.AsyncClient) -> None:
    feeds.serve("/big.xml", b"<rss>" + b" " * 6_000_000 + b"</rss>")
    result = await fetch(client, feeds.url("/big.xml"))
    assert result == FetchFailed("body over 5 MB", 200, None)


async def test_gzip_body_is_decoded(feeds: FeedServer, client: httpx.AsyncClient) -> None:
    feeds.serve("/feed.xml", FEED)
    feeds.fault("/feed.xml", body=gzip.compress(FEED), headers={"Content-Encoding": "gzip"})
    result = await fetch(client, feeds.url("/feed.xml"))
    assert isinstance(result, Fetched) and result.body == FEED


async def test_gzip_bomb_is_cut_at_max_bytes(feeds: FeedServer, client: httpx.AsyncClient) -> None:
    bomb = gzip.compress(b" " * 20_000_000)  # about 20 KB on the wire
    feeds.fault("/feed.xml", body=bomb, headers={"Content-Encoding": "gzip"})
    result = await fetch(client, feeds.url("/feed.xml"), max_bytes=1_000_000)
    assert result == FetchFailed("body over 1 MB", 200, None)


async def test_truncated_body(feeds: FeedServer, client: httpx.AsyncClient) -> None:
    feeds.serve("/feed.xml", FEED)
    feeds.fault("/feed.xml", truncate_at=40)
    result = await fetch(client, feeds.url("/feed.xml"))
    assert result == FetchFailed("connection closed mid-response", None, None)


async def test_fault_cleared_by_serve(feeds: FeedServer, client: httpx.AsyncClient) -> None:
    feeds.fault("/feed.xml", status=500)
    feeds.serve("/feed.xml", FEED)
    assert isinstance(await fetch(client, feeds.url("/feed.xml")), Fetched)


async def test_connection_refused(client: httpx.AsyncClient) -> None:
    with socket.socket() as sock:  # bind, learn the port, close: nothing listens there now
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = await fetch(client, f"http://127.0.0.1:{port}/feed.xml")
    assert result == FetchFailed("connection refused", None, None)


async def test_only_http_urls(client: httpx.AsyncClient) -> None:
    for url in ("file:///etc/passwd", "ftp://example.org/feed.xml", "feed.xml"):
        assert await fetch(client, url) == FetchFailed("unsupported URL scheme", None, None)


async def test_redirect_to_another_scheme(feeds: FeedServer, client: httpx.AsyncClient) -> None:
    feeds.fault("/feed.xml", status=301, headers={"Location": "file:///etc/passwd"})
    result = await fetch(client, feeds.url("/feed.xml"))
    assert isinstance(result, FetchFailed)
    assert result.reason == "redirected to an unsupported URL scheme"


async def test_no_cookies_are_kept(feeds: FeedServer, client: httpx.AsyncClient) -> None:
    feeds.serve("/feed.xml", FEED)
    feeds.fault("/feed.xml", headers={"Set-Cookie": "session=abc; Path=/"})
    await fetch(client, feeds.url("/feed.xml"))
    await fetch(client, feeds.url("/feed.xml"))
    assert all("cookie" not in sent for sent in feeds.requests("/feed.xml"))
