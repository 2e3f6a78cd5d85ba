"""The poll bench's feed server: a separate process, so its CPU is not counted as the bot's.

It serves every feed with aiohttp from its own loopback address (one per 5 feeds, so the
poller's per-host limit works as with real publishers): gzip bodies with ETag and
Last-Modified, 304 when If-None-Match matches. The bench drives it through a pipe: publish a
new version of the changing feeds, read and reset the count of statuses served, stop. If the
bench dies, the server stops by itself after SERVER_LIFETIME_SECONDS.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gzip
import multiprocessing
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from multiprocessing.connection import Connection
from typing import Any

from aiohttp import web

from bench.feedbodies import Plan, Spec, Template, etag_of, feed_body, load_templates, plan_feeds

SERVER_START_SECONDS = 120.0  # building and gzipping 1,000 bodies takes a few seconds
SERVER_LIFETIME_SECONDS = 900.0  # the server stops by itself should this process vanish


def host_address(host: int) -> str:
    """The loopback address of host number `host`: 127.0.1.1, 127.0.1.2, ... (all of 127/8 is
    loopback on Linux, so each address is a distinct "publisher" for the per-host limit)."""
    return f"127.0.{1 + host // 250}.{1 + host % 250}"


@dataclass(frozen=True, slots=True)
class Served:
    gzipped: bytes
    etag: str
    last_modified: str
    content_type: str


def served(template: Template, plan: Plan, version: int) -> Served:
    body = feed_body(template, plan, version)
    when = datetime(2024, 5, 1, tzinfo=UTC) + timedelta(hours=version)
    return Served(
        # Publishers gzip their feeds; pre-compressed here, so our client pays for inflating
        # as it does in production while the server pays nothing per request.
        gzipped=gzip.compress(body, compresslevel=6, mtime=0),
        etag=etag_of(body),
        last_modified=format_datetime(when, usegmt=True),
        content_type=template.content_type,
    )


def primed_plan(plan: Plan, spec: Spec) -> Plan:
    """What a feed serves on its first poll."""
    if plan.changes or spec.full_prime:
        return plan
    # It answers 304 ever after, so what it listed is never read again; one item keeps the
    # priming cycle short (a full prime stores ~28,000 articles that no later cycle touches).
    return replace(plan, size=1)


@dataclass
class FeedSite:
    spec: Spec
    templates: list[Template]
    plans: list[Plan]
    current: dict[int, Served] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)

    def publish(self, version: int) -> None:
        """Version 0 for every feed, or a later version for the feeds that change."""
        for plan in self.plans:
            if version == 0:
                plan = primed_plan(plan, self.spec)
            elif not plan.changes:
                continue
            self.current[plan.index] = served(self.templates[plan.template], plan, version)

    def take_statuses(self) -> dict[int, int]:
        statuses, self.statuses = self.statuses, {}
        return statuses

    async def handle(self, request: web.Request) -> web.Response:
        feed = self.current.get(int(request.match_info["index"]))
        if feed is None:
            return self._count(web.Response(status=404))
        validators = {"ETag": feed.etag, "Last-Modified": feed.last_modified}
        if request.headers.get("If-None-Match") == feed.etag:
            return self._count(web.Response(status=304, headers=validators))
        headers = {"Content-Type": feed.content_type, "Content-Encoding": "gzip", **validators}
        return self._count(web.Response(body=feed.gzipped, headers=headers))

    def _count(self, response: web.Response) -> web.Response:
        self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
        return response


def serve(connection: Connection, spec: Spec) -> None:
    """The server process's entry point: answers commands from the pipe until told to stop."""
    asyncio.run(_serve(connection, spec))


async def _serve(connection: Connection, spec: Spec) -> None:
    templates = load_templates(spec.corpus, spec.seed)
    site = FeedSite(spec, templates, plan_feeds(spec, len(templates)))
    site.publish(0)
    app = web.Application()
    app.router.add_get("/feeds/{index:\\d+}.xml", site.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    try:
        for host in range(spec.hosts):
            await web.TCPSite(runner, host_address(host), 0, backlog=512).start()
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        ports = {address: port for address, port, *_ in runner.addresses}
        connection.send(("ready", ports))
        # The pipe is read in a thread (its recv blocks); commands are carried out on the loop.
        threading.Thread(
            target=_obey, args=(connection, site, loop, stop), daemon=True, name="control"
        ).start()
        async with asyncio.timeout(SERVER_LIFETIME_SECONDS):
            await stop.wait()
    finally:
        await runner.cleanup()


def _obey(
    connection: Connection, site: FeedSite, loop: asyncio.AbstractEventLoop, stop: asyncio.Event
) -> None:
    def on_loop(call: Callable[[], Any]) -> Any:
        async def run() -> Any:
            return call()

        return asyncio.run_coroutine_threadsafe(run(), loop).result()

    try:
        while True:
            command, argument = connection.recv()
            if command == "publish":
                on_loop(functools.partial(site.publish, argument))
                connection.send(("ok", None))
            elif command == "statuses":
                connection.send(("ok", on_loop(site.take_statuses)))
            else:
                break
    except (EOFError, OSError):  # the benchmark went away: stop serving
        pass
    loop.call_soon_threadsafe(stop.set)


class ServerProcess:
    """The feed server in its own process (spawned: no inherited loop, database or threads)."""

    def __init__(self, spec: Spec) -> None:
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self._process = context.Process(target=serve, args=(child, spec), daemon=True)
        self.ports: dict[str, int] = {}  # loopback address -> the server's port there

    def __enter__(self) -> ServerProcess:
        self._process.start()
        _, self.ports = self._reply(SERVER_START_SECONDS)
        return self

    def __exit__(self, *_: object) -> None:
        with contextlib.suppress(OSError):  # the server may be gone already
            self._connection.send(("stop", None))
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=5)

    def publish(self, version: int) -> None:
        self._connection.send(("publish", version))
        self._reply(SERVER_START_SECONDS)

    def statuses(self) -> dict[int, int]:
        self._connection.send(("statuses", None))
        return dict(self._reply(10.0)[1])

    def _reply(self, timeout: float) -> Any:
        if not self._connection.poll(timeout):
            raise RuntimeError("the feed server did not answer (see its traceback above)")
        return self._connection.recv()
