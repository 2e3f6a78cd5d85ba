"""Big stories only, through the fake Bot API: /bigstories and the /settings buttons, in a
private chat, in a channel and for a channel from its administrator's private chat; a chat with
/bigstories 2 hears nothing of a story one outlet tells, and gets one alert when a second outlet
reports it, while a chat that takes every story had it at once and gets no second one; /latest
and a digest list the story once, with its outlets (a digest the biggest story first).

The two outlets report one event in their own words, as outlets do; every text is invented."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from news.store import Store
from tests.botrun import running, settings_for
from tests.chatting import alerts, buttons, press, say, text_of
from tests.databases import database_of_test
from tests.fakes.feeds import FeedServer, rss
from tests.fakes.telegram import FakeTelegram
from tests.newsroom import beside
from tests.tellings import FLOODS, FLOODS_RETOLD, RATES, STRIKE, feed_item, morning

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("database_kind")]

ANN, BOB, OLES = 6101, 6102, 6103
CHANNEL, ADMIN = -1006001, 6104
PAIS, DW = "/pais.xml", "/dw.xml"
FAST: dict[str, Any] = {"private_chat_messages_per_second": 100.0}
# What each feed held before: the first poll records it and alerts nobody.
OLD = {
    PAIS: ("Museum returns stolen paintings to their owners", "Four paintings went home."),
    DW: ("Astronomers photograph a distant galaxy", "The new telescope sent its first images."),
}
EXAMPLE = "For example: /bigstories 3, or /bigstories off for every story."


@dataclass
class Outlets:
    """Two World feeds the feeds file names El País and DW."""

    feeds: FeedServer
    url: str  # the bot's database: SQLite, then PostgreSQL
    items: dict[str, list[dict[str, object]]]

    def publish(self, path: str, slug: str, text: tuple[str, str]) -> None:
        self.items[path].insert(0, feed_item(slug, text, minutes_ago=1))
        self.feeds.serve(path, rss(self.items[path], title=path))

    def store(self) -> AbstractAsyncContextManager[Store]:
        return beside(self.url)


@asynccontextmanager
async def outlets(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> AsyncIterator[Outlets]:
    room = Outlets(feeds, database_of_test(), {PAIS: [], DW: []})
    for n, (path, text) in enumerate(OLD.items()):
        for m, other in enumerate(morning(6, seed=path)):
            room.publish(path, f"morning-{n}-{m}", other)
        room.publish(path, f"old-{n}", text)
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text(
        '[topics]\nWorld = ["світ"]\n\n'
        f'[[feeds]]\nurl = "{feeds.url(PAIS)}"\ntopics = ["World"]\noutlet = "El País"\n\n'
        f'[[feeds]]\nurl = "{feeds.url(DW)}"\ntopics = ["World"]\noutlet = "DW"\n',
        encoding="utf-8",
    )
    url = room.url
    async with running(settings_for(telegram, url, feeds_file, **FAST)):
        await feeds.wait_for_requests(PAIS, 2)  # both first polls are over
        await feeds.wait_for_requests(DW, 2)
        yield room


async def test_big_stories_only_waits_for_the_second_outlet_and_names_it_once(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with outlets(telegram, feeds, tmp_path) as room:
        for chat in (ANN, BOB):
            await say(telegram, chat, "/subscribe World", "You now follow")
        await say(telegram, ANN, "/bigstories 2", "Big stories only")

        room.publish(PAIS, "pais-floods", FLOODS)
        first = await telegram.wait_for_message(BOB, containing=FLOODS[0])
        assert "Source: El País" in first.text
        # The poll that queued Bob's alert is one transaction: Ann's would be in it.
        async with room.store() as store:
            assert await store.outbox.entries(ANN) == []
        assert alerts(telegram, ANN, "Valencia") == 0

        room.publish(DW, "dw-floods", FLOODS_RETOLD)
        big = await telegram.wait_for_message(ANN, containing="Valencia")
        # The second outlet's telling made it big, so its alert is the one Ann gets.
        assert big.text.splitlines()[1] == FLOODS_RETOLD[0] and "Source: DW" in big.text
        assert big.text.splitlines()[-2:] == ["Source: DW", "Also: El País"]
        await telegram.wait_until(
            lambda: "Also: DW" in text_of(telegram, BOB, first.message_id),
            what="Bob's alert edited to name DW",
        )
        async with room.store() as store:
            assert len(await store.outbox.entries(ANN)) == 1
            assert len(await store.outbox.entries(BOB)) == 1  # Bob had the story already
        assert alerts(telegram, ANN, "Valencia") == 1
        assert alerts(telegram, BOB, "Valencia") == 1

        # /latest: the story once, through its first telling, with the other outlet.
        latest = await say(telegram, ANN, "/latest", "Latest headlines")
        assert latest.text.count("Valencia") == 1 and FLOODS[0] in latest.text
        assert " · El País · +1 outlet" in latest.text

        # Every story again: one outlet is enough.
        await say(telegram, ANN, "/bigstories off", "Every story arrives again")
        room.publish(DW, "dw-strike", STRIKE)
        await telegram.wait_for_message(ANN, containing=STRIKE[0])
    assert telegram.rejected == []


async def test_a_digest_lists_a_story_once_with_its_outlets_the_biggest_first(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with outlets(telegram, feeds, tmp_path) as room:
        await say(telegram, ANN, "/subscribe World", "You now follow")
        await say(telegram, ANN, "/mode digest", "digests at")
        for path, slug, text in (
            (DW, "dw-rates", RATES),
            (PAIS, "pais-floods", FLOODS),
            (DW, "dw-floods", FLOODS_RETOLD),
        ):
            room.publish(path, slug, text)
            await feeds.wait_for_requests(path, feeds.request_count(path) + 2)  # polled
        before = len(telegram.messages_to(ANN))
        telegram.user_sends(ANN, "/digest", chat_type="private")
        digest = await telegram.wait_for_message(ANN, containing="Your digest", after=before)
        assert digest.text.startswith("🗞 Your digest: 2 new articles")
        # The story two outlets told comes first, once, through its first telling.
        assert digest.text.index(FLOODS[0]) < digest.text.index(RATES[0])
        assert " · El País · +1 outlet\n" in digest.text and FLOODS_RETOLD[0] not in digest.text
        assert len(telegram.messages_to(ANN)) == before + 1
    assert telegram.rejected == []


async def test_the_setting_by_command_and_buttons_here_in_a_channel_and_from_afar(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    telegram.chats[CHANNEL] = {"id": CHANNEL, "type": "channel", "title": "Valencia Today"}
    telegram.admins[CHANNEL] = {ADMIN}
    telegram.bot_membership_changes(CHANNEL, "administrator", chat_type="channel", user_id=ADMIN)
    async with outlets(telegram, feeds, tmp_path) as room:
        usage = await say(telegram, ANN, "/bigstories", "Big stories only")
        assert usage.text.startswith("Big stories only: off (every story)\n\n")
        assert "/bigstories 3\n/bigstories off" in usage.text
        for wrong in ("/bigstories 1", "/bigstories 6", "/bigstories three", "/bigstories 3 4"):
            refused = await say(telegram, ANN, wrong, "is not a number of outlets")
            assert refused.text.endswith(EXAMPLE)
        done = await say(telegram, ANN, "/bigstories 3+", "Big stories only")
        assert done.text.startswith("✅ Big stories only: a story arrives once 3 outlets report it")
        shown = await say(telegram, ANN, "/bigstories", "Big stories only")
        assert shown.text.startswith("Big stories only: stories reported by at least 3 outlets\n\n")

        menu = await say(telegram, ANN, "/settings", "Settings")
        assert "Big stories only: stories reported by at least 3 outlets" in menu.text
        assert buttons(telegram, ANN, menu.message_id)["st:big:3"] == "✓ 📣 3+"
        assert buttons(telegram, ANN, menu.message_id)["st:big:off"] == "🗞 All stories"
        await press(telegram, ANN, menu.message_id, "st:big:off")
        assert "Big stories only: off (every story)" in text_of(telegram, ANN, menu.message_id)
        await press(telegram, ANN, menu.message_id, "st:big:5")
        assert buttons(telegram, ANN, menu.message_id)["st:big:5"] == "✓ 📣 5+"
        forged = await press(telegram, ANN, menu.message_id, "st:big:9", check_button=False)
        assert forged["text"].startswith("This button is out of date")

        # In Ukrainian, typed as a Ukrainian speaker says it.
        uk = {"language_code": "uk"}
        set_uk = await say(telegram, OLES, "/bigstories 5", "Лише великі новини", **uk)
        assert "щойно про неї напишуть 5 видань" in set_uk.text
        off_uk = await say(telegram, OLES, "/bigstories вимк", "Знову надходять усі", **uk)
        assert "/bigstories 3" in off_uk.text
        await say(telegram, OLES, "/bigstories багато", "не кількість видань", **uk)

        # Posted in a channel by its administrator.
        before = len(telegram.messages_to(CHANNEL))
        telegram.user_sends(CHANNEL, "/bigstories 2", chat_type="channel", user_id=ADMIN)
        await telegram.wait_for_message(CHANNEL, containing="2 outlets report", after=before)

        # And for the channel from the administrator's private chat: its settings menu.
        listing = await say(telegram, ADMIN, "/channels", "Your channels and groups")
        aim = f"@{CHANNEL}:"
        await press(telegram, ADMIN, listing.message_id, aim + "mg:home")
        await press(telegram, ADMIN, listing.message_id, aim + "mg:settings")
        shown_there = text_of(telegram, ADMIN, listing.message_id)
        assert "Big stories only: stories reported by at least 2 outlets" in shown_there
        await press(telegram, ADMIN, listing.message_id, aim + "st:big:4")
        assert buttons(telegram, ADMIN, listing.message_id)[aim + "st:big:4"] == "✓ 📣 4+"
        async with room.store() as store:
            channel, ann, admin = [await store.chats.prefs(c) for c in (CHANNEL, ANN, ADMIN)]
        assert channel is not None and channel.min_outlets == 4
        assert ann is not None and ann.min_outlets == 5
        assert admin is None or admin.min_outlets is None  # the administrator's own: untouched

        help_text = await say(telegram, ANN, "/help", "What I can do")
        assert "/bigstories - Only stories several outlets report: /bigstories 3 or off" in (
            help_text.text
        )
    for language in ("", "uk"):
        menu_commands = [c["command"] for c in telegram.commands[("default", language)]]
        assert "bigstories" in menu_commands
    assert telegram.rejected == []
