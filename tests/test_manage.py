"""/channels: an administrator manages a channel from a private chat, through the fake Bot API.

The channel is one the bot knows (recorded as joining it records it); Telegram is asked who
administers it at each press and answer (at most a minute old), so a member who administers
nothing sees nothing, a forged press is refused, and a former administrator changes nothing.
Typed input goes through a ForceReply prompt kept in the database: answered after a restart,
it still lands on the channel.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from news.records import ChatProfile
from tests.chatting import alerts, buttons, press, say, text_of
from tests.clocks import ShiftedClock
from tests.fakes.feeds import FeedServer
from tests.fakes.telegram import FakeTelegram, SentMessage
from tests.newsroom import Newsroom, newsroom, story

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("database_kind")]

CHANNEL, GROUP = -1001234567890, -1009876543210
ADMIN, READER = 4401, 4402
TITLE = "Kyiv <Daily>"
HEADER = f"📢 {TITLE}\n\n"
GONE_ANSWER = "I am no longer in that chat, so it can't be changed from here."
AT = f"@{CHANNEL}:"
ADD_LINK = (
    "https://t.me/newsbot_test_bot?startchannel&admin=post_messages+edit_messages+delete_messages"
)


async def known_channel(telegram: FakeTelegram, room: Newsroom, *admins: int) -> None:
    """The bot is an administrator of the channel, and has recorded it."""
    telegram.chats[CHANNEL] = {"id": CHANNEL, "type": "channel", "title": TITLE}
    telegram.admins[CHANNEL] = set(admins)
    async with room.store() as store:
        await store.chats.back(ChatProfile(CHANNEL, kind="channel", title=TITLE), _now())
    # Then Telegram's side: the bot may post there (the update finds the channel recorded).
    telegram.bot_membership_changes(CHANNEL, "administrator", chat_type="channel")


def _now() -> datetime:
    return datetime.now(UTC)


async def open_menu(telegram: FakeTelegram, user: int, menu: str) -> SentMessage:
    """/channels, the channel, then one of its menus; returns the message showing it."""
    listing = await say(telegram, user, "/channels", "Your channels and groups")
    await press(telegram, user, listing.message_id, AT + "mg:home")
    await press(telegram, user, listing.message_id, AT + f"mg:{menu}")
    return listing


async def ask_for_alert(telegram: FakeTelegram, user: int) -> SentMessage:
    """The alerts menu's ➕: the prompt that asks for the words."""
    menu = await open_menu(telegram, user, "alerts")
    before = len(telegram.messages_to(user))
    await press(telegram, user, menu.message_id, AT + "ask:alerts")
    prompt = await telegram.wait_for_message(user, containing="Which words", after=before)
    assert prompt.text.startswith(HEADER)
    assert prompt.reply_markup is not None and prompt.reply_markup["force_reply"] is True
    return prompt


