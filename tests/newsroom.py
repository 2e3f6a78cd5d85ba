"""A running bot with one Politics feed and subscribed chats, ready for a story to break."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from news.store import Store
from tests.botrun import running, settings_for
from tests.chatting import say
from tests.databases import database_or_sqlite
from tests.fakes.feeds import FeedServer, rss
from tests.fakes.telegram import FakeTelegram
from tests.stock import made_up_words

FEED = "/news.xml"
NOW = datetime.now(UTC).replace(microsecond=0)


def story(slug: str, title: str, *, minutes_ago: int = 5) -> dict[str, object]:
    """A news item of its own: its lead says words no other slug's does, so story grouping
    never takes two of them for one story."""
    words = " ".join(made_up_words(slug, 8)).capitalize()
    return {
        "title": title,
        "link": f"https://news.example/{slug}",
        "guid": slug,
        "description": f"<p>{title}. {words}. It ends here.</p>",
        "categories": ["Politics"],
        "pub_date": NOW - timedelta(minutes=minutes_ago),
    }


async def ask(telegram: FakeTelegram, chat: int, text: str, expect: str) -> str:
    """Send a message as a user and return the bot's answer that contains `expect`."""
    return (await say(telegram, chat, text, expect)).text


@dataclass
class Newsroom:
    feeds: FeedServer
    url: str  # the bot's database (tests.databases.kind_of_test: SQLite or PostgreSQL)
    stories: list[dict[str, object]]

    def publish(self, *stories: dict[str, object]) -> None:
        self.stories[:0] = stories
        self.feeds.serve(FEED, rss(self.stories, title="Example News"))

    def store(self) -> AbstractAsyncContextManager[Store]:
        """The bot's database, opened beside the running bot as an operator would."""
        return beside(self.url)


@asynccontextmanager
async def beside(url: str) -> AsyncIterator[Store]:
    """A running bot's database, opened beside it as an operator would."""
    store = Store.connect(url)
    try:
        yield store
    finally:
        await store.close()


@asynccontextmanager
async def newsroom(
    telegram: FakeTelegram,
    feeds: FeedServer,
    tmp_path: Path,
    subscribers: dict[int, str],
    clock: Callable[[], datetime] | None = None,
    **settings: Any,  # overrides, e.g. faster rate limits for a test that also speeds the fake
) -> AsyncIterator[Newsroom]:
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text(
        '[topics]\nPolitics = ["політика"]\nWorld = []\n\n'
        f'[[feeds]]\nurl = "{feeds.url(FEED)}"\ntopics = ["Politics"]\n',
        encoding="utf-8",
    )
    async with database_or_sqlite(tmp_path) as url:
        room = Newsroom(feeds, url, [story("old", "An old story", minutes_ago=90)])
        room.publish()
        async with running(settings_for(telegram, url, feeds_file, **settings), clock):
            for chat, topic in subscribers.items():
                await ask(telegram, chat, f"/subscribe {topic}", "You now follow")
            await feeds.wait_for_requests(FEED, 2)  # the first poll is over: it alerted nobody
            yield room
