"""The private-address guard with an exempt origin: `newsbot try --offline` serves its sample
feeds on loopback, and that server alone gets through."""

from __future__ import annotations

from pathlib import Path

import httpx

from news.records import FeedConfig
from tests.fakes.feeds import FeedServer, rss
from tests.polling import desk
from web.guard import guard

ITEMS = [{"title": "Sample", "link": "https://news.example/1", "guid": "g1"}]


async def test_only_the_exempt_origin_of_a_private_address_is_fetched(
    feeds: FeedServer, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    feeds.serve("/sample", rss(ITEMS))
    own = feeds.url("/sample").removesuffix("/sample")
    other = own.rsplit(":", 1)[0] + ":9/sample"  # the same host, another port
    async with desk(tmp_path, client=guard(client, exempt={own})) as room:
        await room.add_feeds(FeedConfig(feeds.url("/sample")), FeedConfig(other))
        report = await room.poller.poll_due()
        refused = await room.feed(other)
    assert (report.feeds, report.failed) == (2, 1)
    assert feeds.request_count("/sample") == 1
    assert refused.last_error == "refused: its host is a loopback address (ALLOW_PRIVATE_FEEDS)"
