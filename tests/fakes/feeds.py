"""A local feed server for tests: real HTTP on 127.0.0.1, with the faults real publishers have.

async with FeedServer() as server:
    server.serve("/feed.xml", rss([{"title": "Hello", "guid": "1"}]))
    server.fault("/busy.xml", status=429, headers={"Retry-After": "120"})
    result = await fetch(client, server.url("/feed.xml"))
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from types import TracebackType
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from aiohttp import web

_CHUNK = b"<!-- endless -->" * 4096  # 64 KiB per write for endless bodies
_ENDLESS_SAFETY_BYTES = 2_000_000_000  # an endless body still ends, should a client never stop


@dataclass
class _Served:
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None


@dataclass
class _Fault:
    status: int | None
    delay: float
    body: bytes | None
    headers: dict[str, str] = field(default_factory=dict)
    truncate_at: int | None = None
    endless: bool = False


class FeedServer:
    """An aiohttp server on a free port; what each path answers can change at any time."""

    def __init__(self) -> None:
        self._served: dict[str, _Served] = {}
        self._faults: dict[str, _Fault] = {}
        self._requests: dict[str, list[dict[str, str]]] = {}
        self._times: dict[str, list[float]] = {}
        self._arrived: asyncio.Condition | None = None
        self._in_flight = 0
        self.most_in_flight = 0  # the most faulty (e.g. slow) requests served at once
        self._runner: web.AppRunner | None = None
        self._port = 0

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # handler_cancellation: a client that gave up must not leave a slow handler sleeping
        # until shutdown; shutdown_timeout keeps stop() quick with endless handlers running.
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=0.5
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FeedServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._port}{path}"

    def serve(
        self,
        path: str,
        body: bytes,
        *,
        content_type: str = "application/rss+xml; charset=utf-8",
        etag: str | None = "auto",
        last_modified: str | None = None,
    ) -> None:
        """Answer GET `path` with `body` (and clear any fault there).

        etag="auto" sends an ETag derived from the body, None sends none, any other string is
        sent as is; If-None-Match / If-Modified-Since matching the current values answer 304.
        """
        if etag == "auto":
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        self._served[path] = _Served(body, content_type, etag, last_modified)
        self._faults.pop(path, None)

    def fault(
        self,
        path: str,
        *,
        status: int | None = None,
        delay: float = 0,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        truncate_at: int | None = None,
        endless: bool = False,
    ) -> None:
        """Make `path` misbehave until serve() is called for it again.

        status/body/headers replace the answer (status None means 200 when there is a body to
        send, 500 when nothing is served); delay sleeps in the server first; truncate_at
        declares the full Content-Length but drops the connection after that many bytes;
        endless streams a chunked body until the client goes away.
        """
        self._faults[path] = _Fault(status, delay, body, dict(headers or {}), truncate_at, endless)

    def requests(self, path: str) -> list[dict[str, str]]:
        """Headers (lower-case names) of each request made to `path`, oldest first."""
        return list(self._requests.get(path, []))

    def arrivals(self, path: str) -> list[float]:
        """When each request to `path` arrived (time.monotonic), oldest first."""
        return list(self._times.get(path, []))

    def request_count(self, path: str) -> int:
        return len(self._requests.get(path, []))

    async def wait_for_requests(self, path: str, count: int, timeout: float = 10.0) -> None:
        """Await the count-th request to path (a second poll means the first one finished)."""
        arrived = self._condition()
        async with asyncio.timeout(timeout), arrived:
            await arrived.wait_for(lambda: self.request_count(path) >= count)

    def _condition(self) -> asyncio.Condition:
        if self._arrived is None:  # created inside the running loop, on first use
            self._arrived = asyncio.Condition()
        return self._arrived

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        headers = {name.lower(): value for name, value in request.headers.items()}
        self._requests.setdefault(request.path, []).append(headers)
        self._times.setdefault(request.path, []).append(time.monotonic())
        arrived = self._condition()
        async with arrived:
            arrived.notify_all()
        fault = self._faults.get(request.path)
        if fault is None:
            return self._answer(request.path, headers)
        self._in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self._in_flight)
        try:
            return await self._misbehave(request, fault)
        finally:
            self._in_flight -= 1

    def _answer(self, path: str, headers: dict[str, str]) -> web.Response:
        served = self._served.get(path)
        if served is None:
            return web.Response(status=404, text="no such feed")
        validators: dict[str, str] = {}
        if served.etag is not None:
            validators["ETag"] = served.etag
        if served.last_modified is not None:
            validators["Last-Modified"] = served.last_modified
        if _not_modified(served, headers):
            return web.Response(status=304, headers=validators)
        return web.Response(
            body=served.body, headers={"Content-Type": served.content_type, **validators}
        )

    async def _misbehave(self, request: web.Request, fault: _Fault) -> web.StreamResponse:
        if fault.delay:
            await asyncio.sleep(fault.delay)  # the slowness is the fault being simulated
        served = self._served.get(request.path)
        body = fault.body if fault.body is not None else (served.body if served else b"")
        has_body = served is not None or fault.body is not None or fault.endless
        status = fault.status or (200 if has_body else 500)
        content_type = served.content_type if served else "application/rss+xml"
        headers = {"Content-Type": content_type, **fault.headers}
        if fault.endless:
            return await _stream_endless(request, status, headers)
        if fault.truncate_at is not None:
            return await _send_truncated(request, status, headers, body, fault.truncate_at)
        return web.Response(status=status, body=body, headers=headers)


def _not_modified(served: _Served, headers: dict[str, str]) -> bool:
    """Exact comparison of validators, as most feed servers do it."""
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        return served.etag is not None and if_none_match == served.etag
    if_modified_since = headers.get("if-modified-since")
    return if_modified_since is not None and if_modified_since == served.last_modified


async def _stream_endless(
    request: web.Request, status: int, headers: dict[str, str]
) -> web.StreamResponse:
    response = web.StreamResponse(status=status, headers=headers)
    response.enable_chunked_encoding()
    await response.prepare(request)
    sent = 0
    try:
        while sent < _ENDLESS_SAFETY_BYTES:
            await response.write(_CHUNK)
            sent += len(_CHUNK)
    except ConnectionError:  # the client stopped reading and closed: the expected way out
        pass
    return response


async def _send_truncated(
    request: web.Request, status: int, headers: dict[str, str], body: bytes, cut: int
) -> web.StreamResponse:
    response = web.StreamResponse(status=status, headers=headers)
    response.content_length = len(body)
    await response.prepare(request)
    await response.write(body[:cut])
    # Closing the transport mid-body is how a crashed upstream looks to the client.
    if request.transport is not None:
        request.transport.close()
    return response


def rss(
    items: Sequence[dict[str, Any]],
    *,
    title: str = "Test feed",
    link: str = "https://example.org/",
) -> bytes:
    """An RSS 2.0 document. Item keys (all optional): title, link, guid, description (HTML),
    content (HTML for content:encoded), categories (list of str), pub_date (datetime), image
    (a URL for media:content)."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:media="http://search.yahoo.com/mrss/">\n'
        f"<channel><title>{escape(title)}</title><link>{escape(link)}</link>"
        "<description>Built by tests</description>\n"
    ]
    parts.extend(_rss_item(item) for item in items)
    parts.append("</channel></rss>\n")
    return "".join(parts).encode("utf-8")


def _rss_item(item: dict[str, Any]) -> str:
    fields = ["<item>"]
    for key, tag in (("title", "title"), ("link", "link"), ("description", "description")):
        if key in item:
            fields.append(f"<{tag}>{escape(item[key])}</{tag}>")
    if "guid" in item:
        fields.append(f'<guid isPermaLink="false">{escape(item["guid"])}</guid>')
    if "content" in item:
        fields.append(f"<content:encoded>{escape(item['content'])}</content:encoded>")
    fields.extend(f"<category>{escape(term)}</category>" for term in item.get("categories", ()))
    if "image" in item:
        fields.append(f'<media:content url={quoteattr(item["image"])} medium="image"/>')
    if "pub_date" in item:
        when: datetime = item["pub_date"]
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        fields.append(f"<pubDate>{format_datetime(when.astimezone(UTC), usegmt=True)}</pubDate>")
    fields.append("</item>\n")
    return "".join(fields)
