"""/mute through the fake Bot API: words and outlets muted, listed and removed, mistakes and
typos explained; a muted article reaches the chat by no topic (alert, digest, /latest) while a
keyword alert for it still arrives and names its keyword; a muted outlet stops its own articles
only; the mutes in /settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.botrun import running, settings_for
from tests.chatting import buttons, press, say, text_of
from tests.databases import database_of_test
from tests.fakes.feeds import FeedServer, rss
from tests.fakes.telegram import FakeTelegram
from tests.newsroom import ask, story

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("database_kind")]

ANN, BOB = 2301, 2302
GROUP, GROUP_ADMIN, MEMBER = -2300, 2303, 2304
FAST: dict[str, Any] = {
    "private_chat_messages_per_second": 100.0,
    "group_messages_per_minute": 600.0,
}
BBC, DAILY = "/bbc.xml", "/daily.xml"


@asynccontextmanager
async def two_outlets(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> AsyncIterator[None]:
    """The bot with two Politics feeds: BBC News (named by the feeds file) and the Kyiv Daily
    (named by its own title); each has one old story, so the first poll alerts nobody."""
    publish(feeds, BBC)
    publish(feeds, DAILY)
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text(
        "[topics]\nPolitics = []\nWorld = []\n\n"
        f'[[feeds]]\nurl = "{feeds.url(BBC)}"\ntopics = ["Politics"]\noutlet = "BBC News"\n\n'
        f'[[feeds]]\nurl = "{feeds.url(DAILY)}"\ntopics = ["Politics"]\n',
        encoding="utf-8",
    )
    url = database_of_test()
    async with running(settings_for(telegram, url, feeds_file, **FAST)):
        await feeds.wait_for_requests(BBC, 2)
        await feeds.wait_for_requests(DAILY, 2)
        yield


def publish(feeds: FeedServer, path: str, *stories: dict[str, object]) -> None:
    """New stories on top of the feed's old one."""
    if path == DAILY:
        old, title = story("daily-old", "An old story", minutes_ago=90), "Kyiv Daily"
    else:
        old, title = story("bbc-old", "An old BBC story", minutes_ago=90), "BBC"
    feeds.serve(path, rss([*stories, old], title=title))


