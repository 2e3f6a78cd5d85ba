"""/alert: keyword alerts added, listed and removed through the fake Bot API, their mistakes
explained, and a new article that matches one reaching the chat with the keyword named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.fakes.feeds import FeedServer
from tests.fakes.telegram import FakeTelegram
from tests.newsroom import ask, newsroom, story

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("database_kind")]

ANN, BOB = 2101, 2102
GROUP, GROUP_ADMIN, MEMBER = -2200, 2201, 2202
FAST: dict[str, Any] = {
    "private_chat_messages_per_second": 100.0,
    "group_messages_per_minute": 600.0,
}


async def test_add_list_remove_and_every_mistake_explained(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {}, **FAST):
        usage = await ask(telegram, ANN, "/alert", "Keyword alerts")
        assert "/alert add North Korea" in usage
        assert '/alert add "Kim Jong Un" -sport' in usage
        assert "/alert list" in usage and "/alert remove 2" in usage
        assert "Keyword alerts" in await ask(telegram, ANN, "/alert frobnicate", "/alert list")

        added = await ask(telegram, ANN, "/alert add North Korea", "Alert added")
        assert added.startswith("🔔 Alert added: north korea\n") and "1 of 20" in added
        # Phone quotes and odd case: stored in the one canonical form.
        added = await ask(telegram, ANN, "/alert add “Kim JONG Un”  -Sport", "Alert added")
        assert 'Alert added: "kim jong un" -sport' in added
        await ask(telegram, ANN, "/alert add NORTH   korea", "You already have the alert north")

        listing = await ask(telegram, ANN, "/alert list", "Your alerts")
        assert listing.splitlines()[:3] == [
            "🔔 Your alerts (2 of 20)",
            "1. north korea",
            '2. "kim jong un" -sport',
        ]

        mistakes = {
            "/alert add": "Which words should I look for?",
            "/alert add -sport": "at least one word to look for",
            '/alert add "Kim Jong': "A quote is not closed",
            "/alert add " + "word " * 30: "too long: 100 characters at most",
            "/alert add a b c d e f g h i j k": "too many words and phrases: 10 at most",
            "/alert add kyiv -kyiv": "nothing could ever match it",
            "/alert remove": "Which alert? Send its number",
            "/alert remove two": "Which alert? Send its number",
            "/alert remove 7": "There is no alert 7: this chat has 2 alerts",
            "/alert remove 99999999999": "Which alert?",
        }
        for text, expected in mistakes.items():
            await ask(telegram, ANN, text, expected)

        removed = await ask(telegram, ANN, "/alert remove 1", "Removed the alert")
        assert removed == "Removed the alert north korea."
        listing = await ask(telegram, ANN, "/alert list", "Your alerts")
        assert listing.splitlines()[1] == '1. "kim jong un" -sport'
        await ask(telegram, ANN, "/alert remove #1", "Removed the alert")
        empty = await ask(telegram, ANN, "/alert list", "no keyword alerts yet")
        assert "/alert add North Korea" in empty
        await ask(telegram, ANN, "/alert remove 1", "You have no alerts to remove")

        for number in range(20):
            await ask(telegram, BOB, f"/alert add topic{number}", "Alert added")
        refused = await ask(telegram, BOB, "/alert add one more", "already has 20 alerts")
        assert "/alert remove" in refused
        assert "20 of 20" in await ask(telegram, BOB, "/alert list", "Your alerts")

    # Every reply was valid Telegram HTML, user text included.
    assert telegram.rejected == []


async def test_in_a_group_only_admins_change_alerts(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    telegram.admins[GROUP] = {GROUP_ADMIN}
    async with newsroom(telegram, feeds, tmp_path, {}, **FAST):

        async def in_group(user: int, text: str, expect: str) -> str:
            before = len(telegram.messages_to(GROUP))
            telegram.user_sends(GROUP, text, chat_type="group", user_id=user)
            message = await telegram.wait_for_message(GROUP, containing=expect, after=before)
            return message.text

        await in_group(MEMBER, "/alert add Ukraine", "only this group's administrators")
        await in_group(GROUP_ADMIN, "/alert add Ukraine", "Alert added: ukraine")
        # Anyone may look; the name suffix works as in any group.
        await in_group(MEMBER, "/alert@newsbot_test_bot list", "1. ukraine")
        await in_group(MEMBER, "/alert remove 1", "only this group's administrators")
        await in_group(GROUP_ADMIN, "/alert remove 1", "Removed the alert ukraine")


async def test_a_matching_article_arrives_and_names_the_keyword(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {}, **FAST) as room:
        await ask(telegram, ANN, "/alert add North Korea", "Alert added")
        await ask(telegram, ANN, '/alert add "Kim Jong Un" -sport', "Alert added")
        room.publish(
            story("missile", "North Korea fires a missile over the sea"),
            story("stadium", "Kim Jong Un opens a sport stadium"),
            story("envoy", "Kim Jong Un meets envoys from the south"),
            story("budget", "Parliament passes the budget"),
        )
        first = await telegram.wait_for_message(ANN, containing="North Korea fires")
        assert first.text.startswith("🔔 Your alert: “north korea”")  # as the chat wrote it
        envoy = await telegram.wait_for_message(ANN, containing="meets envoys")
        assert envoy.text.startswith('🔔 Your alert: “"kim jong un" -sport”')
        buttons = [b for row in envoy.reply_markup["inline_keyboard"] for b in row]  # type: ignore[index]
        assert [b.get("callback_data", "")[:3] for b in buttons] == ["", "sv:"]
        # The same poll brought the others: decided already, and not for Ann.
        await room.feeds.wait_for_requests("/news.xml", room.feeds.request_count("/news.xml") + 1)
        texts = [m.text for m in telegram.messages_to(ANN)]
        assert not [t for t in texts if "stadium" in t or "budget" in t]


async def test_a_ukrainian_user_reads_alerts_in_ukrainian(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {}, **FAST):
        telegram.user_sends(ANN, "/alert", language_code="uk")
        usage = await telegram.wait_for_message(ANN, containing="Сповіщення за ключовими словами")
        assert '/alert add "Кім Чен Ин" -спорт' in usage.text
        telegram.user_sends(ANN, "/alert add Київ", language_code="uk")
        await telegram.wait_for_message(ANN, containing="Сповіщення додано: київ")
