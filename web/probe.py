"""Check a URL before it becomes a feed: fetch it once, parse it, follow a page's feed link.

Used by /addfeed and `newsbot feeds add|check`; nothing is stored here. Every way a URL can be
unusable comes back as a Refused value with a kind the caller words for its audience.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

import httpx

from news.discovery import feed_links
from news.feedparse import FeedParseError, parse_feed
from news.records import ParsedFeed
from web.fetch import Fetched, FetchFailed, fetch, make_client
from web.guard import PrivateAddress, guard

MAX_URL_CHARS = 2048  # the feeds table's url column


class Problem(StrEnum):
    NOT_A_URL = "not a URL"
    PRIVATE = "private address"
    UNREACHABLE = "unreachable"
    HTTP_ERROR = "HTTP error"
    NOT_A_FEED = "not a feed"


@dataclass(frozen=True, slots=True)
class Probed:
    url: str  # the address to store: the feed found, after any permanent redirect
    feed: ParsedFeed
    found_via: str | None = None  # the web page whose <link rel="alternate"> led to the feed


@dataclass(frozen=True, slots=True)
class Refused:
    problem: Problem
    detail: str  # a short phrase: "HTTP 404", "connection refused", "its host is ..."
    url: str  # the URL this is about (the page's feed link when discovery led there)


@dataclass(frozen=True, slots=True)
class _Loaded:
    fetched: Fetched
    feed: ParsedFeed | None  # None: the body is no feed, for the reason in `error`
    error: str = ""


@dataclass(frozen=True, slots=True)
class Prober:
    user_agent: str
    allow_private: bool = False
    max_bytes: int = 5_000_000

    async def probe(self, url: str) -> Probed | Refused:
        """Fetch and parse `url`; a web page that names its feed is followed, once."""
        url = url.strip()
        problem = url_problem(url)
        if problem is not None:
            return Refused(Problem.NOT_A_URL, problem, url)
        # A client per check: checks are rare, and the poller's shared client stays as it is.
        async with make_client(user_agent=self.user_agent) as client:
            if not self.allow_private:
                guard(client)
            page = await self._load(client, url)
            if isinstance(page, Refused):
                return page
            if page.feed is not None:
                return Probed(page.fetched.permanent_redirect or url, page.feed)
            links = feed_links(page.fetched.body, page.fetched.url)
            if not links:
                return Refused(Problem.NOT_A_FEED, page.error, url)
            found = await self._load(client, links[0])
            if isinstance(found, Refused):
                return found
            if found.feed is None:
                return Refused(Problem.NOT_A_FEED, found.error, links[0])
            return Probed(found.fetched.permanent_redirect or links[0], found.feed, found_via=url)

    async def _load(self, client: httpx.AsyncClient, url: str) -> _Loaded | Refused:
        try:
            result = await fetch(client, url, max_bytes=self.max_bytes)
        except PrivateAddress as refusal:
            return Refused(Problem.PRIVATE, str(refusal), url)
        if isinstance(result, FetchFailed):
            http = result.status is not None and result.status >= 300
            return Refused(Problem.HTTP_ERROR if http else Problem.UNREACHABLE, result.reason, url)
        if not isinstance(result, Fetched):  # a 304 needs validators, and none were sent
            return Refused(Problem.HTTP_ERROR, "HTTP 304 to a plain GET", url)
        try:
            # feedparser is CPU-bound: keep the event loop free for other chats.
            feed = await asyncio.to_thread(parse_feed, result.url, result.body, result.headers)
        except FeedParseError as error:
            return _Loaded(result, None, str(error))
        return _Loaded(result, feed)


def url_problem(url: str) -> str | None:
    """Why this text cannot be a feed address, or None when it is an http(s) URL with a host."""
    if not url or any(char.isspace() for char in url):
        return "it is not a single web address"
    if len(url) > MAX_URL_CHARS:
        return f"it is longer than {MAX_URL_CHARS} characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not 0-65535
    except ValueError:
        return "it is not a valid URL"
    if not parts.scheme or not parts.netloc:
        return "it is not a web address (those start with https:// or http://)"
    if parts.scheme.lower() not in ("http", "https"):
        return "only http:// and https:// addresses can be feeds"
    if not parts.hostname:
        return "it has no host name"
    return None
