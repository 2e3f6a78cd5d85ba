"""Reading an article's own page for its key points, when its feed carries only a teaser.

Off unless the feeds file says `fetch_article = true` for the feed. The page comes through the
poller's own client (so a guarded client refuses private addresses here too), with the same size
cap and its own deadline; a failed page is no failure of the feed: the feed's own points stand.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

import httpx

from news.page import decode_page, page_points
from web.fetch import Fetched, FetchFailed, fetch
from web.guard import PrivateAddress

log = logging.getLogger(__name__)

# An article page, not a feed: HTML first.
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# Pages up to this size are parsed in the loop (a 100 KB page takes a few milliseconds); a
# bigger one goes to a thread so that commands keep being answered meanwhile.
INLINE_PAGE_BYTES = 256_000


@dataclass(slots=True)
class PageReader:
    """Fetches article pages, at most `concurrency` at once across all feeds."""

    client: httpx.AsyncClient
    max_bytes: int = 5_000_000
    deadline_seconds: float = 10.0
    concurrency: int = 10
    _limit: asyncio.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        self._limit = asyncio.Semaphore(self.concurrency)

    async def points(
        self,
        link: str,
        *,
        title: str,
        labels: Sequence[str],
        fallback: tuple[str, ...],
        feed: str,
    ) -> tuple[str, ...]:
        """The page's key points, or `fallback` (the feed's own) when the page cannot be used."""
        async with self._limit:
            page = await self._get(link)
        if isinstance(page, FetchFailed):
            # INFO, not WARNING: the alert still goes out with the feed's text. Each article is
            # asked for once (only new entries are), so this is one line per article.
            where = {"feed": feed, "link": link, "reason": page.reason}
            log.info("article page not used", extra={"fields": where})
            return fallback
        read = partial(_points, page, title=title, labels=labels, fallback=fallback)
        if len(page.body) <= INLINE_PAGE_BYTES:
            return read()
        return await asyncio.to_thread(read)

    async def _get(self, link: str) -> Fetched | FetchFailed:
        try:
            result = await fetch(
                self.client,
                link,
                max_bytes=self.max_bytes,
                deadline_seconds=self.deadline_seconds,
                accept=PAGE_ACCEPT,
            )
        except PrivateAddress as refusal:
            return FetchFailed(f"refused: {refusal}", None, None)
        if not isinstance(result, Fetched):  # no validators are sent, so a 304 is a server bug
            return result if isinstance(result, FetchFailed) else FetchFailed("HTTP 304", 304, None)
        content_type = result.headers.get("content-type", "").lower()
        if content_type and not content_type.startswith(_HTML_TYPES):
            return FetchFailed(f"not an HTML page ({content_type.split(';')[0]})", None, None)
        return result


def _points(
    page: Fetched, *, title: str, labels: Sequence[str], fallback: tuple[str, ...]
) -> tuple[str, ...]:
    html = decode_page(page.body, page.headers.get("content-type"))
    return page_points(html, title=title, labels=labels, fallback=fallback)
