"""Delivery modes: digests at the chat's own hour in its zone, quiet hours (held or silent),
pauses, forum threads and the buttons under an alert. The Sender and the DigestJob on a real
store and the fake Bot API; time is real time plus an offset the test moves forward."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from news.store.outbox import OutboxEntry
from tests import stock
from tests.dispatch import dispatch
from tests.fakes.telegram import FakeTelegram
from tests.stock import article

pytestmark = pytest.mark.usefixtures("database_kind")

CHAT, CHANNEL = 501, -1005501
KYIV = ZoneInfo("Europe/Kyiv")
TALKS = article("talks", "Politics", title="Coalition talks resume")
VOTE = article("vote", "Politics", title="Parliament sets the budget vote")


def wall_time(moment: datetime) -> str:
    return moment.astimezone(KYIV).strftime("%H:%M")


def sent(entries: list[OutboxEntry]) -> bool:
    return all(entry.state == "sent" for entry in entries)


async def test_a_digest_chat_gets_one_message_at_its_own_hour_in_its_zone(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    async with dispatch(telegram, tmp_path) as post:
        slot = post.clock() + timedelta(hours=1)
        await post.follow(
            CHAT, "Politics", mode="digest", zone="Europe/Kyiv", digest_times=(wall_time(slot),)
        )
        await post.publish(TALKS, VOTE)
        assert [(e.state, e.title) for e in await post.entries(CHAT)] == [
            ("held", "Coalition talks resume"),
            ("held", "Parliament sets the budget vote"),
        ]
        assert await post.advance(timedelta(minutes=59)) == 0  # not yet

        assert await post.advance(timedelta(minutes=2)) == 1
        digest = await telegram.wait_for_message(CHAT, containing="Coalition talks resume")

        assert "Parliament sets the budget vote" in digest.text
        assert "#Politics" in digest.text
        assert digest.link_preview_disabled
        assert [m for m in telegram.messages_to(CHAT) if "Coalition" in m.text] == [digest]
        await post.until(CHAT, sent, what="the digest and its articles sent")


async def test_the_first_digest_waits_for_the_next_slot_not_the_last_one(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    """Switching to digests at 10:00 with an 08:00 slot must not send a digest at once."""
    async with dispatch(telegram, tmp_path) as post:
        earlier = post.clock() - timedelta(hours=2)
        await post.follow(
            CHAT, "Politics", mode="digest", zone="Europe/Kyiv", digest_times=(wall_time(earlier),)
        )
        await post.publish(TALKS)
        assert await post.advance(timedelta(minutes=1)) == 0
        await post.publish(VOTE)
        assert [e.state for e in await post.entries(CHAT)] == ["held", "held"]

        assert await post.advance(timedelta(hours=22)) == 1  # the slot, tomorrow
        digest = await telegram.wait_for_message(CHAT, containing="Coalition talks resume")
        assert "Parliament sets the budget vote" in digest.text


async def test_quiet_hours_hold_alerts_until_they_end(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    async with dispatch(telegram, tmp_path) as post:
        now = post.clock()
        quiet = f"{wall_time(now - timedelta(hours=1))}-{wall_time(now + timedelta(hours=1))}"
        await post.follow(CHAT, "Politics", zone="Europe/Kyiv", quiet=quiet)
        await post.publish(TALKS)
        held = await post.until(CHAT, lambda e: e[0].state == "held", what="held")
        assert [(e.state, e.title) for e in held] == [("held", "Coalition talks resume")]

        assert await post.advance(timedelta(hours=1, minutes=1)) == 1
        alert = await telegram.wait_for_message(CHAT, containing="Coalition talks resume")

        assert not alert.disable_notification  # quiet hours are over: it may ring
        await post.until(CHAT, sent, what="the digest and its article sent")


async def test_quiet_hours_can_send_silently_instead(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    async with dispatch(telegram, tmp_path) as post:
        now = post.clock()
        quiet = f"{wall_time(now - timedelta(hours=1))}-{wall_time(now + timedelta(hours=1))}"
        await post.follow(CHAT, "Politics", zone="Europe/Kyiv", quiet=quiet, quiet_mode="silent")
        await post.publish(TALKS)
        alert = await telegram.wait_for_message(CHAT, containing="Coalition talks resume")
        assert alert.disable_notification


async def test_a_channel_has_its_digests_and_quiet_hours_as_any_chat(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    telegram.bot_membership_changes(CHANNEL, "administrator", chat_type="channel")
    async with dispatch(telegram, tmp_path) as post:
        slot = post.clock() + timedelta(hours=1)
        await stock.follow(post.store, CHANNEL, "Politics", kind="channel", now=post.clock())
        await post.store.chats.update(
            CHANNEL, post.clock(), mode="digest", zone="Europe/Kyiv", digest_times=[wall_time(slot)]
        )
        await post.publish(TALKS)
        assert await post.advance(timedelta(hours=1, minutes=1)) == 1
        digest = await telegram.wait_for_message(CHANNEL, containing="Coalition talks resume")
        assert "#Politics" in digest.text

        now = post.clock()
        quiet = f"{wall_time(now - timedelta(hours=1))}-{wall_time(now + timedelta(hours=1))}"
        await post.store.chats.update(
            CHANNEL, now, mode="instant", quiet=quiet, quiet_mode="silent"
        )
        await post.publish(VOTE)
        alert = await telegram.wait_for_message(CHANNEL, containing="Parliament sets the budget")
        assert alert.disable_notification


async def test_a_paused_chat_gets_nothing_until_the_pause_ends(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    async with dispatch(telegram, tmp_path) as post:
        await post.follow(CHAT, "Politics", paused_until=post.clock() + timedelta(hours=2))
        await post.publish(TALKS)
        assert await post.entries(CHAT) == []  # nothing queued: it would arrive all at once later

        await post.advance(timedelta(hours=2, minutes=1))
        await post.publish(VOTE)
        await telegram.wait_for_message(CHAT, containing="Parliament sets the budget vote")
        assert not [m for m in telegram.messages_to(CHAT) if "Coalition" in m.text]


async def test_alerts_go_to_the_forum_topic_with_read_and_save_buttons(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    async with dispatch(telegram, tmp_path) as post:
        await post.follow(CHAT, "Politics", thread_id=77)
        await post.publish(TALKS)
        alert = await telegram.wait_for_message(CHAT, containing="Coalition talks resume")

    assert alert.message_thread_id == 77
    assert alert.reply_markup is not None
    [row] = alert.reply_markup["inline_keyboard"]
    assert row[0]["url"] == "https://news.example/talks"
    assert row[1]["callback_data"].startswith("sv:")
    assert "Save" in row[1]["text"]


async def test_a_long_digest_is_split_and_a_failed_part_is_not_sent_twice(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    stories = [
        article(f"s{n}", "Politics", title=f"Story number {n:02d} " + "with a long headline " * 8)
        for n in range(40)
    ]
    async with dispatch(telegram, tmp_path) as post:
        slot = post.clock() + timedelta(hours=1)
        await post.follow(
            CHAT, "Politics", mode="digest", zone="Europe/Kyiv", digest_times=(wall_time(slot),)
        )
        await post.publish(*stories)
        telegram.fail_next(
            "sendMessage", status=502, description="Bad Gateway", chat_id=CHAT, after=1
        )  # the second part fails once
        assert await post.advance(timedelta(hours=1, minutes=1)) == 1
        await post.until(CHAT, sent, what="the digest and its articles sent")

    parts = telegram.messages_to(CHAT)
    assert len(parts) >= 2
    assert [r[2] for r in telegram.rejected] == [502]  # the failure did happen, once
    assert len({part.text for part in parts}) == len(parts)  # no part twice
    every = "\n".join(part.text for part in parts)
    for n in range(40):
        assert f"Story number {n:02d}" in every
