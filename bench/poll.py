"""Benchmark of a poll cycle: the real Poller, a real SQLite database, 1,000 local feeds.

    .venv/bin/python bench/poll.py [--feeds 1000] [--changed 0.2] [--full-prime] [--profile]

A separate process serves the feeds over loopback HTTP (gzip, ETag, Last-Modified), so its CPU
is not counted as ours. Each feed is built from a real feed file of the shared corpus (or from
generated text when the corpus is missing): 20-50 items with ids and links of its own. The feeds
are spread over many loopback addresses (127.0.x.y), so the poller's per-host limit applies as
it does with real publishers.

Cycles, each with every feed due (the clock moves a day between them):
  1. prime:    every feed answers 200 to its first poll (ETags recorded, articles stored);
  2. all 304:  nothing changed, every feed answers 304 -> CPU per 304 feed;
  3. measured: --changed of the feeds gained 1-5 new items and answer 200, the rest 304 ->
               the cycle time, and CPU per 200 feed = (cycle CPU - 304s x CPU per 304) / 200s.
The feeds that never change are primed with their newest item only (they answer 304 ever
after, so what they listed is never read again); --full-prime serves them in full, which
measures a first start but takes minutes. Bare feedparser.parse then runs on exactly the bytes
the changed feeds served in cycle 3.

Where the CPU goes: a sample of unchanged feeds, then of changed feeds (given new items once
more), is polled one feed at a time through the real Poller, with fetch, parse_feed,
feedparser.parse, from_entry, key_points, ingest (and its steps) and feeds.record wrapped in CPU
meters. One at a time, nothing else runs while a part is awaited, so process CPU time is that
part's own. --profile adds two cycles (all 304, changed) under cProfile and prints their top.

The exit status is 0 when every target passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import cProfile
import functools
import gzip
import hashlib
import io
import multiprocessing
import pstats
import random
import re
import resource
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, cast
from unittest import mock

import feedparser
from aiohttp import web

import jobs.poll
import news.article
import news.store.articles
import news.store.ingest
from bot.settings import Settings
from jobs.poll import Poller
from news.records import FeedConfig, FeedState
from news.schedule import Policy
from news.store import Store
from news.store.feeds import Feeds
from news.topics import Vocabulary
from web.fetch import make_client

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "feeds" / "news"

# The targets (issue 3, "Proof").
TARGET_RATIO = 1.3
TARGET_304_MS = 2.0
TARGET_CYCLE_S = 20.0

MIN_ITEMS, MAX_ITEMS = 20, 50  # items per feed
MIN_NEW, MAX_NEW = 1, 5  # new items in a feed that changed
# A corpus file with fewer items would be repeated too often to pass for a feed of 20-50.
MIN_TEMPLATE_ITEMS = 10
SERVER_START_SECONDS = 120.0  # building and gzipping 1,000 bodies takes a few seconds
SERVER_LIFETIME_SECONDS = 900.0  # the server stops by itself should this process vanish
USER_AGENT = "newsbot-bench/1 (+https://example.org/newsbot)"
# Feeds polled one at a time for the breakdown: enough for steady means, few enough to be quick.
SEQUENTIAL_304 = 200
SEQUENTIAL_200 = 100
MAX_CRASHES = 10  # poll_due calls that may raise in one cycle before it is given up

TOPICS: dict[str, list[str]] = {
    "World": ["world", "world news", "international", "europe", "asia", "americas"],
    "Politics": ["politics", "elections", "us politics", "uk politics"],
    "Business": ["business", "economy", "markets", "money"],
    "Technology": ["technology", "tech", "science"],
    "Health": ["health", "wellness", "medicine"],
    "Sport": ["sport", "sports", "football"],
}


# -- Feed bodies: built identically in the server and, for the bare parse, in this process ----


@dataclass(frozen=True, slots=True)
class Spec:
    """Everything both processes need to build byte-identical feeds."""

    feeds: int
    changed: float
    hosts: int
    corpus: Path
    seed: int
    full_prime: bool  # False: feeds that never change are primed with one item


@dataclass(frozen=True, slots=True)
class Template:
    """A real feed document cut into what precedes its items, the items, and what follows."""

    name: str
    head: bytes
    items: tuple[bytes, ...]
    tail: bytes
    content_type: str


@dataclass(frozen=True, slots=True)
class Plan:
    index: int
    template: int
    size: int  # items listed at any time
    new_per_change: int
    changes: bool  # among the feeds that gain items after the priming cycle


_ITEM = re.compile(rb"<(item|entry)[\s>].*?</\1\s*>", re.DOTALL)
_ID_TEXT = re.compile(rb"(<(guid|id)(?:\s[^>]*)?>)(.*?)(</\2\s*>)", re.DOTALL)
_LINK_TEXT = re.compile(rb"(<link(?:\s[^>]*)?(?<!/)>)(.*?)(</link\s*>)", re.DOTALL)
_LINK_HREF = re.compile(rb"(<link\b[^>]*?\shref=[\"'])([^\"']*)")
_TITLE_TEXT = re.compile(rb"(<title(?:\s[^>]*)?>)(.*?)(</title\s*>)", re.DOTALL)
# scheme://host of a URL, possibly inside CDATA: a marker path segment goes right after it, so
# the link stays a valid URL that needs no XML escaping.
_URL_START = re.compile(rb"\s*(?:<!\[CDATA\[)?\s*https?://[^/?#\s<\]\"']+")


def load_templates(corpus: Path, seed: int) -> list[Template]:
    templates = []
    if corpus.is_dir():
        for path in sorted(corpus.iterdir()):
            template = _split(path.name, path.read_bytes())
            if template is not None and len(template.items) >= MIN_TEMPLATE_ITEMS:
                templates.append(template)
    return templates or _generated_templates(seed)


def _split(name: str, body: bytes) -> Template | None:
    items = list(_ITEM.finditer(body))
    if not items:
        return None
    atom = items[0].group(1) == b"entry"
    return Template(
        name=name,
        head=body[: items[0].start()],
        items=tuple(match.group(0) for match in items),
        tail=body[items[-1].end() :],
        content_type="application/atom+xml" if atom else "application/rss+xml",
    )


def plan_feeds(spec: Spec, template_count: int) -> list[Plan]:
    rng = random.Random(spec.seed)
    changing = set(rng.sample(range(spec.feeds), round(spec.feeds * spec.changed)))
    return [
        Plan(
            index=index,
            template=rng.randrange(template_count),
            size=rng.randint(MIN_ITEMS, MAX_ITEMS),
            new_per_change=rng.randint(MIN_NEW, MAX_NEW),
            changes=index in changing,
        )
        for index in range(spec.feeds)
    ]


def feed_body(template: Template, plan: Plan, version: int) -> bytes:
    """Version 0 lists stories size-1..0; each later version adds new_per_change newer ones.

    Story s is the template's item s mod len(items), with its guid/id and links made unique to
    this feed and story (one link in two feeds is one story to the store); a repeated item also
    gets a changed title, or the store would take it for the earlier copy under a new id.
    """
    first = version * plan.new_per_change
    stories = range(first + plan.size - 1, first - 1, -1)  # newest first, as feeds list them
    items = (_story(template, plan.index, story) for story in stories)
    return template.head + b"\n".join(items) + template.tail


def _story(template: Template, feed: int, story: int) -> bytes:
    item = template.items[story % len(template.items)]
    mark = b"nb%d-%d" % (feed, story)
    item = _ID_TEXT.sub(lambda m: m[1] + _mark(m[3], mark) + m[4], item)
    item = _LINK_TEXT.sub(lambda m: m[1] + _mark(m[2], mark) + m[3], item)
    item = _LINK_HREF.sub(lambda m: m[1] + _mark(m[2], mark), item)
    repeat = story // len(template.items)
    if repeat:
        item = _TITLE_TEXT.sub(lambda m: m[1] + _append(m[2], b" (%d)" % repeat) + m[3], item, 1)
    return item


def _mark(text: bytes, mark: bytes) -> bytes:
    url = _URL_START.match(text)
    if url:
        return text[: url.end()] + b"/" + mark + text[url.end() :]
    return _append(text, b"-" + mark)


def _append(text: bytes, suffix: bytes) -> bytes:
    text = text.rstrip()
    if text.endswith(b"]]>"):
        return text[:-3] + suffix + b"]]>"
    return text + suffix


def _generated_templates(seed: int) -> list[Template]:
    """Stand-ins for the corpus: RSS 2.0 with HTML bodies of news-like length."""
    rng = random.Random(seed)
    words = re.findall(
        r"\w+",
        "government minister said on tuesday that the new plan would cut costs for families "
        "across the country while critics warned of delays in hospitals schools and courts "
        "after months of talks officials agreed a deal with unions over pay and working hours "
        "markets rose as investors welcomed figures showing growth in exports and jobs",
    )

    def sentence(low: int, high: int) -> str:
        text = " ".join(rng.choice(words) for _ in range(rng.randint(low, high)))
        return text.capitalize() + "."

    templates = []
    for number in range(8):
        items = []
        for story in range(60):
            paragraphs = "".join(
                f"<p>{sentence(12, 30)} {sentence(8, 25)}</p>" for _ in range(rng.randint(2, 8))
            )
            link = f"https://news{number}.example/story/{story}"
            day = datetime(2024, 5, 1, tzinfo=UTC) - timedelta(hours=story)
            item = (
                f"<item><title>{sentence(6, 12)}</title><link>{link}</link>"
                f'<guid isPermaLink="true">{link}</guid>'
                f"<description>{sentence(15, 35)}</description>"
                f"<content:encoded><![CDATA[{paragraphs}]]></content:encoded>"
                f"<category>{rng.choice(list(TOPICS))}</category>"
                f"<pubDate>{format_datetime(day, usegmt=True)}</pubDate></item>"
            )
            items.append(item.encode())
        head = (
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>Generated news {number}</title><link>https://news{number}.example/</link>"
            "<description>Generated by bench/poll.py</description>\n"
        )
        templates.append(
            Template(
                f"generated-{number}",
                head.encode(),
                tuple(items),
                b"\n</channel></rss>\n",
                "application/rss+xml",
            )
        )
    return templates


def host_address(host: int) -> str:
    """The loopback address of host number `host`: 127.0.1.1, 127.0.1.2, ... (all of 127/8 is
    loopback on Linux, so each address is a distinct "publisher" for the per-host limit)."""
    return f"127.0.{1 + host // 250}.{1 + host % 250}"


# -- The feed server process --------------------------------------------------------------------


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


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


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


# -- The poller side ----------------------------------------------------------------------------


@dataclass
class Clock:
    """The poller's clock: moved a day per cycle, so every feed is due again whatever its
    jitter, TTL hint or backoff."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self) -> None:
        self.now += timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Cycle:
    name: str
    wall: float
    cpu: float
    feeds: int
    failed: int
    new_articles: int
    deliveries: int
    statuses: dict[int, int]
    crashes: tuple[str, ...] = ()  # exceptions that escaped poll_due

    @property
    def ok(self) -> int:
        return self.statuses.get(200, 0)

    @property
    def not_modified(self) -> int:
        return self.statuses.get(304, 0)


