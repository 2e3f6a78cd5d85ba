"""One story, one alert, through the fake Bot API: two outlets' differently worded reports of one
event give each subscriber one message, edited at once to name the second outlet; a telling
that arrives while the first still waits joins it before it goes; two events that share a name
give two alerts; Cyrillic headlines group the same way; a publisher's new headline edits the
alert, marked updated; a restart keeps the stories."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.botrun import running, settings_for
from tests.databases import database_of_test
from tests.fakes.feeds import FeedServer, rss
from tests.fakes.telegram import FakeTelegram, SentMessage
from tests.newsroom import ask
from tests.tellings import (
    FLOODS_RETOLD,
    POVIN,
    POVIN_RETOLD,
    PRIME_MINISTER,
    SUMMIT,
    feed_item,
    morning,
)

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("database_kind")]

ANN, BOB = 2401, 2402
HERALD, DAILY = "/herald.xml", "/daily.xml"
FAST: dict[str, Any] = {"private_chat_messages_per_second": 100.0}


# A morning's other news: story grouping joins no story before it holds a dozen articles.
OLD = {
    path: [
        feed_item(f"{path}-{n}", text, minutes_ago=90)
        for n, text in enumerate(morning(10, seed=path))
    ]
    for path in (HERALD, DAILY)
}
FLOOD_HERALD = feed_item(
    "flood-herald",
    (
        "Flooding forces 3,000 from their homes in Valencia",
        "Heavy rain in eastern Spain has forced about 3,000 people in Valencia to leave their"
        " homes as rivers burst their banks, officials said on Tuesday.",
    ),
)
FLOOD_DAILY = feed_item("flood-daily", FLOODS_RETOLD)


class Outlets:
    """Two World feeds: the Harbour Herald and the Kyiv Daily (named by the feeds file)."""

    def __init__(self, feeds: FeedServer) -> None:
        self.feeds = feeds
        self.items: dict[str, list[dict[str, object]]] = {path: list(OLD[path]) for path in OLD}
        for path in OLD:
            self.publish(path)

    def publish(self, path: str, *new: dict[str, object]) -> None:
        self.items[path][:0] = new
        self.feeds.serve(path, rss(self.items[path], title=path.strip("/.xml")))

    def retitle(self, path: str, slug: str, title: str) -> None:
        self.items[path] = [
            {**entry, "title": title} if entry["guid"] == slug else entry
            for entry in self.items[path]
        ]
        self.feeds.serve(path, rss(self.items[path]))


def feeds_toml(feeds: FeedServer) -> str:
    return (
        "[topics]\nPolitics = []\nWorld = []\n\n"
        f'[[feeds]]\nurl = "{feeds.url(HERALD)}"\ntopics = ["World"]\n'
        'outlet = "Harbour Herald"\n\n'
        f'[[feeds]]\nurl = "{feeds.url(DAILY)}"\ntopics = ["World"]\noutlet = "Kyiv Daily"\n'
    )


@asynccontextmanager
async def bot(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path, **settings: Any
) -> AsyncIterator[None]:
    """The bot on the test's database (kept across restarts in one test), both feeds polled
    at least once since it started."""
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text(feeds_toml(feeds), encoding="utf-8")
    url = database_of_test()  # SQLite, then PostgreSQL; kept across restarts in one test
    seen = {path: feeds.request_count(path) for path in (HERALD, DAILY)}
    async with running(settings_for(telegram, url, feeds_file, **(FAST | settings))):
        for path, count in seen.items():
            await feeds.wait_for_requests(path, count + 2)  # a whole poll since the start
        yield


async def subscribed(telegram: FakeTelegram, *chats: int) -> None:
    for chat in chats:
        await ask(telegram, chat, "/subscribe World", "You now follow World")


def alerts(telegram: FakeTelegram, chat: int) -> list[SentMessage]:
    return [m for m in telegram.messages_to(chat) if m.text.startswith("#World")]


async def flood_alert(telegram: FakeTelegram, outlets: Outlets) -> SentMessage:
    """Ann follows World, and the Herald's report of the flood reaches her."""
    await subscribed(telegram, ANN)
    outlets.publish(HERALD, FLOOD_HERALD)
    return await telegram.wait_for_message(ANN, containing="Valencia")


async def edited(telegram: FakeTelegram, message: SentMessage, containing: str) -> str:
    """The message's text once an edit made it contain `containing`."""

    def now_says() -> str:
        return str(telegram.message_state(message.chat_id, message.message_id)["text"])

    await telegram.wait_until(lambda: containing in now_says(), what=f"an edit to {containing!r}")
    return now_says()


