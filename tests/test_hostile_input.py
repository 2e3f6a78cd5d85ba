"""Hostile command arguments are refused with a clear, valid, escaped answer and harm nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakes.feeds import FeedServer
from tests.fakes.telegram import FakeTelegram
from tests.newsroom import ask, newsroom

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("database_kind")]

HOSTILE = [
    "'; DROP TABLE subscriptions; --",
    "Politics' OR '1'='1",
    "x" * 10_000,
    "<b>bold</b> & <script>alert(1)</script>",
    "\u202eWorld\u202c \u200f\u061c",
    "tab\tbell\x07escape\x1b[31mred",
    "😀" * 300,
]


@pytest.mark.parametrize("argument", HOSTILE, ids=range(len(HOSTILE)))
async def test_hostile_topics_are_refused_politely_and_harm_nothing(
    argument: str, telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {1: "Politics"}):
        for command in ("/subscribe", "/unsubscribe", "/latest"):
            reply = await ask(telegram, 1, f"{command} {argument}", "I don't know the topic")
            assert "Topics: Politics, World" in reply
            assert len(reply) < 600  # the echo is cut short, not 10,000 characters back
        topics = await ask(telegram, 1, "/topics", "Topics")
    assert "✅ Politics" in topics  # the subscription table is still there, untouched
    assert not [r for r in telegram.rejected if r[0] == "sendMessage"]  # every reply valid HTML
