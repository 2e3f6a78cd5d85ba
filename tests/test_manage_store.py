"""What /channels keeps on real databases (SQLite always, PostgreSQL where one runs): the shared
chats the bot is in, the ForceReply prompts waiting for their answer, alerts removed by id."""

from __future__ import annotations

from datetime import timedelta

from news.records import ChatProfile, Prompt
from news.store import Store
from news.store.prompts import KEEP
from tests.stock import NOW

ADMIN, OTHER = 11, 12
CHANNEL, GROUP, SUPERGROUP = -1001234567890, -4242, -1009876543210


async def record(store: Store, *chats: ChatProfile) -> None:
    for chat in chats:
        await store.chats.back(chat, NOW)


async def test_the_shared_chats_are_the_active_channels_and_groups_by_title(store: Store) -> None:
    await record(
        store,
        ChatProfile(ADMIN, "private", "Ann"),
        ChatProfile(CHANNEL, "channel", "Kyiv Daily"),
        ChatProfile(GROUP, "group", "Book club"),
        ChatProfile(SUPERGROUP, "supergroup", "Atlas"),
    )
    titles = [chat.title for chat in await store.chats.shared()]
    assert titles == ["Atlas", "Book club", "Kyiv Daily"]
    assert await store.chats.shared([CHANNEL, ADMIN]) == [
        ChatProfile(CHANNEL, "channel", "Kyiv Daily")
    ]
    await store.chats.gone(GROUP, "bot was removed")
    assert [chat.id for chat in await store.chats.shared()] == [SUPERGROUP, CHANNEL]
    assert await store.chats.shared([GROUP]) == []


async def test_a_prompt_is_answered_once_and_forgotten_with_its_chats(store: Store) -> None:
    await record(store, ChatProfile(ADMIN), ChatProfile(OTHER), ChatProfile(CHANNEL, "channel"))
    await store.prompts.ask(Prompt(ADMIN, 7, CHANNEL, "alerts"), NOW)
    await store.prompts.ask(Prompt(OTHER, 7, CHANNEL, "alerts"), NOW)
    assert await store.prompts.take(ADMIN, 8) is None
    assert await store.prompts.take(ADMIN, 7) == Prompt(ADMIN, 7, CHANNEL, "alerts")
    assert await store.prompts.take(ADMIN, 7) is None  # answered once

    # Old questions go when a new one is asked; a chat's /stop takes its questions along.
    await store.prompts.ask(Prompt(ADMIN, 9, CHANNEL, "alerts"), NOW + KEEP + timedelta(1))
    assert await store.prompts.take(OTHER, 7) is None
    await store.chats.forget(ADMIN)
    assert await store.prompts.take(ADMIN, 9) is None


async def test_an_alert_is_removed_by_its_id(store: Store) -> None:
    await record(store, ChatProfile(CHANNEL, "channel"), ChatProfile(ADMIN))
    for query in ("north korea", "brexit"):
        assert await store.alerts.add(CHANNEL, query, NOW)
    await store.alerts.add(ADMIN, "brexit", NOW)
    entries = await store.alerts.entries(CHANNEL)
    assert [query for _, query in entries] == ["north korea", "brexit"]
    [(first, _), (second, _)] = entries
    [(own, _)] = await store.alerts.entries(ADMIN)
    assert await store.alerts.drop(CHANNEL, own) is None  # another chat's alert
    assert await store.alerts.drop(CHANNEL, first) == "north korea"
    assert await store.alerts.drop(CHANNEL, first) is None
    assert await store.alerts.entries(CHANNEL) == [(second, "brexit")]
