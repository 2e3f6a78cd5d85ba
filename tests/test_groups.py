"""Groups and forums: only administrators change a group (commands and buttons alike), asked of
Telegram and remembered briefly; @botname commands work; a forum's alerts go to the topic where
the group subscribed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from telegram import Chat, Message, Update, User
from telegram.ext import ExtBot

from bot.groups import GroupAdmins
from tests.chatting import buttons, press, say, text_of
from tests.fakes.feeds import FeedServer
from tests.fakes.telegram import FakeTelegram
from tests.newsroom import newsroom, story

GROUP, FORUM = -1003001, -1003002
ADMIN, MEMBER = 3301, 3302
REFUSAL = "Sorry, only this group's administrators can change that."


@pytest.mark.slow
@pytest.mark.usefixtures("database_kind")
async def test_only_administrators_change_a_group(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    telegram.admins[GROUP] = {ADMIN}
    async with newsroom(telegram, feeds, tmp_path, {}):
        refused = await say(telegram, GROUP, "/subscribe Politics", "Sorry", user_id=MEMBER)
        assert refused.text == REFUSAL
        await say(telegram, GROUP, "/mode digest", REFUSAL, user_id=MEMBER)
        await say(telegram, GROUP, "/quiet 23:00-07:00", REFUSAL, user_id=MEMBER)
        done = await say(
            telegram, GROUP, "/subscribe@newsbot_test_bot Politics", "You now follow", user_id=ADMIN
        )
        assert "Politics" in done.text

        # Anyone may look; only an administrator's press changes anything.
        menu = await say(telegram, GROUP, "/topics", "Topics", user_id=MEMBER)
        answer = await press(telegram, GROUP, menu.message_id, "tp:+:World", user_id=MEMBER)
        assert answer["text"] == REFUSAL and answer.get("show_alert") is True
        assert "➕ World" in buttons(telegram, GROUP, menu.message_id).values()
        answer = await press(telegram, GROUP, menu.message_id, "tp:+:World", user_id=ADMIN)
        assert answer["text"] == "✅ You now follow World."

        settings = await say(telegram, GROUP, "/settings@newsbot_test_bot", "Settings")
        answer = await press(telegram, GROUP, settings.message_id, "st:mode:digest", user_id=MEMBER)
        assert answer["text"] == REFUSAL
        assert "each article as it comes" in text_of(telegram, GROUP, settings.message_id)
        await press(telegram, GROUP, settings.message_id, "st:mode:digest", user_id=ADMIN)
        assert "Delivery: digests" in text_of(telegram, GROUP, settings.message_id)

        topics = await say(telegram, GROUP, "/topics@newsbot_test_bot", "Topics", user_id=MEMBER)
        assert "✅ Politics" in topics.text and "✅ World" in topics.text

    # Telegram was asked once per member, not at every command or press.
    asked = [p["user_id"] for m, p in telegram.calls if m == "getChatMember"]
    assert sorted(asked) == [ADMIN, MEMBER]


async def test_a_demoted_admin_is_refused_once_the_cache_expires(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    # The cache on its own clock, against the fake's getChatMember (no bot needed around it).
    now = [0.0]
    admins = GroupAdmins(clock=lambda: now[0])
    telegram.admins[GROUP] = {ADMIN}
    bot = ExtBot(telegram.token, base_url=telegram.base_url)
    async with bot:
        chat = Chat(GROUP, "supergroup")
        user = User(ADMIN, "Ann", is_bot=False)
        message = Message(1, datetime.now(UTC), chat, from_user=user, text="/mode digest")
        update = Update(1, message=message)
        update.set_bot(bot)
        message.set_bot(bot)
        assert await admins.may_change(update)
        telegram.admins[GROUP] = set()
        now[0] = 59.0
        assert await admins.may_change(update)  # still remembered
        now[0] = 61.0
        assert not await admins.may_change(update)
    assert sum(m == "getChatMember" for m, _ in telegram.calls) == 2


@pytest.mark.slow
@pytest.mark.usefixtures("database_kind")
async def test_forum_alerts_go_to_the_topic_where_the_group_subscribed(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    telegram.admins[FORUM] = {ADMIN}
    async with newsroom(telegram, feeds, tmp_path, {}) as room:
        reply = await say(
            telegram, FORUM, "/subscribe Politics", "You now follow",
            user_id=ADMIN, message_thread_id=7,
        )  # fmt: skip
        assert reply.message_thread_id == 7  # the reply stays in the topic too
        room.publish(story("first", "Parliament meets in the forum topic"))
        alert = await telegram.wait_for_message(FORUM, containing="Parliament meets")
        assert alert.message_thread_id == 7

        # Following another topic from another forum topic moves the alerts there.
        menu = await say(telegram, FORUM, "/topics", "Topics", user_id=ADMIN, message_thread_id=9)
        assert menu.message_thread_id == 9
        await press(telegram, FORUM, menu.message_id, "tp:+:World", user_id=ADMIN)
        room.publish(story("second", "Budget passes in the other topic"))
        alert = await telegram.wait_for_message(FORUM, containing="Budget passes")
        assert alert.message_thread_id == 9


async def test_a_chats_administrators_are_asked_once_a_minute(telegram: FakeTelegram) -> None:
    # /channels and the menus it opens: one getChatAdministrators answers for every member.
    now, channel = [0.0], -1001234567890
    admins = GroupAdmins(clock=lambda: now[0])
    telegram.chats[channel] = {"id": channel, "type": "channel", "title": "Kyiv Daily"}
    telegram.admins[channel] = {ADMIN}
    async with ExtBot(telegram.token, base_url=telegram.base_url) as bot:
        assert await admins.administers(bot, channel, ADMIN)
        assert not await admins.administers(bot, channel, MEMBER)
        telegram.admins[channel] = {MEMBER}
        now[0] = 59.0
        assert await admins.administers(bot, channel, ADMIN)  # still remembered
        now[0] = 61.0
        assert not await admins.administers(bot, channel, ADMIN)
        assert await admins.administers(bot, channel, MEMBER)
        telegram.block(channel)  # the bot was removed: Telegram no longer says, nobody may
        now[0] = 130.0
        assert not await admins.administers(bot, channel, MEMBER)
        telegram.unblock(channel)  # a refusal is not remembered
        assert await admins.administers(bot, channel, MEMBER)
    assert sum(m == "getChatAdministrators" for m, _ in telegram.calls) == 4
