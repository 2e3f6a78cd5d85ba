"""/topics: a toggle button per topic that follows or unfollows and redraws the same message,
with stateless callback data that still works after a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings
from tests.botrun import running, settings_for
from tests.chatting import buttons, press, say, text_of
from tests.databases import database_of_test
from tests.fakes.feeds import FeedServer, rss
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.usefixtures("database_kind")

ANN = 3101
LONG = "Регіональні новини та події громад Київщини"  # 80+ bytes of UTF-8


def settings(telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path) -> Settings:
    feeds.serve("/news.xml", rss([]))
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text(
        f'[topics]\nPolitics = []\nWorld = []\n"{LONG}" = []\n\n'
        f'[[feeds]]\nurl = "{feeds.url("/news.xml")}"\n',
        encoding="utf-8",
    )
    return settings_for(telegram, database_of_test(), feeds_file)


@pytest.mark.slow
async def test_a_press_follows_and_redraws_the_same_message(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with running(settings(telegram, feeds, tmp_path)):
        menu = await say(telegram, ANN, "/topics", "Topics")
        assert "You follow nothing yet" in menu.text
        shown = buttons(telegram, ANN, menu.message_id)
        assert shown["tp:+:Politics"] == "➕ Politics" and shown["tp:+:World"] == "➕ World"
        sent = len(telegram.messages_to(ANN))

        answer = await press(telegram, ANN, menu.message_id, "tp:+:Politics")
        assert answer["text"] == "✅ You now follow Politics."
        assert "✅ Politics" in text_of(telegram, ANN, menu.message_id)
        shown = buttons(telegram, ANN, menu.message_id)
        assert shown["tp:-:Politics"] == "✅ Politics" and shown["tp:+:World"] == "➕ World"
        assert len(telegram.messages_to(ANN)) == sent  # edited in place, nothing new sent

        # A double tap on the old button keeps the topic followed, and is answered quietly.
        again = await press(telegram, ANN, menu.message_id, "tp:+:Politics", check_button=False)
        assert again["text"] == "✅ You now follow Politics."

        fresh = await say(telegram, ANN, "/topics", "Topics")
        assert "✅ Politics" in fresh.text and "▫️ World" in fresh.text

        answer = await press(telegram, ANN, fresh.message_id, "tp:-:Politics")
        assert answer["text"] == "You no longer follow Politics."
        await say(telegram, ANN, "/unsubscribe Politics", "You weren't following Politics")


@pytest.mark.slow
async def test_long_names_stale_and_forged_presses(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with running(settings(telegram, feeds, tmp_path)):
        menu = await say(telegram, ANN, "/topics", "Topics")
        shown = buttons(telegram, ANN, menu.message_id)
        assert shown["tp:+:#2"] == f"➕ {LONG}"  # the name would pass 64 bytes: its position
        assert all(len(data.encode()) <= 64 for data in shown)
        answer = await press(telegram, ANN, menu.message_id, "tp:+:#2")
        assert answer["text"] == f"✅ You now follow {LONG}."
        for forged in ("tp:+:Sport", "tp:+:#99", "tp:x:Politics", "tp:", "zz:garbage", "x"):
            answer = await press(telegram, ANN, menu.message_id, forged, check_button=False)
            assert answer["text"].startswith("This button is out of date")
        assert not [r for r in telegram.rejected if r[0] != "getUpdates"]
        assert "✅" in buttons(telegram, ANN, menu.message_id)["tp:-:#2"]


@pytest.mark.slow
async def test_buttons_work_after_a_restart(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    config = settings(telegram, feeds, tmp_path)
    async with running(config):
        menu = await say(telegram, ANN, "/topics", "Topics")
    async with running(config):
        answer = await press(telegram, ANN, menu.message_id, "tp:+:World")
        assert answer["text"] == "✅ You now follow World."
        assert "✅ World" in (await say(telegram, ANN, "/topics", "Topics")).text
