"""Benchmark of a poll cycle: the real Poller, a real SQLite database, 1,000 local feeds.

    .venv/bin/python -m bench.poll [--feeds 1000] [--changed 0.2] [--full-prime] [--profile]

A separate process serves the feeds over loopback HTTP (bench/feedserver.py), so its CPU is not
counted as ours. Each feed is built from a real feed file of the shared corpus, or from
generated text when the corpus is missing (bench/feedbodies.py).

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
more), is polled one feed at a time through the real Poller with its step timer switched on
(news.steps; bench/meters.py prints every step it reports). --profile adds two cycles (all 304,
changed) under cProfile and prints their top.

The exit status is 0 when every target passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser

from bench.feedbodies import TOPICS, Spec, Template, etag_of, feed_body, load_templates, plan_feeds
from bench.feedserver import ServerProcess, host_address
from bench.meters import Breakdown, Cycle, print_breakdown, print_cycles, profiled, rss_mb
from bot.settings import Settings
from jobs.poll import Poller
from news.records import ChatProfile, FeedConfig
from news.schedule import Policy
from news.steps import NO_STEPS, Steps, StepTimer
from news.store import Store
from news.store.feeds import Success
from news.topics import Vocabulary
from web.fetch import make_client

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "feeds" / "news"

# The targets (bench/README.md): what is above bare parsing, a 304's cost, a cycle's time.
TARGET_RATIO = 1.3
TARGET_304_MS = 2.0
TARGET_CYCLE_S = 20.0

USER_AGENT = "newsbot-bench/1 (+https://example.org/newsbot)"
# Feeds polled one at a time for the breakdown: enough for steady means, few enough to be quick.
SEQUENTIAL_304 = 200
SEQUENTIAL_200 = 100
MAX_CRASHES = 10  # poll_due calls that may raise in one cycle before it is given up


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
    unchanged: Breakdown
    changed: Breakdown
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

                def poller(at_once: int, per_host_at_once: int, steps: StepTimer) -> Poller:
                    return Poller(
                        store,
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
                        steps=steps,
                    )

                def one_feed_at_a_time(steps: StepTimer) -> Poller:
                    return poller(1, 1, steps)

                bot = poller(concurrency, per_host, NO_STEPS)
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
                    profile = await profiled(
                        "all 304", lambda: run_cycle("all 304", bot, server), options.profile_dir
                    )
                    version += 1
                    server.publish(version)
                    clock.advance()
                    profile += await profiled(
                        "changed", lambda: run_cycle("changed", bot, server), options.profile_dir
                    )
                # One feed at a time: a sample of the unchanged feeds, then of the changed ones.
                states = {feed.url: feed.id for feed in await store.feeds.all()}
                steady = [states[urls[p.index]] for p in plans if not p.changes]
                moving = [states[urls[p.index]] for p in changed]
                unchanged = await _one_at_a_time(
                    store, steady[:SEQUENTIAL_304], clock(), one_feed_at_a_time
                )
                version += 1
                server.publish(version)
                changed_run = await _one_at_a_time(
                    store, moving[:SEQUENTIAL_200], clock(), one_feed_at_a_time
                )
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


async def _one_at_a_time(
    store: Store, feed_ids: Sequence[int], now: datetime, make: Callable[[StepTimer], Poller]
) -> Breakdown:
    """Poll these feeds (and no other) through the real Poller, one at a time, its steps timed.

    They are made due by recording them as checked with their next check now; every other
    feed's next check is still ahead of the clock.
    """
    await store.feeds.record_successes(now, [Success(feed, next_check_at=now) for feed in feed_ids])
    steps = Steps()
    poller = make(steps)
    start = time.process_time()
    report = await poller.poll_due()
    cpu = time.process_time() - start
    if report.feeds != len(feed_ids):  # others were due too: the figures would mix them in
        raise RuntimeError(f"{report.feeds} feeds polled one at a time, not {len(feed_ids)}")
    return Breakdown(report.feeds, cpu, steps)


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
        topics = {names[chat % len(names)], names[(chat + 2) % len(names)]}
        await store.chats.follow(ChatProfile(chat), topics, now)


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
    print_cycles(results.cycles)
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
    print_breakdown("304 feed", results.unchanged)
    print_breakdown("200 feed", results.changed)
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
