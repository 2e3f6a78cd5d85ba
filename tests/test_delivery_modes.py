"""Delivery modes end to end: digests at the chat's own hour in its zone, quiet hours (held or
silent), pauses, forum threads and the buttons under an alert. Time is an injected clock that
runs with real time plus an offset the test moves forward; nothing sleeps."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from news.store import Store
from tests.fakes.feeds import FeedServer
from tests.fakes.telegram import FakeTelegram
from tests.newsroom import FEED, Newsroom, newsroom, story

CHAT = 501
KYIV = ZoneInfo("Europe/Kyiv")


class ShiftedClock:
    """Real time plus an offset: the poller keeps its pace, and the test jumps hours ahead."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta


@asynccontextmanager
async def chat_with(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path, clock: ShiftedClock, **prefs: Any
) -> AsyncIterator[Newsroom]:
    """A running bot whose chat follows Politics with these settings."""
    async with newsroom(telegram, feeds, tmp_path, {CHAT: "Politics"}, clock=clock) as room:
        store = Store.connect(f"sqlite+aiosqlite:///{room.database}")
        try:
            await store.chats.update(CHAT, clock(), **prefs)
        finally:
            await store.close()
        yield room


async def publish_and_poll(room: Newsroom, *stories: dict[str, object]) -> None:
    """Publish, then await the poll after the one that read them: they are stored by then."""
    seen = room.feeds.request_count(FEED)
    room.publish(*stories)
    await room.feeds.wait_for_requests(FEED, seen + 2)


def states(database: Path) -> list[tuple[str, str | None]]:
    """(state, headline) of the chat's outbox rows; the digest's own row has no headline."""
    with sqlite3.connect(database) as db:
        return db.execute(
            "SELECT d.state, a.title FROM deliveries d LEFT JOIN articles a ON a.id = d.article_id"
            " WHERE d.chat_id = ? ORDER BY d.id",
            (CHAT,),
        ).fetchall()


def wall_time(moment: datetime) -> str:
    return moment.astimezone(KYIV).strftime("%H:%M")


