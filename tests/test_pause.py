"""/pause, /resume and /stop: a paused chat gets no alerts until it resumes; /stop asks first,
then deletes everything the chat had; /digest says when there is nothing to send."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.chatting import answered
from tests.fakes.feeds import FeedServer
from tests.fakes.telegram import FakeTelegram
from tests.newsroom import FEED, Newsroom, ask, newsroom, story

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("database_kind")]

ANN, BOB = 5101, 5102
GROUP, GROUP_ADMIN, MEMBER = -5200, 5201, 5202
FAST: dict[str, Any] = {
    "private_chat_messages_per_second": 100.0,
    "group_messages_per_minute": 600.0,
}


async def polled(room: Newsroom) -> None:
    """A whole poll has seen what was published before this call."""
    await room.feeds.wait_for_requests(FEED, room.feeds.request_count(FEED) + 2)


async def test_no_alerts_while_paused_and_alerts_again_after_resume(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with newsroom(
        telegram, feeds, tmp_path, {ANN: "Politics", BOB: "Politics"}, **FAST
    ) as room:
        await ask(telegram, ANN, "/resume", "nothing was paused")
        usage = await ask(telegram, ANN, "/pause soonish", "Pause for how long?")
        assert "/pause 2h" in usage and "/resume" in usage
        await ask(telegram, ANN, "/pause 45d", "30 days at most")
        paused = await ask(telegram, ANN, "/pause 1h", "Alerts paused until")
        assert "/resume" in paused and "/latest" in paused

        room.publish(story("quiet", "Story while Ann is paused"))
        await telegram.wait_for_message(BOB, containing="Story while Ann is paused")
        await polled(room)
        await ask(telegram, ANN, "/resume", "Alerts are back on")
        room.publish(story("loud", "Story after Ann resumed"))
        await telegram.wait_for_message(ANN, containing="Story after Ann resumed")
        assert not [m for m in telegram.messages_to(ANN) if "while Ann is paused" in m.text]

        forever = await ask(telegram, ANN, "/pause", "Alerts paused until you send /resume")
        assert "/latest" in forever
        room.publish(story("later", "Ferry timetable changes for the winter"))
        await telegram.wait_for_message(BOB, containing="Ferry timetable changes for the winter")
        await polled(room)
        assert not [m for m in telegram.messages_to(ANN) if "Ferry timetable" in m.text]
        await ask(telegram, ANN, "/resume", "Alerts are back on")

        nothing = await ask(telegram, ANN, "/digest", "Nothing new since your last digest")
        assert "/latest" in nothing
    assert telegram.rejected == []


async def test_stop_asks_first_then_deletes_everything(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with newsroom(
        telegram, feeds, tmp_path, {ANN: "Politics", BOB: "Politics"}, **FAST
    ) as room:
        await ask(telegram, ANN, "/subscribe World", "You now follow")
        await ask(telegram, ANN, "/alert add budget", "Alert added")

        question = await ask(telegram, ANN, "/stop", "Stop and delete everything?")
        assert "/pause" in question
        asked = telegram.messages_to(ANN)[-1]
        labels = [(b["text"], b["callback_data"]) for b in asked.reply_markup["inline_keyboard"][0]]  # type: ignore[index]
        assert labels == [("Yes, delete everything", "stop:yes"), ("Cancel", "stop:no")]
        telegram.press_button(ANN, asked.message_id, "stop:no")
        await telegram.wait_until(
            lambda: telegram.message_state(ANN, asked.message_id)["text"].startswith("Nothing"),
            what="the question edited: cancelled",
        )
        assert "1. budget" in await ask(telegram, ANN, "/alert list", "Your alerts")

        await ask(telegram, ANN, "/stop", "Stop and delete everything?")
        asked = telegram.messages_to(ANN)[-1]
        telegram.press_button(ANN, asked.message_id, "stop:yes")
        await telegram.wait_until(
            lambda: telegram.message_state(ANN, asked.message_id)["text"].startswith("👋 Done"),
            what="the goodbye in place of the question",
        )
        assert "reply_markup" not in telegram.message_state(ANN, asked.message_id)

        topics = await ask(telegram, ANN, "/topics", "Politics")
        assert not [line for line in topics.splitlines() if line.startswith("✅")]
        assert not any(
            "✅" in button.get("text", "")
            for row in (telegram.messages_to(ANN)[-1].reply_markup or {}).get("inline_keyboard", [])
            for button in row
        )
        await ask(telegram, ANN, "/alert list", "no keyword alerts yet")
        await ask(telegram, ANN, "/saved", "Nothing saved yet")

        room.publish(story("after", "Story after Ann stopped"))
        await telegram.wait_for_message(BOB, containing="Story after Ann stopped")
        await polled(room)
        assert not [m for m in telegram.messages_to(ANN) if "after Ann stopped" in m.text]
    assert telegram.rejected == []


async def test_in_a_group_only_admins_pause_or_stop(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    telegram.admins[GROUP] = {GROUP_ADMIN}
    async with newsroom(telegram, feeds, tmp_path, {}, **FAST):

        async def in_group(user: int, text: str, expect: str) -> str:
            before = len(telegram.messages_to(GROUP))
            telegram.user_sends(GROUP, text, chat_type="group", user_id=user)
            message = await telegram.wait_for_message(GROUP, containing=expect, after=before)
            return message.text

        await in_group(MEMBER, "/pause 2h", "only this group's administrators")
        await in_group(GROUP_ADMIN, "/pause 2h", "Alerts paused until")
        await in_group(MEMBER, "/resume", "only this group's administrators")
        await in_group(MEMBER, "/stop", "only this group's administrators")
        await in_group(GROUP_ADMIN, "/stop", "Stop and delete everything?")
        asked = telegram.messages_to(GROUP)[-1]
        press = telegram.press_button(GROUP, asked.message_id, "stop:yes", user_id=MEMBER)
        assert "administrators" in str(await answered(telegram, press))
        assert "Stop and delete" in telegram.message_state(GROUP, asked.message_id)["text"]
        forged = telegram.press_button(GROUP, asked.message_id, "stop:maybe", check_button=False)
        assert await answered(telegram, forged) == "This button no longer works."
        telegram.press_button(GROUP, asked.message_id, "stop:yes", user_id=GROUP_ADMIN)
        await telegram.wait_until(
            lambda: telegram.message_state(GROUP, asked.message_id)["text"].startswith("👋"),
            what="the group's data deleted",
        )
    assert telegram.rejected == []


async def test_digest_sends_what_was_held_now(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {ANN: "Politics"}, **FAST) as room:
        await ask(telegram, ANN, "/digest", "Nothing new since your last digest")
        await ask(telegram, ANN, "/mode digest", "digest")
        room.publish(story("held", "Story held for the digest"))
        await polled(room)
        assert not [m for m in telegram.messages_to(ANN) if "held for the digest" in m.text]

        before = len(telegram.messages_to(ANN))
        telegram.user_sends(ANN, "/digest")
        digest = await telegram.wait_for_message(
            ANN, containing="held for the digest", after=before
        )
        assert "Nothing new" not in digest.text
        # Everything held went out: asking again finds nothing.
        await ask(telegram, ANN, "/digest", "Nothing new since your last digest")
    assert telegram.rejected == []
