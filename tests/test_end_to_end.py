"""The whole path on real parts: a feed server, the real application, a fake Bot API, SQLite."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from news.render import when
from news.store import Store
from tests.botrun import running, settings_for
from tests.databases import database_of_test
from tests.fakes.feeds import FeedServer, rss
from tests.fakes.telegram import FakeTelegram
from tests.newsroom import ask
from tests.reference import LINK, reference_article

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("database_kind")]

ANN, BOB = 1001, 1002
PUBLISHED = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=30)


def feeds_toml(server: FeedServer) -> str:
    return f"""
[topics]
Politics = ["politics", "політика", "политика"]
World = ["world", "світ", "мир", "international"]

[[feeds]]
title = "Harbour Herald"
url = "{server.url("/politics.xml")}"
topics = ["Politics"]

[[feeds]]
url = "{server.url("/broken.xml")}"
topics = ["World"]
"""


def old_item(number: int) -> dict[str, object]:
    return {
        "title": f"Yesterday's story {number}",
        "link": f"https://news.example/old-{number}.html",
        "guid": f"old-{number}",
        "description": f"<p>Old news number {number}. It was already out.</p>",
        "categories": ["Politics"],
        "pub_date": PUBLISHED - timedelta(hours=number),
    }


def reference_item() -> dict[str, object]:
    article = reference_article()
    return {
        "title": article.headline,
        "link": LINK,
        "guid": "harbour-solar-farm",
        "description": f"<p>{article.headline}</p>",
        "content": article.content_html(),
        "categories": ["Politics", "World"],
        "pub_date": PUBLISHED,
    }


async def test_alert_latest_and_unsubscribe(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    feeds.serve("/politics.xml", rss([old_item(1), old_item(2)], title="Harbour Herald"))
    feeds.serve("/broken.xml", b"<html><body>Bad gateway</body></html>", content_type="text/html")
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text(feeds_toml(feeds), encoding="utf-8")
    database = database_of_test()
    settings = settings_for(telegram, database, feeds_file)

    async with running(settings):
        greeting = await ask(telegram, ANN, "/start", "Politics")
        assert "key points" in greeting and "/subscribe Politics" in greeting
        await ask(telegram, ANN, "/subscribe politics", "You now follow Politics")
        await ask(telegram, BOB, "/subscribe World", "You now follow World")
        await ask(telegram, BOB, "/subscribe Політика", "You now follow Politics")

        # The first poll recorded the old items without alerting; a later one sees the new one.
        await feeds.wait_for_requests("/politics.xml", 2)
        feeds.serve("/politics.xml", rss([reference_item(), old_item(1), old_item(2)]))

        alert = await telegram.wait_for_message(ANN, containing="#Politics")
        article = reference_article()
        assert alert.text == "\n".join(
            [
                "#Politics #World",
                article.headline,
                when(PUBLISHED),
                "",
                *(f"• {point}" for point in article.points),
                "",
                "Source: Harbour Herald",
            ]
        )
        assert alert.links() == [LINK]
        assert {"type": "bold", "offset": 17, "length": len(article.headline)} in [
            {k: e[k] for k in ("type", "offset", "length")} for e in alert.entities
        ]
        assert alert.link_preview_disabled

        # Bob follows both topics of the article: one alert, not two.
        bob_alert = await telegram.wait_for_message(BOB, containing="#Politics")
        assert bob_alert.text == alert.text

        latest = await ask(telegram, ANN, "/latest", "Latest headlines")
        assert latest.splitlines()[2].startswith(f"1. {article.headline[:40]}")
        assert f"{when(PUBLISHED)} · Harbour Herald" in latest
        assert "Yesterday's story 1" in latest and "Yesterday's story 2" in latest
        latest_politics = await ask(telegram, ANN, "/latest Politics", "Latest on Politics")
        assert article.headline[:40] in latest_politics

        await ask(telegram, ANN, "/unsubscribe Politics", "no more Politics alerts")
        topics = await ask(telegram, ANN, "/topics", "Topics")
        assert "▫️ Politics" in topics and "▫️ World" in topics

        news = {**old_item(0), "title": "Parliament passes the budget", "guid": "budget"}
        feeds.serve("/politics.xml", rss([news, reference_item(), old_item(1)]))
        await telegram.wait_for_message(BOB, containing="Parliament passes the budget")

    # Both deliveries were written in the poll's one transaction: Ann got none, and none waits.
    store = Store.connect(database)
    try:
        queued = await store.outbox.entries()
    finally:
        await store.close()
    assert [e.chat_id for e in queued if e.title == "Parliament passes the budget"] == [BOB]
    assert [m.text for m in telegram.messages_to(ANN) if "budget" in m.text] == []
    # The broken feed was logged and skipped, and never stopped the other feed's polls.
    assert feeds.request_count("/broken.xml") >= 1


async def test_unknown_topic_gets_the_list_and_a_suggestion(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    feeds.serve("/politics.xml", rss([old_item(1)]))
    feeds.serve("/broken.xml", rss([]))
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text(feeds_toml(feeds), encoding="utf-8")
    settings = settings_for(telegram, database_of_test(), feeds_file)

    async with running(settings):
        reply = await ask(telegram, ANN, "/subscribe Politcs", "I don't know the topic")
        assert "Did you mean Politics?" in reply
        assert "Topics: Politics, World" in reply
        usage = await ask(telegram, ANN, "/subscribe", "Which topic?")
        assert "/subscribe Politics" in usage
        hostile = await ask(telegram, ANN, "/latest <b>&amp;", "I don't know the topic")
        assert "“<b>&amp;”" in hostile
        hint = await ask(telegram, ANN, "/frobnicate", "I don't know that command")
        assert "/help" in hint
        chatter = await ask(telegram, ANN, "hello there", "I answer commands")
        assert "/help" in chatter and "/latest" in chatter
        topic = await ask(telegram, ANN, "політика", "To follow")
        assert topic == "To follow Politics, send /subscribe Politics or tap it in /topics."
        help_text = await ask(telegram, ANN, "/help", "What I can do")
        for command in ("/start", "/topics", "/subscribe", "/unsubscribe", "/latest", "/help"):
            assert command in help_text
        empty = await ask(telegram, BOB, "/latest World", "No articles on World yet")
        assert "few minutes" in empty

    registered = [c["command"] for c in telegram.commands[("default", "")]]
    assert registered[0] == "start" and registered[-1] == "help"
    assert {"topics", "subscribe", "unsubscribe", "latest", "settings"} <= set(registered)
