"""What the poll bench measures with, and the tables it prints.

CPU is `time.process_time()`, which counts all of this process's threads: the event loop, the
parse thread and aiosqlite's thread. Where a poll's CPU goes comes from the step timer the
Poller accepts (news.steps): switched on only while feeds are polled one at a time, when
nothing else runs while a step is awaited, so process CPU time inside a step is that step's own.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import cProfile
import io
import pstats
import resource
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from news.steps import Steps


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


@dataclass(frozen=True, slots=True)
class Breakdown:
    """One kind of feed polled one at a time through the real Poller, its steps timed."""

    feeds: int
    cpu: float  # the whole poll_due
    steps: Steps


def rss_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def print_cycles(cycles: Sequence[Cycle]) -> None:
    print(
        f"{'cycle':<30}{'wall s':>8}{'feeds/s':>9}{'CPU s':>8}{'200s':>6}{'304s':>6}"
        f"{'failed':>8}{'new':>7}{'alerts':>8}"
    )
    for cycle in cycles:
        print(
            f"{cycle.name:<30}{cycle.wall:>8.2f}{cycle.feeds / cycle.wall:>9.0f}{cycle.cpu:>8.2f}"
            f"{cycle.ok:>6}{cycle.not_modified:>6}{cycle.failed:>8}{cycle.new_articles:>7}"
            f"{cycle.deliveries:>8}"
        )


def print_breakdown(kind: str, run: Breakdown) -> None:
    """Per-feed CPU of every step the poller and store reported, by name.

    Whatever names appear are shown, so a renamed step still shows under its new name. A dotted
    name is a step inside the step its prefix names ("ingest.lookup" inside "ingest"), shown
    indented under it; "other" is what no top-level step covers.
    """
    feeds = max(run.feeds, 1)
    total = run.cpu / feeds
    print()
    print(f"{kind}: {run.feeds} polled one at a time through Poller.poll_due")
    print(f"  {'step':<40}{'calls':>8}{'ms':>10}{'share':>7}")
    print(f"  {'all of it':<40}{'':>8}{total * 1000:>10.2f}{1:>7.0%}")
    top = 0.0
    for name in sorted(run.steps.cpu, key=lambda step: step.split(".")):
        seconds = run.steps.cpu[name] / feeds
        depth = name.count(".")
        top += seconds if depth == 0 else 0.0
        calls = run.steps.calls[name] / feeds
        shown = "  " * depth + name.rpartition(".")[2]
        print(f"  {shown:<40}{calls:>8.2f}{seconds * 1000:>10.2f}{seconds / total:>7.0%}")
    other = total - top
    label = "other (due(), scheduling, the loop)"
    print(f"  {label:<40}{'':>8}{other * 1000:>10.2f}{other / total:>7.0%}")


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


async def profiled(name: str, run: Callable[[], Awaitable[Cycle]], save_to: Path | None) -> str:
    """Run one cycle under cProfile and give its top functions as text."""
    loop = asyncio.get_running_loop()
    loop.set_default_executor(_InlineExecutor())
    profiler = cProfile.Profile()
    profiler.enable()
    cycle = await run()
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
