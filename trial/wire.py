"""The sample feeds of `newsbot try --offline`: two RSS feeds on a loopback port, where a new
sample article appears every 20-30 seconds, World and Politics in turn."""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

from aiohttp import web

from trial.loopback import serve
from trial.samples import OUTLET, POLITICS, POLITICS_START, WORLD, WORLD_START, Sample

# A new article every 20-30 s: with try mode's 10 s polls, one reaches the chat within a minute.
CADENCE = (20.0, 30.0)
SAMPLE_LINKS = "https://example.com/sample/"  # a domain for examples (RFC 2606), never fetched


class Wire:
    """`async with Wire() as wire`: the feeds at `wire.origin`, their file at `feeds_file()`."""

    def __init__(self, cadence: tuple[float, float] = CADENCE) -> None:
        self.cadence = cadence
        then = datetime.now(UTC) - timedelta(hours=1)
        self.published: dict[str, list[tuple[Sample, datetime]]] = {
            "world": [(sample, then) for sample in WORLD_START],
            "politics": [(sample, then) for sample in POLITICS_START],
        }
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def feeds_file(self) -> str:
        """A feeds file (TOML) with the bundled file's two topics and the sample feeds."""
        feeds = "".join(
            f'\n[[feeds]]\ntitle = "Sample Wire - {name.title()}"\noutlet = "{OUTLET}"\n'
            f'url = "{self.origin}/{name}.xml"\ntopics = ["{name.title()}"]\n'
            for name in self.published
        )
        return (
            "# The sample feeds of newsbot try --offline.\n\n[topics]\n"
            'Politics = ["politics", "політика"]\nWorld = ["world", "світ"]\n' + feeds
        )

    async def __aenter__(self) -> Wire:
        server = web.Application()
        server.router.add_get("/{name}.xml", self._feed)
        self._runner, self.port = await serve(server)
        self._task = asyncio.create_task(self._publish(random.uniform))
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()

    async def _publish(self, spread: Callable[[float, float], float]) -> None:
        turns = [("world", sample) for sample in WORLD], [("politics", s) for s in POLITICS]
        for name, sample in itertools.chain.from_iterable(zip(*turns, strict=True)):
            await asyncio.sleep(spread(*self.cadence))
            self.published[name].append((sample, datetime.now(UTC)))

    async def _feed(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in self.published:
            raise web.HTTPNotFound()
        items = "".join(_item(s, when) for s, when in reversed(self.published[name]))
        body = (
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>Sample Wire - {name.title()}</title><link>{SAMPLE_LINKS}</link>"
            f"<description>{escape(OUTLET)}</description>{items}</channel></rss>"
        )
        return web.Response(body=body.encode(), content_type="application/rss+xml")


def _item(sample: Sample, when: datetime) -> str:
    link = SAMPLE_LINKS + sample.slug
    return (
        f"<item><title>{escape(sample.title)}</title><link>{link}</link>"
        f'<guid isPermaLink="false">sample-{sample.slug}</guid>'
        f"<pubDate>{format_datetime(when)}</pubDate>"
        f"<description>{escape(sample.html())}</description></item>"
    )
