"""A step timer switched on in the Poller: where a poll's time went, by the names the poll bench
prints (bench/poll.py); switched off, polling is what it always was."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from news.records import FeedConfig
from news.steps import Steps
from tests.fakes.feeds import FeedServer, rss
from tests.polling import desk

pytestmark = pytest.mark.usefixtures("database_kind")

ANN = 3101


def story(n: int) -> dict[str, str]:
    return {"title": f"Seoul story {n}", "link": f"https://news.example/{n}", "guid": f"g{n}"}


async def test_every_step_of_a_poll_and_its_ingest_is_timed(
    feeds: FeedServer, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    steps = Steps()
    async with desk(tmp_path, client, steps=steps) as room:
        await room.add_feeds(FeedConfig(feeds.url("/rss"), topics=("World",)))
        await room.subscribe(ANN, "World")
        await room.store.alerts.add(ANN, "seoul", room.clock())
        feeds.serve("/rss", rss([story(1)]))
        await room.poller.poll_due()  # the first poll: stored, nobody alerted
        room.clock.advance(timedelta(minutes=2))
        feeds.serve("/rss", rss([story(2), story(1)]))
        report = await room.poller.poll_due()

    assert (report.new_articles, report.deliveries) == (1, 1)  # one alert: the keyword's
    assert set(steps.calls) == {
        "fetch",
        "parse",
        "known",
        "decide",
        "from_entry",
        "ingest",
        "ingest.mark_seen",
        "ingest.store_edits",
        "ingest.copies",
        "ingest.insert_new",
        "ingest.stories",
        "ingest.stories.outlet",
        "ingest.stories.add",
        "ingest.stories.write",
        "ingest.mutes",
        "ingest.keywords",
        "ingest.enqueue",
        "record",
    }
    assert steps.calls["fetch"] == 2 and steps.calls["from_entry"] == 2  # one a poll
    assert all(seconds >= 0 for seconds in steps.cpu.values())
