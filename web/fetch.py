"""Fetching one feed over HTTP: conditional GET, redirects, size and time limits, no exceptions.

Network and HTTP problems come back as FetchFailed values (a broken feed is data for the poller's
backoff, never a crash of the batch); only programming errors propagate.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx

_MAX_REDIRECTS = 5
_CONNECT_TIMEOUT_SECONDS = 10.0
# Feed types first; */* last so a server that knows nothing better still answers.
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5"
)
_PERMANENT = frozenset({301, 308})  # RFC 9110 §15.4.2, RFC 7538: update the stored address
_RETRY_AFTER_STATUSES = frozenset({429, 503})


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # final URL after redirects: the base for relative links
    body: bytes
    headers: dict[str, str]  # lower-case names
    etag: str | None
    last_modified: str | None
    status: int
    permanent_redirect: str | None  # the new address when the first hops were 301/308


@dataclass(frozen=True, slots=True)
class NotModified:
    """HTTP 304: the feed is unchanged; the validators to send next time."""

    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class FetchFailed:
    reason: str  # short and human, never the URL (it may carry a token)
    status: int | None
    retry_after_seconds: float | None


FetchResult = Fetched | NotModified | FetchFailed


def make_client(*, user_agent: str, timeout_seconds: float = 15.0) -> httpx.AsyncClient:
    """One shared client for all feeds (connection pooling); no cookies between feeds.

    httpx follows no redirects by default and allows 20; feeds move, but a long chain is a loop
    or a trap (https://www.python-httpx.org/api/#asyncclient). Only gzip is offered: every
    server speaks it and httpx decodes it without optional packages.
    """
    return httpx.AsyncClient(
        follow_redirects=True,
        max_redirects=_MAX_REDIRECTS,
        timeout=httpx.Timeout(
            timeout_seconds, connect=min(timeout_seconds, _CONNECT_TIMEOUT_SECONDS)
        ),
        headers={"User-Agent": user_agent, "Accept": _ACCEPT, "Accept-Encoding": "gzip"},
        # A feed reader keeps no cookies (one publisher's cookie must not reach another's feed).
        cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
    )


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = 5_000_000,
    deadline_seconds: float = 30.0,
    accept: str | None = None,
) -> FetchResult:
    """GET one feed, conditionally when validators from the last fetch are known.

    `accept` replaces the client's feed-first Accept header (an article page asks for HTML).
    """
    if not url.lower().startswith(("http://", "https://")):
        return FetchFailed("unsupported URL scheme", None, None)
    headers = _conditional_headers(etag, last_modified)
    if accept is not None:
        headers["Accept"] = accept
    try:
        async with asyncio.timeout(deadline_seconds):
            return await _get(client, url, headers, max_bytes)
    except (TimeoutError, httpx.TimeoutException):
        return FetchFailed("timed out", None, None)
    except httpx.TooManyRedirects:
        return FetchFailed("too many redirects", None, None)
    except httpx.ConnectError as exc:
        return FetchFailed(_connect_reason(exc), None, None)
    except httpx.UnsupportedProtocol:
        return FetchFailed("redirected to an unsupported URL scheme", None, None)
    except httpx.RemoteProtocolError:
        return FetchFailed("connection closed mid-response", None, None)
    except httpx.DecodingError:
        return FetchFailed("body does not match its Content-Encoding", None, None)
    except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
        # httpx's own message can contain the URL; the class name is enough to act on.
        return FetchFailed(f"network error ({type(exc).__name__})", None, None)


def _conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """Validators go back exactly as received: ETag quotes are part of the value."""
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


async def _get(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], max_bytes: int
) -> FetchResult:
    async with client.stream("GET", url, headers=headers) as response:
        status = response.status_code
        if status == 304:
            return NotModified(
                etag=response.headers.get("etag") or headers.get("If-None-Match"),
                last_modified=response.headers.get("last-modified")
                or headers.get("If-Modified-Since"),
            )
        if not 200 <= status < 300:
            return _http_failure(response)
        if _declared_length(response) > max_bytes:
            return FetchFailed(f"body over {_size_text(max_bytes)}", status, None)
        body = await _read_capped(response, max_bytes)
        if body is None:
            return FetchFailed(f"body over {_size_text(max_bytes)}", status, None)
        return Fetched(
            url=str(response.url),
            body=body,
            headers=dict(response.headers),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            status=status,
            permanent_redirect=_permanent_redirect(response),
        )


def _http_failure(response: httpx.Response) -> FetchFailed:
    retry_after = None
    if response.status_code in _RETRY_AFTER_STATUSES:
        retry_after = retry_after_seconds(response.headers.get("retry-after"), datetime.now(UTC))
    return FetchFailed(f"HTTP {response.status_code}", response.status_code, retry_after)


def _declared_length(response: httpx.Response) -> int:
    try:
        return int(response.headers.get("content-length", "0"))
    except ValueError:
        return 0


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes | None:
    """The decoded body, or None as soon as it grows past max_bytes (a gzip bomb counts too)."""
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > max_bytes:
            return None
    return bytes(body)


def _permanent_redirect(response: httpx.Response) -> str | None:
    """Where the leading run of 301/308 hops ended; a 302/307 on the way keeps the old address
    (feedparser docs/http-redirect.rst: only a permanent redirect updates the subscription)."""
    new_url = None
    hops = response.history
    for index, hop in enumerate(hops):
        if hop.status_code not in _PERMANENT:
            break
        target = hops[index + 1].url if index + 1 < len(hops) else response.url
        new_url = str(target)
    return new_url


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds from `now`: delay-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" dates parse naive; HTTP dates are always GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _connect_reason(exc: httpx.ConnectError) -> str:
    """A fixed phrase per kind of connection failure, from the OS error httpx wraps (anyio
    words a refused connection as "All connection attempts failed"; the cause says why)."""
    cause: BaseException | None = exc
    for _ in range(10):  # a cause chain is short; the bound guards against a cycle
        if cause is None:
            break
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return "host not found"
        if isinstance(cause, ssl.SSLError):
            return "TLS error"
        cause = cause.__cause__ or cause.__context__
    return "connection failed"


def _size_text(limit: int) -> str:
    return f"{limit / 1_000_000:g} MB" if limit >= 1_000_000 else f"{limit:,} bytes"