@dataclass
class Meter:
    """CPU seconds and calls per label, for functions patched to report to it.

    Only meaningful while one feed is polled at a time: then nothing else runs during an
    await but the work awaited (aiosqlite's thread, the parse thread), and process CPU time is
    that work's own.
    """

    cpu: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    calls: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))

    def timed(self, label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self._add(label, start)

        return timed

    def timed_async(self, label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        async def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return await function(*args, **kwargs)
            finally:
                self._add(label, start)

        return timed

    def _add(self, label: str, start: float) -> None:
        self.cpu[label] += time.process_time() - start
        self.calls[label] += 1


@dataclass(frozen=True, slots=True)
class Sequential:
    """One kind of feed polled one at a time through the real Poller, its parts metered."""

    feeds: int
    cpu: float  # the whole poll_due
    meter: Meter

    def per_feed(self, label: str) -> float:
        return self.meter.cpu.get(label, 0.0) / max(self.feeds, 1)


@dataclass(frozen=True, slots=True)
class Results:
    spec: Spec
    templates: str  # how many, and from where
    concurrency: int
    per_host: int
    chats: int
    cycles: list[Cycle]
    quiet: Cycle  # the all-304 cycle
    measured: Cycle
    baseline_rss_mb: float
    peak_rss_mb: float
    bare_parse: float  # CPU per changed feed of feedparser.parse on the measured cycle's bytes
    unchanged: Sequential
    changed: Sequential
    expected_new: int
    changed_feeds: int
    profile: str | None


async def run_cycle(name: str, poller: Poller, server: ServerProcess) -> Cycle:
    """poll_due until nothing is due (the store hands out at most 500 due feeds per call)."""
    server.statuses()  # reset the server's counts
    feeds = failed = new = deliveries = 0
    crashes: list[str] = []
    cpu, wall = time.process_time(), time.perf_counter()
    while len(crashes) < MAX_CRASHES:
        try:
            report = await poller.poll_due()
        except Exception as error:  # a poller bug: noted, and the figures declared invalid
            crashes.append(f"{type(error).__name__}: {str(error).splitlines()[0][:120]}")
            # gather() left the call's other polls running: let them finish before the next
            # call, or it would hand out the same feeds again.
            others = asyncio.all_tasks() - {asyncio.current_task()}
            if others:
                await asyncio.wait(others, timeout=60)
            continue
        if not report.feeds:
            break
        feeds += report.feeds
        failed += report.failed
        new += report.new_articles
        deliveries += report.deliveries
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    statuses = server.statuses()
    return Cycle(name, wall, cpu, feeds, failed, new, deliveries, statuses, tuple(crashes))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


async def bench(spec: Spec, server: ServerProcess, options: argparse.Namespace) -> Results:
    templates = load_templates(spec.corpus, spec.seed)
    plans = plan_feeds(spec, len(templates))
    changed = [plan for plan in plans if plan.changes]
    urls = [_url(plan.index, spec.hosts, server.ports) for plan in plans]
    # The shipped defaults, so the figures are those of an unconfigured bot.
    defaults = Settings.model_fields
    concurrency = int(defaults["feed_concurrency"].default)
    per_host = int(defaults["feed_host_concurrency"].default)
    vocabulary = Vocabulary.build(TOPICS)
    clock = Clock(datetime.now(UTC).replace(microsecond=0))
    profile = None
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as directory:
        store = Store.connect(f"sqlite+aiosqlite:///{directory}/bench.sqlite3")
        try:
            await _prepare(store, urls, clock(), options.chats)
            baseline_rss_mb = rss_mb()
            async with make_client(user_agent=USER_AGENT) as client:

                def poller(on: Store, at_once: int, per_host_at_once: int) -> Poller:
                    return Poller(
                        on,
                        client,
                        vocabulary,
                        Policy(
                            interval=timedelta(seconds=defaults["poll_interval_seconds"].default)
                        ),
                        clock,
                        # The corpus items keep their real, years-old dates; counted as fresh,
                        # every new item takes the alert path, as today's news does.
                        max_entry_age=timedelta(days=365 * 100),
                        concurrency=at_once,
                        per_host=per_host_at_once,
                    )

                bot = poller(store, concurrency, per_host)
                cycles = [await run_cycle("prime (first poll, all 200)", bot, server)]
                quiet = await _all_not_modified(bot, server, clock, cycles)
                version = 1
                server.publish(version)
                clock.advance()
                measured = await run_cycle("measured", bot, server)
                cycles.append(measured)
                peak_rss_mb = rss_mb()  # before this process builds bodies of its own below
                if options.profile:  # after the measured cycle, so it cannot distort it
                    clock.advance()
                    profile = await _profiled("all 304", bot, server, options.profile_dir)
                    version += 1
                    server.publish(version)
                    clock.advance()
                    profile += await _profiled("changed", bot, server, options.profile_dir)
                # One feed at a time: a sample of the unchanged feeds, then of the changed ones.
                states = {feed.url: feed.id for feed in await store.feeds.all()}
                steady = [states[urls[p.index]] for p in plans if not p.changes]
                moving = [states[urls[p.index]] for p in changed]
                clock.advance()
                unchanged = await _one_at_a_time(store, steady[:SEQUENTIAL_304], poller)
                version += 1
                server.publish(version)
                changed_run = await _one_at_a_time(store, moving[:SEQUENTIAL_200], poller)
        finally:
            await store.close()
    bodies = [
        (urls[p.index], feed_body(templates[p.template], p, 1), templates[p.template])
        for p in changed
    ]
    return Results(
        spec=spec,
        templates=_describe_templates(templates, spec.corpus),
        concurrency=concurrency,
        per_host=per_host,
        chats=options.chats,
        cycles=cycles,
        quiet=quiet,
        measured=measured,
        baseline_rss_mb=baseline_rss_mb,
        peak_rss_mb=peak_rss_mb,
        bare_parse=_bare_parse(bodies),
        unchanged=unchanged,
        changed=changed_run,
        expected_new=sum(plan.new_per_change for plan in changed),
        changed_feeds=len(changed),
        profile=profile,
    )


async def _all_not_modified(
    poller: Poller, server: ServerProcess, clock: Clock, cycles: list[Cycle]
) -> Cycle:
    """The first cycle in which every feed answers 304.

    A feed whose first poll failed (SQLite's "database is locked" under the priming cycle's
    long write transactions, say) has no ETag yet and answers 200 again: such cycles are kept
    in the table as re-primes, and the next one is tried.
    """
    for _ in range(3):
        clock.advance()
        cycle = await run_cycle("all 304", poller, server)
        if not cycle.ok:
            cycles.append(cycle)
            return cycle
        cycles.append(replace(cycle, name="re-prime (first poll failed)"))
    raise RuntimeError("feeds still answer 200 after three cycles: see the poller's log")


class _OnlyThese:
    """The store's feeds, but due() hands out only the chosen ones."""

    def __init__(self, feeds: Feeds, ids: Sequence[int]) -> None:
        self._feeds = feeds
        self._ids = frozenset(ids)

    async def due(self, now: datetime, limit: int = 500) -> list[FeedState]:
        due = await self._feeds.due(now, limit=1_000_000)
        return [feed for feed in due if feed.id in self._ids][:limit]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._feeds, name)


async def _one_at_a_time(
    store: Store, feed_ids: Sequence[int], make: Callable[[Store, int, int], Poller]
) -> Sequential:
    """Poll these feeds through the real Poller, one at a time, with its parts metered.

    The patches wrap functions by the names the poller and the store look them up by; a part
    that a refactoring renamed is simply not shown, and its time lands in "other".
    """
    meter = Meter()
    view = replace(store, feeds=cast("Feeds", _OnlyThese(store.feeds, feed_ids)))
    sync_parts = [
        (jobs.poll, "parse_feed", "parse_feed"),
        (feedparser, "parse", "feedparser.parse"),  # the module parse_feed calls it through
        (jobs.poll, "from_entry", "from_entry"),
        (news.article, "key_points", "key_points"),
    ]
    async_parts = [
        (jobs.poll, "fetch", "fetch"),
        (store.articles, "ingest", "ingest"),
        # ingest's steps, looked up by the store as news.store.ingest.<name>
        (news.store.ingest, "lookup", "lookup"),
        (news.store.ingest, "mark_seen", "mark_seen"),
        (news.store.ingest, "store_edits", "store_edits"),
        (news.store.ingest, "repeats", "repeats"),
        (news.store.ingest, "insert_new", "insert_new"),
        (news.store.ingest, "enqueue_keywords", "enqueue_keywords"),
        (news.store.ingest, "enqueue", "enqueue"),
        (store.feeds, "record", "record"),
    ]
    with contextlib.ExitStack() as patches:
        for owner, name, label in sync_parts:
            if hasattr(owner, name):
                timed = meter.timed(label, getattr(owner, name))
                patches.enter_context(mock.patch.object(owner, name, timed))
        for owner, name, label in async_parts:
            if hasattr(owner, name):
                timed = meter.timed_async(label, getattr(owner, name))
                patches.enter_context(mock.patch.object(owner, name, timed))
        start = time.process_time()
        report = await make(view, 1, 1).poll_due()
        cpu = time.process_time() - start
    return Sequential(report.feeds, cpu, meter)


def _describe_templates(templates: Sequence[Template], corpus: Path) -> str:
    if templates[0].name.startswith("generated-"):
        return f"{len(templates)} generated feed templates ({corpus} not found)"
    return f"{len(templates)} corpus feeds as templates"


def _url(index: int, hosts: int, ports: dict[str, int]) -> str:
    address = host_address(index % hosts)
    return f"http://{address}:{ports[address]}/feeds/{index}.xml"


async def _prepare(store: Store, urls: Sequence[str], now: datetime, chats: int) -> None:
    """Schema, the feeds (one topic each) and chats that follow two topics each."""
    await store.migrate()
    names = list(TOPICS)
    configs = tuple(
        FeedConfig(url=url, topics=(names[index % len(names)],)) for index, url in enumerate(urls)
    )
    await store.feeds.sync(configs, now)
    for chat in range(1, chats + 1):
        await store.chats.seen(chat, kind="private", title=None, language=None, now=now)
        for topic in (names[chat % len(names)], names[(chat + 2) % len(names)]):
            await store.chats.subscribe(chat, topic, now)


def _bare_parse(bodies: Sequence[tuple[str, bytes, Template]]) -> float:
    """CPU per feed of bare feedparser.parse, given what parse_feed gives it, on these bytes."""
    start = time.process_time()
    for url, body, template in bodies:
        feedparser.parse(io.BytesIO(body), response_headers=_headers(url, body, template))
    return (time.process_time() - start) / max(len(bodies), 1)


def _headers(url: str, body: bytes, template: Template) -> dict[str, str]:
    """The response headers as parse_feed hands them to feedparser (lower-case names, the
    final URL as Content-Location)."""
    return {
        "content-type": template.content_type,
        "etag": etag_of(body),
        "content-location": url,
    }


class _InlineExecutor(concurrent.futures.ThreadPoolExecutor):
    """Runs asyncio.to_thread work on the calling thread, so cProfile (which sees one thread)
    sees the parse too. Only for the profiled cycles: it blocks the loop while parsing."""

    def submit(
        self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any
    ) -> concurrent.futures.Future[Any]:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # handed to the awaiting coroutine, as a thread would
            future.set_exception(error)
        return future


async def _profiled(name: str, poller: Poller, server: ServerProcess, save_to: Path | None) -> str:
    loop = asyncio.get_running_loop()
    loop.set_default_executor(_InlineExecutor())
    profiler = cProfile.Profile()
    profiler.enable()
    cycle = await run_cycle(name, poller, server)
    profiler.disable()
    loop.set_default_executor(concurrent.futures.ThreadPoolExecutor())
    if save_to is not None:  # for pstats' callers/callees, or a viewer such as snakeviz
        profiler.dump_stats(save_to / f"{name.replace(' ', '-')}.prof")
    out = io.StringIO()
    out.write(
        f"\n=== profile of an extra cycle ({name}): {cycle.ok} x 200, {cycle.not_modified} x "
        f"304, {cycle.new_articles} new, {cycle.deliveries} alerts queued\n"
        "The event-loop thread, with parsing moved onto it. SQLite's own work (aiosqlite's "
        "thread) is not here; SQLAlchemy building statements and reading rows is.\n"
    )
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(r"(jobs|news)/.*\.py", 25)
    stats.sort_stats("tottime").print_stats(20)
    return out.getvalue()


# -- Report ------------------------------------------------------------------------------------


def report(results: Results) -> bool:
    spec, quiet, measured = results.spec, results.quiet, results.measured
    prime = "all items" if spec.full_prime else "the unchanging feeds with 1 item"
    print(
        f"newsbot poll bench: {spec.feeds} feeds ({results.changed_feeds} change) on "
        f"{spec.hosts} loopback hosts, {results.templates}, "
        f"{results.chats} chats; concurrency {results.concurrency}, per host "
        f"{results.per_host}; primed with {prime}"
    )
    print()
    print(
        f"{'cycle':<30}{'wall s':>8}{'feeds/s':>9}{'CPU s':>8}{'200s':>6}{'304s':>6}"
        f"{'failed':>8}{'new':>7}{'alerts':>8}"
    )
    for cycle in results.cycles:
        print(
            f"{cycle.name:<30}{cycle.wall:>8.2f}{cycle.feeds / cycle.wall:>9.0f}{cycle.cpu:>8.2f}"
            f"{cycle.ok:>6}{cycle.not_modified:>6}{cycle.failed:>8}{cycle.new_articles:>7}"
            f"{cycle.deliveries:>8}"
        )
    per_304 = quiet.cpu / max(quiet.feeds, 1)
    per_200 = (measured.cpu - measured.not_modified * per_304) / max(measured.ok, 1)
    ratio = per_200 / results.bare_parse
    print()
    print(
        f"measured cycle:    {measured.wall:8.2f} s wall, "
        f"{measured.feeds / measured.wall:.0f} feeds/s"
    )
    print(f"CPU per 304 feed:  {per_304 * 1000:8.2f} ms  (all-304 cycle CPU / feeds)")
    print(
        f"CPU per 200 feed:  {per_200 * 1000:8.2f} ms  "
        "((measured cycle CPU - 304s x CPU per 304) / 200s)"
    )
    print(
        f"bare feedparser:   {results.bare_parse * 1000:8.2f} ms  "
        f"(feedparser.parse on the bytes those {measured.ok} feeds served)"
    )
    print(
        f"peak memory:       {results.peak_rss_mb:8.0f} MB  "
        f"(ru_maxrss; {results.baseline_rss_mb:.0f} MB before the first poll)"
    )
    _breakdown("304 feed", results.unchanged, [("fetch", 0), ("record", 0)])
    _breakdown(
        "200 feed",
        results.changed,
        [
            ("fetch", 0),
            ("parse_feed", 0),
            ("feedparser.parse", 1),
            ("from_entry", 0),
            ("key_points", 1),
            ("ingest", 0),
            ("lookup", 1),
            ("mark_seen", 1),
            ("store_edits", 1),
            ("repeats", 1),
            ("insert_new", 1),
            ("enqueue_keywords", 1),
            ("enqueue", 1),
            ("record", 0),
        ],
    )
    problems, notes = _sanity(results)
    if notes or problems:
        print()
    for note in notes:
        print(f"note: {note}")
    for problem in problems:
        print(f"warning: {problem}")
    checks = [
        (
            "CPU per 304 feed",
            f"{per_304 * 1000:.2f} ms",
            f"< {TARGET_304_MS:g} ms",
            per_304 * 1000 < TARGET_304_MS,
        ),
        (
            "CPU per 200 feed / bare feedparser.parse",
            f"{ratio:.2f}",
            f"<= {TARGET_RATIO:g}",
            ratio <= TARGET_RATIO,
        ),
        (
            f"{spec.feeds}-feed cycle, wall",
            f"{measured.wall:.2f} s",
            f"< {TARGET_CYCLE_S:g} s",
            measured.wall < TARGET_CYCLE_S,
        ),
        (
            "measured cycles: all polled, none failed",
            "no" if problems else "yes",
            "yes",
            not problems,
        ),
    ]
    print()
    for label, value, target, passed in checks:
        print(f"{'PASS' if passed else 'FAIL'}  {label:<42}{value:>10}   target {target}")
    if results.profile:
        print(results.profile)
    return all(passed for *_, passed in checks)


def _breakdown(kind: str, run: Sequential, parts: Sequence[tuple[str, int]]) -> None:
    """Per-feed CPU of the metered parts; a depth 1 part is inside the depth 0 part above it."""
    total = run.cpu / max(run.feeds, 1)
    print()
    print(f"{kind}: {run.feeds} polled one at a time through Poller.poll_due")
    print(f"  {'part':<40}{'calls':>8}{'ms':>10}{'share':>7}")
    print(f"  {'all of it':<40}{'':>8}{total * 1000:>10.2f}{1:>7.0%}")
    top = 0.0
    for label, depth in parts:
        if label not in run.meter.calls:
            continue  # renamed or gone: its time is in "other"
        seconds = run.per_feed(label)
        top += seconds if depth == 0 else 0.0
        calls = run.meter.calls[label] / max(run.feeds, 1)
        name = "  " * depth + label
        print(f"  {name:<40}{calls:>8.1f}{seconds * 1000:>10.2f}{seconds / total:>7.0%}")
    other = total - top
    label = "other (due(), scheduling, the loop)"
    print(f"  {label:<40}{'':>8}{other * 1000:>10.2f}{other / total:>7.0%}")


def _sanity(results: Results) -> tuple[list[str], list[str]]:
    """Problems that make the measured figures doubtful, and notes on the priming cycles (whose
    failed feeds are polled again before the all-304 cycle, so they spoil nothing)."""
    problems: list[str] = []
    notes: list[str] = []
    feeds = results.spec.feeds
    for cycle in results.cycles:
        found = problems if cycle is results.quiet or cycle is results.measured else notes
        if cycle.crashes:
            found.append(f"{cycle.name}: poll_due raised {'; '.join(cycle.crashes)}")
        if cycle.failed:
            found.append(f"{cycle.name}: {cycle.failed} feeds failed (see the poller's log)")
        if cycle.feeds != feeds:
            found.append(f"{cycle.name}: {cycle.feeds} polls of {feeds} feeds")
    measured = results.measured
    if measured.new_articles != results.expected_new:
        problems.append(f"measured: {measured.new_articles} new, expected {results.expected_new}")
    if measured.ok != results.changed_feeds:
        problems.append(f"measured: {measured.ok} answered 200, expected {results.changed_feeds}")
    return problems, notes


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark a poll cycle of 1,000 local feeds.")
    parser.add_argument("--feeds", type=int, default=1000, help="feeds served and polled")
    parser.add_argument("--changed", type=float, default=0.2, help="share that gains items")
    parser.add_argument("--hosts", type=int, help="loopback hosts (default: one per 5 feeds)")
    parser.add_argument("--chats", type=int, default=100, help="chats following 2 topics each")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="real feed files")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument(
        "--full-prime", action="store_true", help="prime every feed with all its items (slow)"
    )
    parser.add_argument("--profile", action="store_true", help="profile two extra cycles")
    parser.add_argument("--profile-dir", type=Path, help="save the profiles (.prof) here")
    options = parser.parse_args(argv)
    if not 1 <= options.feeds <= 20_000:
        parser.error("--feeds must be between 1 and 20000")
    if not 0 < options.changed <= 1:
        parser.error("--changed must be in (0, 1]")
    if options.hosts is not None and not 1 <= options.hosts <= 2000:
        parser.error("--hosts must be between 1 and 2000")
    if options.profile_dir is not None:
        options.profile = True
        options.profile_dir.mkdir(parents=True, exist_ok=True)
    return options


def main(argv: Sequence[str] | None = None) -> int:
    options = _arguments(argv)
    hosts = options.hosts or max(1, options.feeds // 5)
    spec = Spec(
        options.feeds, options.changed, hosts, options.corpus, options.seed, options.full_prime
    )
    with ServerProcess(spec) as server:
        results = asyncio.run(bench(spec, server, options))
    return 0 if report(results) else 1


if __name__ == "__main__":
    sys.exit(main())