async def test_an_administrator_manages_a_channel_from_a_private_chat(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {}) as room:
        await known_channel(telegram, room, ADMIN)
        listing = await say(telegram, ADMIN, "/channels", "Your channels and groups")
        assert buttons(telegram, ADMIN, listing.message_id)[AT + "mg:home"] == f"📢 {TITLE}"
        menu = listing.message_id
        await press(telegram, ADMIN, menu, AT + "mg:home")
        assert text_of(telegram, ADMIN, menu).startswith(HEADER + "What would you like to change?")
        assert set(buttons(telegram, ADMIN, menu)) == {
            AT + "mg:topics", AT + "mg:settings", AT + "mg:alerts", AT + "mg:mutes",
            AT + "mg:latest", "ch:all",
        }  # fmt: skip

        # Topics: the channel follows Politics, and the next article arrives there.
        await press(telegram, ADMIN, menu, AT + "mg:topics")
        assert text_of(telegram, ADMIN, menu).startswith(HEADER + "Topics")
        answer = await press(telegram, ADMIN, menu, AT + "tp:+:Politics")
        assert answer["text"] == f"✅ {TITLE} now follows Politics."
        assert buttons(telegram, ADMIN, menu)[AT + "tp:-:Politics"] == "✅ Politics"
        room.publish(story("ch1", "Parliament votes on the budget"))
        await telegram.wait_for_message(CHANNEL, containing="Parliament votes")
        assert alerts(telegram, ADMIN, "Parliament votes") == 0  # not the administrator's chat

        # Keyword alerts: asked for with a prompt, the answer lands on the channel.
        prompt = await ask_for_alert(telegram, ADMIN)
        added = await say(telegram, ADMIN, "North Korea", "Alert added", reply_to=prompt.message_id)
        assert added.text.startswith(HEADER + "🔔 Alert added: north korea")
        assert "1. north korea" in added.text
        async with room.store() as store:
            assert await store.alerts.texts(CHANNEL) == ["north korea"]
            assert await store.alerts.texts(ADMIN) == []
        sport = story("ch2", "North Korea wins the match") | {"categories": ["Sport"]}
        room.publish(sport)
        alert = await telegram.wait_for_message(CHANNEL, containing="North Korea wins")
        assert alert.text.startswith("🔔 Your alert: “north korea”")
        # Answered once: a second reply to the same prompt is chatter.
        await say(telegram, ADMIN, "Brexit", "", reply_to=prompt.message_id)
        [(drop, label)] = [
            (data, label)
            for data, label in buttons(telegram, ADMIN, added.message_id).items()
            if data.startswith(AT + "ad:")
        ]
        assert label == "✖ 1. north korea"
        answer = await press(telegram, ADMIN, added.message_id, drop)
        assert answer["text"] == "Removed: north korea"
        assert "No keyword alerts yet" in text_of(telegram, ADMIN, added.message_id)
        again = await press(telegram, ADMIN, added.message_id, drop, check_button=False)
        assert again["text"] == "That alert was already removed."

        # Settings, in the administrator's language; the channel's own language shown.
        settings = await open_menu(telegram, ADMIN, "settings")
        shown = text_of(telegram, ADMIN, settings.message_id)
        assert shown.startswith(HEADER + "Settings") and "Language: English" in shown
        assert "/digest_time" not in shown  # those commands would change the private chat
        answer = await press(telegram, ADMIN, settings.message_id, AT + "st:lang:uk")
        assert answer["text"] == "✅ Saved"
        shown = text_of(telegram, ADMIN, settings.message_id)
        assert shown.startswith(HEADER + "Settings") and "Language: Українська" in shown
        await press(telegram, ADMIN, settings.message_id, AT + "st:mode:digest")
        assert "Delivery: digests at 08:00, 19:00" in text_of(telegram, ADMIN, settings.message_id)
        async with room.store() as store:
            channel, own = await store.chats.prefs(CHANNEL), await store.chats.prefs(ADMIN)
        assert channel is not None and channel.language == "uk" and channel.mode == "digest"
        assert own is not None and own.language != "uk" and own.mode == "instant"

        # Latest: a page of headlines under the channel's name, with More for the channel.
        latest = await open_menu(telegram, ADMIN, "latest")
        page = await telegram.wait_for_message(ADMIN, containing="North Korea wins")
        assert page.text.startswith(HEADER) and page.message_id > latest.message_id

        # The menu of menus stays above the page, and leads back to the list.
        await press(telegram, ADMIN, latest.message_id, "ch:all")
        assert text_of(telegram, ADMIN, latest.message_id).startswith("Your channels and groups")