async def test_two_outlets_one_event_give_one_alert_then_edited_to_name_the_second(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    outlets = Outlets(feeds)
    async with bot(telegram, feeds, tmp_path):
        await subscribed(telegram, ANN, BOB)
        outlets.publish(HERALD, FLOOD_HERALD)
        first = {
            chat: await telegram.wait_for_message(chat, containing="Valencia")
            for chat in (ANN, BOB)
        }
        assert "Source: Harbour Herald" in first[ANN].text and "Also:" not in first[ANN].text

        outlets.publish(DAILY, FLOOD_DAILY)
        for chat in (ANN, BOB):
            text = await edited(telegram, first[chat], "Also: Kyiv Daily")
            assert text.splitlines()[-2:] == ["Source: Harbour Herald", "Also: Kyiv Daily"]
            state = telegram.message_state(chat, first[chat].message_id)
            links = [e["url"] for e in state["entities"] if e["type"] == "text_link"]
            assert links == [
                "https://news.example/flood-herald",
                "https://news.example/flood-daily",
            ]
            # The buttons stay under the edited alert.
            assert state["reply_markup"] == first[chat].reply_markup
        await feeds.wait_for_requests(DAILY, feeds.request_count(DAILY) + 2)
    for chat in (ANN, BOB):
        assert [m.message_id for m in alerts(telegram, chat)] == [first[chat].message_id]


async def test_a_telling_that_arrives_while_the_first_waits_joins_it(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    outlets = Outlets(feeds)
    async with bot(telegram, feeds, tmp_path):
        await subscribed(telegram, ANN)
        # Telegram asks the bot to wait before Ann's alert: the second outlet reports meanwhile.
        telegram.fail_next(
            "sendMessage",
            status=429,
            description="Too Many Requests: retry after 4",
            retry_after=4,
            chat_id=ANN,
        )
        outlets.publish(HERALD, FLOOD_HERALD)
        await telegram.wait_until(
            lambda: any(status == 429 for *_, status, _ in telegram.rejected),
            what="the alert refused with a 429",
        )
        outlets.publish(DAILY, FLOOD_DAILY)
        alert = await telegram.wait_for_message(ANN, containing="Valencia", timeout=15)
        assert alert.text.splitlines()[-2:] == ["Source: Harbour Herald", "Also: Kyiv Daily"]
        await feeds.wait_for_requests(DAILY, feeds.request_count(DAILY) + 2)
    assert len(alerts(telegram, ANN)) == 1 and telegram.edits == []


@pytest.mark.parametrize(
    ("first", "second", "one_story"),
    [
        pytest.param(POVIN, POVIN_RETOLD, True, id="cyrillic-headlines-of-one-event"),
        pytest.param(PRIME_MINISTER, SUMMIT, False, id="two-events-that-share-a-name"),
    ],
)
async def test_a_second_outlets_report_joins_its_story_or_starts_its_own(
    telegram: FakeTelegram,
    feeds: FeedServer,
    tmp_path: Path,
    first: tuple[str, str],
    second: tuple[str, str],
    one_story: bool,
) -> None:
    outlets = Outlets(feeds)
    async with bot(telegram, feeds, tmp_path):
        await subscribed(telegram, ANN)
        outlets.publish(HERALD, feed_item("first", first))
        alert = await telegram.wait_for_message(ANN, containing=first[0])
        outlets.publish(DAILY, feed_item("second", second))
        if one_story:
            assert "Also: Kyiv Daily" in await edited(telegram, alert, "Also: Kyiv Daily")
        else:
            other = await telegram.wait_for_message(ANN, containing=second[0])
            assert "Also:" not in other.text and telegram.edits == []
    assert len(alerts(telegram, ANN)) == (1 if one_story else 2)


async def test_a_retitled_article_has_its_alert_edited_and_marked_updated(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    outlets = Outlets(feeds)
    async with bot(telegram, feeds, tmp_path):
        alert = await flood_alert(telegram, outlets)
        outlets.retitle(HERALD, "flood-herald", "Valencia flooding: 5,000 now out of their homes")
        text = await edited(telegram, alert, "5,000 now out")
        assert text.splitlines()[1] == "Valencia flooding: 5,000 now out of their homes (updated)"
    assert len(alerts(telegram, ANN)) == 1


async def test_a_restart_mid_window_keeps_the_stories(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    outlets = Outlets(feeds)
    async with bot(telegram, feeds, tmp_path):
        alert = await flood_alert(telegram, outlets)
    async with bot(telegram, feeds, tmp_path):  # the same database, a new process's memory
        outlets.publish(DAILY, FLOOD_DAILY)
        assert "Also: Kyiv Daily" in await edited(telegram, alert, "Also: Kyiv Daily")
    assert len(alerts(telegram, ANN)) == 1


async def test_an_edit_telegram_refuses_is_dropped_quietly(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    outlets = Outlets(feeds)
    async with bot(telegram, feeds, tmp_path):
        await flood_alert(telegram, outlets)
        # Ann deleted the alert: Telegram has no message to edit.
        telegram.fail_next(
            "editMessageText", status=400, description="Bad Request: message to edit not found"
        )
        outlets.publish(DAILY, FLOOD_DAILY)
        await telegram.wait_until(
            lambda: any(m == "editMessageText" for m, *_ in telegram.rejected),
            what="the edit refused",
        )
        # The sender goes on: the next story arrives, and the refused edit is never retried.
        outlets.publish(
            HERALD,
            feed_item(
                "budget",
                (
                    "Parliament passes the budget after a night session",
                    "Deputies approved spending for next year by a narrow majority.",
                ),
            ),
        )
        await telegram.wait_for_message(ANN, containing="budget")
    assert telegram.edits == []
    assert [m for m, *_ in telegram.calls if m == "editMessageText"] == ["editMessageText"]
