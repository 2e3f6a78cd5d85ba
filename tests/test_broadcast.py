"""/broadcast: an admin's announcement, confirmed with a button, to every active chat through
the outbox at the limits; nobody else can send one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from tests.botrun import running, settings_for
from tests.databases import database_of_test
from tests.fakes.feeds import FeedServer, rss
from tests.fakes.telegram import FakeTelegram
from tests.newsroom import ask

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("database_kind")]

ADMIN, ANN, BOB, CAROL = 700, 701, 702, 703


@asynccontextmanager
async def admin_bot(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> AsyncIterator[None]:
    """The real bot with one (quiet) feed and ADMIN as its operator."""
    feeds.serve("/news.xml", rss([]))
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text(f'[topics]\nWorld = []\n\n[[feeds]]\nurl = "{feeds.url("/news.xml")}"\n')
    database = database_of_test()
    settings = settings_for(telegram, database, feeds_file, admin_ids=frozenset({ADMIN}))
    async with running(settings):
        yield


TEXT = "Maintenance at 22:00 UTC <b>tonight</b> & tomorrow.\nBack soon!"


async def test_an_announcement_reaches_every_active_chat_once_after_confirmation(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with admin_bot(telegram, feeds, tmp_path):
        for chat in (ANN, BOB, CAROL):
            await ask(telegram, chat, "/start", "Hi")
        telegram.bot_membership_changes(CAROL, "kicked")  # Carol blocks the bot
        refused = await ask(telegram, ANN, f"/broadcast {TEXT}", "I don't know that command")
        assert "Maintenance" not in refused

        preview = await ask(telegram, ADMIN, f"/broadcast {TEXT}", "Announcement to")
        assert preview.startswith("Announcement to 2 chats")  # Ann and Bob; Carol left
        assert "📢 Maintenance at 22:00 UTC <b>tonight</b> & tomorrow.\nBack soon!" in preview
        message = telegram.messages_to(ADMIN)[-1]
        assert [m.text for m in telegram.messages_to(ANN) if "Maintenance" in m.text] == []

        telegram.press_button(ADMIN, message.message_id, "bc:send:1", user_id=ANN)  # not hers
        telegram.press_button(ADMIN, message.message_id, "bc:send:1")
        telegram.press_button(ADMIN, message.message_id, "bc:send:1")  # a double tap
        for chat in (ANN, BOB):
            got = await telegram.wait_for_message(chat, containing="📢 Maintenance")
            assert got.text == f"📢 {TEXT}" and got.entities == ()
        await telegram.wait_until(
            lambda: len(telegram.callback_answers) == 3 and len(telegram.edits) == 1,
            what="three button presses answered, the preview edited once",
        )
    for chat in (ANN, BOB):
        assert sum("📢 Maintenance" in m.text for m in telegram.messages_to(chat)) == 1
    assert not [m for m in telegram.messages_to(CAROL) if "Maintenance" in m.text]
    answers = [a.get("text") for a in telegram.callback_answers]
    assert "This button is not for you." in answers
    assert "This announcement was already decided." in answers
    edited = telegram.message_state(ADMIN, message.message_id)["text"]
    assert edited == "📢 Announcement queued for 2 chats; it goes out at Telegram's speed limits."


async def test_a_cancelled_or_empty_announcement_goes_nowhere(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with admin_bot(telegram, feeds, tmp_path):
        await ask(telegram, ANN, "/start", "Hi")
        usage = await ask(telegram, ADMIN, "/broadcast", "Send the announcement after")
        assert "/broadcast The bot will be down" in usage
        long = await ask(telegram, ADMIN, "/broadcast " + "x" * 4000, "characters")
        assert long == "That is 4000 characters; an announcement can have 3500 at most."
        await ask(telegram, ADMIN, "/broadcast Never mind", "Announcement to 1 chats")
        preview = telegram.messages_to(ADMIN)[-1]
        telegram.press_button(ADMIN, preview.message_id, "bc:cancel:1")
        await telegram.wait_until(lambda: len(telegram.edits) == 1, what="the preview edited")
        # A client that still shows the old buttons: too late.
        telegram.press_button(ADMIN, preview.message_id, "bc:send:1", check_button=False)
        await telegram.wait_until(lambda: len(telegram.callback_answers) == 2, what="answered")
        await ask(telegram, ANN, "/topics", "Topics")  # every update before it was handled
    assert telegram.message_state(ADMIN, preview.message_id)["text"] == (
        "Announcement cancelled; nobody got it."
    )
    assert not [m for m in telegram.messages_to(ANN) if "Never mind" in m.text]