async def test_a_digest_chat_gets_one_message_at_its_own_hour_in_its_zone(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    clock = ShiftedClock()
    slot = clock() + timedelta(hours=1)
    async with chat_with(
        telegram, feeds, tmp_path, clock, mode="digest", zone="Europe/Kyiv",
        digest_times=(wall_time(slot),),
    ) as room:  # fmt: skip
        await publish_and_poll(
            room,
            story("talks", "Coalition talks resume"),
            story("vote", "Parliament sets the budget vote"),
        )
        assert states(room.database)[-2:] == [
            ("held", "Coalition talks resume"),
            ("held", "Parliament sets the budget vote"),
        ]
        assert not [m for m in telegram.messages_to(CHAT) if "Coalition" in m.text]

        clock.advance(timedelta(hours=1, minutes=1))
        digest = await telegram.wait_for_message(CHAT, containing="Coalition talks resume")

        assert "Parliament sets the budget vote" in digest.text
        assert "#Politics" in digest.text
        assert digest.link_preview_disabled
        assert [m for m in telegram.messages_to(CHAT) if "Coalition" in m.text] == [digest]
        await telegram.wait_until(lambda: all(s == "sent" for s, _ in states(room.database)))


async def test_the_first_digest_waits_for_the_next_slot_not_the_last_one(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    """Switching to digests at 10:00 with an 08:00 slot must not send a digest at once."""
    clock = ShiftedClock()
    earlier = clock() - timedelta(hours=2)
    async with chat_with(
        telegram, feeds, tmp_path, clock, mode="digest", zone="Europe/Kyiv",
        digest_times=(wall_time(earlier),),
    ) as room:  # fmt: skip
        await publish_and_poll(room, story("talks", "Coalition talks resume"))
        await publish_and_poll(room, story("vote", "Parliament sets the budget vote"))
        assert [s for s, _ in states(room.database)] == ["held", "held"]

        clock.advance(timedelta(hours=22, minutes=1))  # the slot, tomorrow
        digest = await telegram.wait_for_message(CHAT, containing="Coalition talks resume")
        assert "Parliament sets the budget vote" in digest.text


async def test_quiet_hours_hold_alerts_until_they_end(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    clock = ShiftedClock()
    now = clock()
    quiet = f"{wall_time(now - timedelta(hours=1))}-{wall_time(now + timedelta(hours=1))}"
    async with chat_with(telegram, feeds, tmp_path, clock, zone="Europe/Kyiv", quiet=quiet) as room:
        await publish_and_poll(room, story("talks", "Coalition talks resume"))
        assert states(room.database) == [("held", "Coalition talks resume")]

        clock.advance(timedelta(hours=1, minutes=1))
        held = await telegram.wait_for_message(CHAT, containing="Coalition talks resume")

        assert not held.disable_notification  # quiet hours are over: it may ring
        await telegram.wait_until(lambda: all(s == "sent" for s, _ in states(room.database)))


async def test_quiet_hours_can_send_silently_instead(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    clock = ShiftedClock()
    now = clock()
    quiet = f"{wall_time(now - timedelta(hours=1))}-{wall_time(now + timedelta(hours=1))}"
    async with chat_with(
        telegram, feeds, tmp_path, clock, zone="Europe/Kyiv", quiet=quiet, quiet_mode="silent"
    ) as room:
        room.publish(story("talks", "Coalition talks resume"))
        alert = await telegram.wait_for_message(CHAT, containing="Coalition talks resume")
        assert alert.disable_notification


async def test_a_paused_chat_gets_nothing_until_the_pause_ends(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    clock = ShiftedClock()
    async with chat_with(
        telegram, feeds, tmp_path, clock, paused_until=clock() + timedelta(hours=2)
    ) as room:
        await publish_and_poll(room, story("talks", "Coalition talks resume"))
        assert states(room.database) == []  # nothing queued: it would arrive all at once later

        clock.advance(timedelta(hours=2, minutes=1))
        room.publish(story("vote", "Parliament sets the budget vote"))
        await telegram.wait_for_message(CHAT, containing="Parliament sets the budget vote")
        assert not [m for m in telegram.messages_to(CHAT) if "Coalition" in m.text]


async def test_alerts_go_to_the_forum_topic_with_read_and_save_buttons(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    clock = ShiftedClock()
    async with chat_with(telegram, feeds, tmp_path, clock, thread_id=77) as room:
        room.publish(story("talks", "Coalition talks resume"))
        alert = await telegram.wait_for_message(CHAT, containing="Coalition talks resume")

    assert alert.message_thread_id == 77
    assert alert.reply_markup is not None
    [row] = alert.reply_markup["inline_keyboard"]
    assert row[0]["url"] == "https://news.example/talks"
    assert row[1]["callback_data"].startswith("sv:")
    assert "Save" in row[1]["text"]


async def test_a_long_digest_is_split_and_a_failed_part_is_not_sent_twice(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    clock = ShiftedClock()
    slot = clock() + timedelta(hours=1)
    stories = [
        story(f"s{n}", f"Story number {n:02d} " + "with a long headline " * 8, minutes_ago=n)
        for n in range(40)
    ]
    async with chat_with(
        telegram, feeds, tmp_path, clock, mode="digest", zone="Europe/Kyiv",
        digest_times=(wall_time(slot),),
    ) as room:  # fmt: skip
        await publish_and_poll(room, *stories)
        before = len(telegram.messages_to(CHAT))
        telegram.fail_next(
            "sendMessage", status=502, description="Bad Gateway", chat_id=CHAT, after=1
        )  # the second part fails once
        clock.advance(timedelta(hours=1, minutes=1))
        await telegram.wait_until(lambda: all(s == "sent" for s, _ in states(room.database)))

    parts = telegram.messages_to(CHAT)[before:]
    assert len(parts) >= 2
    assert len({part.text for part in parts}) == len(parts)  # no part twice
    every = "\n".join(part.text for part in parts)
    for n in range(40):
        assert f"Story number {n:02d}" in every