async def test_words_and_sources_muted_listed_and_removed_and_every_mistake_explained(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with two_outlets(telegram, feeds, tmp_path):
        usage = await ask(telegram, ANN, "/mute", "Mutes")
        assert "/mute source BBC News" in usage and '/mute "list"' in usage

        added = await ask(telegram, ANN, "/mute Chelsea", "Muted")
        assert added.startswith("🔇 Muted: chelsea\n") and "1 of 50" in added
        await ask(telegram, ANN, '/mute "list"', "Muted: list")  # the word, quoted
        await ask(telegram, ANN, "/mute “Premier   LEAGUE”", 'Muted: "premier league"')
        await ask(telegram, ANN, "/mute CHELSEA", "chelsea is muted already")
        await ask(telegram, ANN, "/mute source bbc news", "Muted: 📰 BBC News (source)")

        listing = await say(telegram, ANN, "/mute list", "Muted here")
        assert listing.text.splitlines()[:5] == [
            "🔇 Muted here (4 of 50)",
            "1. chelsea",
            "2. list",
            '3. "premier league"',
            "4. 📰 BBC News (source)",
        ]
        shown = buttons(telegram, ANN, listing.message_id)
        assert [label for label in shown.values()][:4] == ["✖ 1", "✖ 2", "✖ 3", "✖ 4"]

        mistakes = {
            "/mute -sport": "at least one word to look for",
            '/mute "Premier': "A quote is not closed",
            "/mute " + "word " * 30: "too long: 100 characters at most",
            "/mute remove": "Which mute? Send its number",
            "/mute remove two": "Which mute? Send its number",
            "/mute remove 9": "There is no mute 9: this chat has 4 mutes",
            "/mute source Daily Kyiv": "I don't know the outlet “Daily Kyiv”",
        }
        for text, expected in mistakes.items():
            await ask(telegram, ANN, text, expected)

        removed = await ask(telegram, ANN, "/mute remove 2", "Unmuted")
        assert removed == "🔔 Unmuted list."
        # The ✖ of the old list still names its own mute: "premier league", not a number.
        answer = await press(telegram, ANN, listing.message_id, next(iter(shown)))  # ✖ 1
        assert answer["text"] == "🔔 Unmuted chelsea"
        redrawn = text_of(telegram, ANN, listing.message_id)
        assert redrawn.splitlines()[1:3] == ['1. "premier league"', "2. 📰 BBC News (source)"]
        again = await press(
            telegram, ANN, listing.message_id, next(iter(shown)), check_button=False
        )
        assert again["text"] == "Already done."

    # Every reply was valid Telegram HTML, words typed by the user included (a redraw that
    # changed nothing is refused as "not modified", and that is no error).
    assert [r for r in telegram.rejected if "not modified" not in r[3]] == []


async def test_a_typo_in_an_outlet_is_answered_with_the_closest_and_a_button_mutes_it(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with two_outlets(telegram, feeds, tmp_path):
        typo = await say(telegram, ANN, "/mute source BBC Nwes", "I don't know the outlet")
        assert "Did you mean BBC News?" in typo.text
        assert buttons(telegram, ANN, typo.message_id) == {"mo:BBC News": "🔇 BBC News"}
        answer = await press(telegram, ANN, typo.message_id, "mo:BBC News")
        assert answer["text"] == "🔇 Muted BBC News"
        assert "1. 📰 BBC News (source)" in text_of(telegram, ANN, typo.message_id)

        menu = await say(telegram, ANN, "/mute source", "Outlets")
        assert menu.text.splitlines()[1:3] == ["🔇 BBC News", "▫️ Kyiv Daily"]
        assert list(buttons(telegram, ANN, menu.message_id)) == [
            "mo:BBC News",
            "mo:Kyiv Daily",
            "ml:",
        ]
        answer = await press(telegram, ANN, menu.message_id, "mo:Kyiv Daily")
        assert answer["text"] == "🔇 Muted Kyiv Daily"
        answer = await press(telegram, ANN, menu.message_id, "mo:Kyiv Daily", check_button=False)
        assert answer["text"] == "Already done."
        for data in ("um:x", "mo:Daily Kyiv"):
            forged = await press(telegram, ANN, menu.message_id, data, check_button=False)
            assert forged["text"].startswith("This button is out of date")


async def test_a_muted_word_stops_topic_alerts_and_digest_entries_but_not_a_keyword_alert(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with two_outlets(telegram, feeds, tmp_path):
        for chat in (ANN, BOB):
            await ask(telegram, chat, "/subscribe Politics", "You now follow")
        await ask(telegram, ANN, "/mute chelsea", "Muted")
        await ask(telegram, ANN, "/alert add transfer", "Alert added")
        await ask(telegram, BOB, "/mode digest", "digests at")
        publish(
            feeds,
            DAILY,
            story("budget", "Parliament passes the budget"),
            story("cup", "Chelsea wins the cup"),
            story("fee", "Chelsea agrees a transfer fee"),
        )
        fee = await telegram.wait_for_message(ANN, containing="transfer fee")
        assert fee.text.startswith("🔔 Your alert: “transfer”")  # names the keyword
        await telegram.wait_for_message(ANN, containing="passes the budget")
        # Bob's three were held for his digest before he muted the word.
        await say(telegram, BOB, "/mute Chelsea", "Muted")
        digest = await say(telegram, BOB, "/digest", "passes the budget")
        assert "Chelsea" not in digest.text

        latest = await ask(telegram, ANN, "/latest 10", "Latest headlines")
        assert "passes the budget" in latest and "An old story" in latest
        assert "Chelsea" not in latest
        assert "Chelsea wins the cup" in await ask(telegram, BOB + 1, "/latest 10", "Latest")
    assert not [m for m in telegram.messages_to(ANN) if "wins the cup" in m.text]


async def test_a_muted_outlet_stops_its_own_articles_only(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with two_outlets(telegram, feeds, tmp_path):
        await ask(telegram, ANN, "/subscribe Politics", "You now follow")
        await ask(telegram, ANN, "/mute source BBC News", "Muted")
        publish(feeds, BBC, story("bbc-new", "BBC: coalition talks resume"))
        await feeds.wait_for_requests(BBC, feeds.request_count(BBC) + 1)
        publish(feeds, DAILY, story("daily-new", "Daily: coalition talks resume"))
        await telegram.wait_for_message(ANN, containing="Daily: coalition talks")
        await feeds.wait_for_requests(BBC, feeds.request_count(BBC) + 1)
    assert not [m for m in telegram.messages_to(ANN) if "BBC:" in m.text]


async def test_mutes_from_settings_and_in_a_group_only_admins_change_them(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    telegram.admins[GROUP] = {GROUP_ADMIN}
    async with two_outlets(telegram, feeds, tmp_path):
        menu = await say(telegram, ANN, "/settings", "Settings")
        assert buttons(telegram, ANN, menu.message_id)["ml:"] == "🔇 Muted words and sources"
        await press(telegram, ANN, menu.message_id, "ml:")
        assert text_of(telegram, ANN, menu.message_id).startswith("Nothing is muted here")
        await press(telegram, ANN, menu.message_id, "ol:")
        assert text_of(telegram, ANN, menu.message_id).startswith("📰 Outlets")
        await press(telegram, ANN, menu.message_id, "mo:BBC News")
        assert "1. 📰 BBC News (source)" in text_of(telegram, ANN, menu.message_id)

        async def in_group(user: int, text: str, expect: str) -> str:
            return (await say(telegram, GROUP, text, expect, user_id=user)).text

        await in_group(MEMBER, "/mute chelsea", "only this group's administrators")
        await in_group(GROUP_ADMIN, "/mute chelsea", "Muted: chelsea")
        listing = await say(telegram, GROUP, "/mute list", "1. chelsea", user_id=MEMBER)
        unmute = next(iter(buttons(telegram, GROUP, listing.message_id)))  # ✖ 1
        refused = await press(telegram, GROUP, listing.message_id, unmute, user_id=MEMBER)
        assert refused["text"] == "Sorry, only this group's administrators can change that."
        await in_group(MEMBER, "/mute remove 1", "only this group's administrators")
        await in_group(GROUP_ADMIN, "/mute remove 1", "Unmuted chelsea")


async def test_a_ukrainian_chat_mutes_in_ukrainian(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with two_outlets(telegram, feeds, tmp_path):
        usage = await say(telegram, ANN, "/mute", "", language_code="uk")
        assert "/mute source BBC News" in usage.text and "Приглушення" in usage.text
        added = await say(telegram, ANN, "/mute Київ", "київ", language_code="uk")
        assert "з 50" in added.text
