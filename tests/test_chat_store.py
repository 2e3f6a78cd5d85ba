"""A chat's own data on real databases (SQLite always, PostgreSQL where one runs): settings,
keyword alerts, saved articles, digests, and /stop deleting all of it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from news.keywords import parse_query
from news.records import ChatMode, DigestMessage, DigestReason
from news.store import Store
from news.store.alerts import MAX_ALERTS, TooManyAlerts
from tests.stock import NOW, article, follow, publish, take_due

ANN, BOB = 1, 2


async def states(store: Store, chat: int) -> list[tuple[str, str | None]]:
    return [(e.state, e.matched) for e in await store.outbox.entries(chat)]


async def test_settings_are_stored_and_read_back(store: Store) -> None:
    await follow(store, ANN, "Politics", language="uk")
    prefs = await store.chats.update(
        ANN, NOW, mode=ChatMode.DIGEST, digest_times=("07:00", "19:30"), zone="Europe/Kyiv"
    )
    assert (prefs.mode, prefs.digest_times, prefs.zone) == (
        ChatMode.DIGEST,
        ("07:00", "19:30"),
        "Europe/Kyiv",
    )
    assert prefs.language == "uk"  # untouched settings stay
    assert await store.chats.prefs(ANN) == prefs
    with pytest.raises(TypeError):
        await store.chats.update(ANN, NOW, kind="channel")


async def test_a_digest_chat_holds_articles_and_a_bundle_queues_them_as_one(store: Store) -> None:
    await follow(store, ANN, "Politics")
    await follow(store, BOB, "Politics")
    await store.chats.update(ANN, NOW, mode=ChatMode.DIGEST)
    await publish(store, article("a", "Politics"), article("b", "Politics"))

    assert await states(store, ANN) == [("held", None), ("held", None)]
    assert [s for s, _ in await states(store, BOB)] == ["pending", "pending"]
    assert await store.held.bundle(ANN, NOW, DigestReason.ASKED) == 2
    assert await store.held.bundle(ANN, NOW, DigestReason.ASKED) == 0  # nothing left held

    [delivery] = [d for d in await take_due(store, NOW) if d.chat_id == ANN]
    assert isinstance(delivery.article, DigestMessage)
    assert [i.article.title for i in delivery.article.items] == ["Headline a", "Headline b"]
    await store.outbox.digest_progress(delivery.article.id, 1)
    await store.outbox.sent_all({delivery.id: NOW})
    assert [s for s, _ in await states(store, ANN)] == ["sent", "sent", "sent"]
    assert (await store.chats.prefs(ANN)).last_digest_at == NOW  # type: ignore[union-attr]


async def test_a_keyword_alert_brings_an_article_once_and_says_what_matched(store: Store) -> None:
    await follow(store, ANN, "World")  # follows another topic: only the keyword brings it
    await follow(store, BOB, "Politics")  # the topic and the keyword: one row, with the keyword
    for chat in (ANN, BOB):
        await store.alerts.add(chat, parse_query('"Headline a"').text(), NOW)
    await publish(store, article("a", "Politics"), article("b", "Politics"))

    assert await states(store, ANN) == [("pending", '"headline a"')]
    assert await states(store, BOB) == [("pending", '"headline a"'), ("pending", None)]


async def test_alerts_are_numbered_in_order_and_bounded(store: Store) -> None:
    for n in range(MAX_ALERTS):
        assert await store.alerts.add(ANN, f"word{n}", NOW)
    assert not await store.alerts.add(ANN, "word0", NOW)  # a duplicate is not a new one
    with pytest.raises(TooManyAlerts):
        await store.alerts.add(ANN, "one more", NOW)
    assert await store.alerts.remove(ANN, 2) == "word1"
    assert (await store.alerts.texts(ANN))[:2] == ["word0", "word2"]
    assert await store.alerts.remove(ANN, 99) is None


async def test_saved_articles_outlive_the_article_row(store: Store) -> None:
    await follow(store, ANN, "Politics")
    await publish(store, article("a", "Politics"))
    [delivery] = await take_due(store, NOW)
    article_id = delivery.article.id
    assert await store.saved.save(ANN, article_id, NOW)
    assert not await store.saved.save(ANN, article_id, NOW)
    with pytest.raises(LookupError):
        await store.saved.save(ANN, 10_000, NOW)

    await store.articles.forget(NOW + timedelta(days=60))  # the feed dropped it long ago
    saved, total = await store.saved.page(ANN, 0, 10)
    assert total == 1 and [s.title for s in saved] == ["Headline a"]
    assert await store.saved.remove(ANN, article_id)
    assert await store.saved.page(ANN, 0, 10) == ([], 0)


async def test_stop_deletes_everything_the_chat_stored(store: Store) -> None:
    await follow(store, ANN, "Politics")
    await store.alerts.add(ANN, "budget", NOW)
    await publish(store, article("a", "Politics"))
    [delivery] = await take_due(store, NOW)
    await store.saved.save(ANN, delivery.article.id, NOW)

    await store.chats.forget(ANN)

    assert await store.chats.prefs(ANN) is None
    assert await store.chats.topics(ANN) == set()
    assert await store.alerts.texts(ANN) == []
    assert await store.saved.page(ANN, 0, 10) == ([], 0)
    assert await states(store, ANN) == []
