"""Channels: the bot added as an administrator that may post; commands posted in the channel,
cleared away after a delay; losing the right to post and getting it back; ⭐ Save under a
channel's (or group's) alert acting for the reader who pressed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.botrun import running, settings_for
from tests.chatting import answer, answered, buttons, press, say
from tests.clocks import ShiftedClock
from tests.fakes.feeds import FeedServer
from tests.fakes.telegram import FakeTelegram, SentMessage
from tests.newsroom import Newsroom, ask, newsroom, story

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("database_kind")]

CHANNEL, GROUP = -1005001, -1005002
ADMIN, READER, NEWCOMER = 5101, 5102, 5103
FAST: dict[str, Any] = {"channel_command_ttl_seconds": 1}
POST_RIGHTS = frozenset({"post_messages", "edit_messages"})  # no right to delete others' posts


async def post(telegram: FakeTelegram, text: str, expect: str) -> tuple[int, SentMessage]:
    """An administrator posts `text` in the channel; the post's id and the bot's answer."""
    before = len(telegram.messages_to(CHANNEL))
    telegram.user_sends(CHANNEL, text, chat_type="channel", user_id=ADMIN)
    posted = telegram.latest_message_id(CHANNEL)
    return posted, await telegram.wait_for_message(CHANNEL, containing=expect, after=before)


async def quiet_until_handled(telegram: FakeTelegram) -> None:
    """Updates are handled in order: once a private /help is answered, so is all before it."""
    await say(telegram, ADMIN, "/help", "What I can do")


async def channel_state(room: Newsroom) -> tuple[bool, str | None, int | None]:
    async with room.store() as store:
        prefs = await store.chats.prefs(CHANNEL)
    assert prefs is not None
    return prefs.active, prefs.inactive_reason, prefs.added_by


async def test_a_channel_subscribes_by_a_post_and_the_command_and_answer_go_away(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    telegram.admins[CHANNEL] = {ADMIN}
    telegram.bot_membership_changes(CHANNEL, "administrator", chat_type="channel", user_id=ADMIN)
    async with newsroom(telegram, feeds, tmp_path, {}, **FAST) as room:
        command, reply = await post(telegram, "/subscribe Politics", "You now follow")
        assert "Politics" in reply.text
        assert await channel_state(room) == (True, None, ADMIN)

        room.publish(story("vote", "Parliament votes in the channel"))
        alert = await telegram.wait_for_message(CHANNEL, containing="Parliament votes")

        await telegram.wait_until(
            lambda: (
                {(CHANNEL, command), (CHANNEL, reply.message_id)} <= set(telegram.deleted_messages)
            ),
            what="the command and the answer deleted",
        )
        assert (CHANNEL, alert.message_id) not in telegram.deleted_messages  # alerts stay

        # "@thisbot" is ours; another bot's command is left alone, unanswered.
        theirs = telegram.latest_message_id(CHANNEL) + 1
        telegram.user_sends(CHANNEL, "/help@other_bot", chat_type="channel", user_id=ADMIN)
        command, reply = await post(telegram, "/help@newsbot_test_bot", "What I can do")
        await telegram.wait_until(
            lambda: (CHANNEL, reply.message_id) in telegram.deleted_messages,
            what="the second answer deleted",
        )
        assert telegram.messages_to(CHANNEL)[-1] == reply  # nothing said to the other's
        assert (CHANNEL, theirs) not in telegram.deleted_messages


async def test_what_the_bot_may_not_delete_is_dropped_and_the_rest_is_deleted(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    telegram.bot_membership_changes(
        CHANNEL, "administrator", chat_type="channel", rights=POST_RIGHTS
    )
    async with newsroom(telegram, feeds, tmp_path, {}, **FAST):
        first, reply = await post(telegram, "/start", "Hi!")
        await telegram.wait_until(
            lambda: (CHANNEL, reply.message_id) in telegram.deleted_messages,
            what="the bot's own answer deleted",
        )
        # Rounds take turns: by the time a later answer is deleted, a refused post that had
        # stayed listed would have been tried again.
        second, reply = await post(telegram, "/help", "What I can do")
        await telegram.wait_until(
            lambda: (CHANNEL, reply.message_id) in telegram.deleted_messages,
            what="the second answer deleted",
        )
    refused = [p["message_id"] for m, p, _, _ in telegram.rejected if m == "deleteMessage"]
    assert refused == [first, second]  # each tried once, then dropped


async def test_a_restart_forgets_no_deletion(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    telegram.bot_membership_changes(CHANNEL, "administrator", chat_type="channel")
    async with newsroom(telegram, feeds, tmp_path, {}) as room:  # the default minute
        command, reply = await post(telegram, "/start", "Hi!")
    assert telegram.deleted_messages == []

    # Started again a minute later: the first round deletes what the stop left undone.
    later = ShiftedClock()
    later.advance(timedelta(seconds=61))
    async with running(settings_for(telegram, room.url, tmp_path / "feeds.toml"), later):
        await telegram.wait_until(
            lambda: (
                {(CHANNEL, command), (CHANNEL, reply.message_id)} <= set(telegram.deleted_messages)
            ),
            what="both deleted after the restart",
        )


async def test_losing_the_right_to_post_and_getting_it_back(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    telegram.admins[CHANNEL] = {ADMIN}
    telegram.bot_membership_changes(CHANNEL, "administrator", chat_type="channel", user_id=ADMIN)
    async with newsroom(telegram, feeds, tmp_path, {ADMIN: "Politics"}, **FAST) as room:
        await post(telegram, "/subscribe Politics", "You now follow")

        telegram.bot_membership_changes(
            CHANNEL, "administrator", chat_type="channel", user_id=ADMIN, rights=frozenset()
        )
        await quiet_until_handled(telegram)
        assert await channel_state(room) == (False, "bot may not post in the channel", ADMIN)
        room.publish(story("quiet", "Nobody hears this in the channel"))
        # One transaction queues an article for all its readers: once the admin has it, the
        # channel had its turn.
        await telegram.wait_for_message(ADMIN, containing="Nobody hears this")
        assert not any("Nobody hears" in m.text for m in telegram.messages_to(CHANNEL))

        telegram.bot_membership_changes(
            CHANNEL, "administrator", chat_type="channel", user_id=ADMIN
        )
        await quiet_until_handled(telegram)
        assert await channel_state(room) == (True, None, ADMIN)
        room.publish(story("back", "The channel hears this again"))
        await telegram.wait_for_message(CHANNEL, containing="The channel hears this again")
    refused = [d for m, _, _, d in telegram.rejected if m == "sendMessage"]
    assert refused == []  # nothing was even tried while the channel was inactive


async def test_only_the_channels_administrators_press_its_menus(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    telegram.admins[CHANNEL] = {ADMIN}
    telegram.bot_membership_changes(CHANNEL, "administrator", chat_type="channel", user_id=ADMIN)
    async with newsroom(telegram, feeds, tmp_path, {}):
        _, menu = await post(telegram, "/topics", "Topics")
        refused = await press(telegram, CHANNEL, menu.message_id, "tp:+:World", user_id=READER)
        assert refused["text"] == "Sorry, only this channel's administrators can change that."
        assert "➕ World" in buttons(telegram, CHANNEL, menu.message_id).values()
        done = await press(telegram, CHANNEL, menu.message_id, "tp:+:World", user_id=ADMIN)
        assert done["text"] == "✅ You now follow World."


async def test_save_under_a_channel_alert_is_the_readers_own(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    telegram.bot_membership_changes(CHANNEL, "administrator", chat_type="channel")
    async with newsroom(telegram, feeds, tmp_path, {READER: "World"}) as room:
        await post(telegram, "/subscribe Politics", "You now follow")
        room.publish(story("vote", "Parliament votes on the budget"))
        alert = await telegram.wait_for_message(CHANNEL, containing="Parliament votes")
        save = next(data for data in buttons(telegram, CHANNEL, alert.message_id) if data)

        pressed = telegram.press_button(CHANNEL, alert.message_id, save, user_id=READER)
        assert await answered(telegram, pressed) == "Saved ⭐ to your /saved in our private chat."
        again = telegram.press_button(CHANNEL, alert.message_id, save, user_id=READER)
        assert await answered(telegram, again) == "It is in your /saved already."
        assert "Parliament votes" in await ask(telegram, READER, "/saved", "Saved articles")
        assert buttons(telegram, CHANNEL, alert.message_id)[save] == "⭐ Save"  # untouched
        assert telegram.edits == []

        # A reader who never started the bot: the answer opens it, /start finishes the save.
        pressed = telegram.press_button(CHANNEL, alert.message_id, save, user_id=NEWCOMER)
        link = (await answer(telegram, pressed))["url"]
        assert link == f"https://t.me/newsbot_test_bot?start=save_{save[3:]}"
        started = await ask(telegram, NEWCOMER, f"/start save_{save[3:]}", "Saved")
        assert started.startswith("⭐ Saved. /saved lists the articles you keep.")
        assert "Parliament votes" in await ask(telegram, NEWCOMER, "/saved", "Saved articles")
        assert "Nothing saved yet" in await ask(telegram, ADMIN, "/saved", "Nothing saved")
        gone = await ask(telegram, NEWCOMER, "/start save_987654", "gone")
        assert gone.startswith("That article is gone, so I could not save it.")


async def test_save_under_a_group_alert_is_the_readers_own(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {GROUP: "Politics", READER: "World"}) as room:
        room.publish(story("vote", "Parliament votes in the group"))
        alert = await telegram.wait_for_message(GROUP, containing="Parliament votes")
        save = next(data for data in buttons(telegram, GROUP, alert.message_id) if data)
        done = await press(telegram, GROUP, alert.message_id, save, user_id=READER)
        assert done["text"] == "Saved ⭐ to your /saved in our private chat."
        assert "Parliament votes" in await ask(telegram, READER, "/saved", "Saved articles")
        assert "Nothing saved yet" in await ask(telegram, GROUP, "/saved", "Nothing saved")