async def test_only_administrators_see_and_change_a_channel(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    clock = ShiftedClock()
    async with newsroom(telegram, feeds, tmp_path, {}, clock=clock) as room:
        await known_channel(telegram, room, ADMIN)
        empty = await say(telegram, READER, "/channels", "I know no channel")
        assert ADD_LINK in empty.links()
        assert empty.reply_markup == {
            "inline_keyboard": [[{"text": "➕ Add me to a channel", "url": ADD_LINK}]]
        }
        # A forged press from someone who administers nothing changes nothing.
        forged = await press(
            telegram, READER, empty.message_id, AT + "tp:+:World", check_button=False
        )
        assert forged["text"] == f"Only administrators of {TITLE} can change it."
        assert forged["show_alert"] is True
        async with room.store() as store:
            assert await store.chats.topics(CHANNEL) == set()

        # The administrator opens the topics and a prompt, then is no longer one.
        topics = await open_menu(telegram, ADMIN, "topics")
        prompt = await ask_for_alert(telegram, ADMIN)
        telegram.admins[CHANNEL] = {READER}
        refused = await press(telegram, ADMIN, topics.message_id, AT + "tp:+:World")
        assert refused["text"] == "✅ Kyiv <Daily> now follows World."  # Telegram's minute
        clock.advance(timedelta(seconds=61))
        refused = await press(telegram, ADMIN, topics.message_id, AT + "tp:-:World")
        assert refused["text"] == f"Only administrators of {TITLE} can change it."
        answer = await say(telegram, ADMIN, "Brexit", "Only", reply_to=prompt.message_id)
        assert answer.text == f"Only administrators of {TITLE} can change it."
        async with room.store() as store:
            assert await store.chats.topics(CHANNEL) == {"World"}
            assert await store.alerts.texts(CHANNEL) == []
        await say(telegram, ADMIN, "/channels", "I know no channel")
        await say(telegram, READER, "/channels", "Your channels and groups")

        # The bot removed from the channel: nobody manages it from here any more.
        async with room.store() as store:
            await store.chats.gone(CHANNEL, "bot was removed")
        await say(telegram, READER, "/channels", "I know no channel")
        gone = await press(telegram, READER, topics.message_id, AT + "mg:home", check_button=False)
        assert gone["text"] == GONE_ANSWER
        async with room.store() as store:
            assert await store.chats.topics(CHANNEL) == {"World"}

        # Not in a group: the list is the user's own.
        telegram.admins[GROUP] = {ADMIN}
        there = await say(telegram, GROUP, "/channels", "private chat", user_id=ADMIN)
        assert "@newsbot_test_bot" in there.text


async def test_a_prompt_answered_after_a_restart_lands_on_the_channel(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {}) as room:
        await known_channel(telegram, room, ADMIN)
        prompt = await ask_for_alert(telegram, ADMIN)
    async with newsroom(telegram, feeds, tmp_path, {}) as room:
        added = await say(
            telegram, ADMIN, '"Kim Jong Un" -sport', "Alert added", reply_to=prompt.message_id
        )
        assert added.text.startswith(HEADER + '🔔 Alert added: "kim jong un" -sport')
        async with room.store() as store:
            assert await store.alerts.texts(CHANNEL) == ['"kim jong un" -sport']


async def test_a_mute_typed_through_the_prompt_lands_on_the_channel(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {}) as room:
        await known_channel(telegram, room, ADMIN)
        async with room.store() as store:
            await store.chats.follow(ChatProfile(CHANNEL, kind="channel"), {"Politics"}, _now())
        menu = await open_menu(telegram, ADMIN, "mutes")
        assert text_of(telegram, ADMIN, menu.message_id).startswith(HEADER + "Nothing is muted")
        before = len(telegram.messages_to(ADMIN))
        await press(telegram, ADMIN, menu.message_id, AT + "ask:mutes")
        prompt = await telegram.wait_for_message(
            ADMIN, containing="What should I mute", after=before
        )
        assert prompt.reply_markup is not None and prompt.reply_markup["force_reply"] is True
        muted = await say(telegram, ADMIN, "football", "Muted", reply_to=prompt.message_id)
        assert muted.text.startswith(HEADER + "🔇 Muted: football")
        async with room.store() as store:
            assert [mute.value for mute in await store.mutes.of(CHANNEL)] == ["football"]
            assert await store.mutes.of(ADMIN) == []

        room.publish(
            story("m1", "Football club sacks its coach"),
            story("m2", "Parliament passes the budget"),
        )
        await telegram.wait_for_message(CHANNEL, containing="Parliament passes")
        async with room.store() as store:
            queued = [entry.title for entry in await store.outbox.entries(CHANNEL)]
        assert queued == ["Parliament passes the budget"]  # the muted one was never queued
