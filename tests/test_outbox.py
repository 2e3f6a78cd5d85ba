"""The outbox on real databases (SQLite always, PostgreSQL where one runs): queue heads, one way
states, and a chat that moves to a supergroup."""

from __future__ import annotations

from datetime import timedelta

from news.routing import Plan
from news.store import Store
from tests.stock import NOW, alert, article, feed_id, follow, take_due

ANN, BOB, GROUP, SUPERGROUP = 1, 2, -5, -1005
LATER = NOW + timedelta(minutes=1)


async def queue(store: Store, chats: dict[int, str], stories: int) -> None:
    """Each chat follows Politics; `stories` Politics articles are matched, in that order."""
    for chat, kind in chats.items():
        await follow(store, chat, "Politics", kind=kind)
    feed = await feed_id(store)
    await store.articles.ingest(feed, Plan(new=[article("old", "Politics")]), now=NOW)
    names = [f"s{n}" for n in range(stories)]
    batch = [article(name, "Politics") for name in names]
    await store.articles.ingest(feed, Plan(new=batch, alertable=set(names)), now=NOW)


async def rows(store: Store, chat: int) -> list[tuple[str, int, str | None]]:
    return [(e.state, e.attempts, e.last_error) for e in await store.outbox.entries(chat)]


async def test_each_chat_hands_out_its_oldest_alert_and_only_once_the_last_is_done(
    store: Store,
) -> None:
    await queue(store, {ANN: "private", BOB: "private"}, stories=3)
    first = await take_due(store, LATER)
    assert sorted(d.chat_id for d in first) == [ANN, BOB]  # one each: fair
    assert {alert(d).title for d in first} == {"Headline s0"}  # the oldest: in order
    assert await take_due(store, LATER) == []  # nothing more while they are in flight

    ann = next(d for d in first if d.chat_id == ANN)
    await store.outbox.sent_all({ann.id: LATER})
    (second,) = await take_due(store, LATER)
    assert (second.chat_id, alert(second).title) == (ANN, "Headline s1")


async def test_a_deferred_head_holds_its_chat_back_and_says_when_it_is_due(store: Store) -> None:
    await queue(store, {ANN: "private"}, stories=2)
    ((head, _), *_) = await store.outbox.due_heads(LATER, 10)
    soon = LATER + timedelta(seconds=3)
    await store.outbox.defer({head: soon})
    assert await store.outbox.due_heads(LATER, 10) == []  # the second waits behind the first
    assert await store.outbox.next_due() == soon
    assert [d.id for d in await take_due(store, soon)] == [head]


async def test_waiting_when_told_is_no_attempt_and_a_cancelled_row_stays_cancelled(
    store: Store,
) -> None:
    await queue(store, {ANN: "private"}, stories=1)
    (delivery,) = await take_due(store, LATER)
    await store.outbox.requeue(delivery.id, LATER, "429: retry after 3s")
    (delivery,) = await take_due(store, LATER)
    assert delivery.attempts == 1
    await store.chats.gone(ANN, "chat unreachable: blocked")
    await store.outbox.retry(delivery.id, LATER, "network: Bad Gateway")  # too late: it is off
    assert await rows(store, ANN) == [("failed", 1, "chat unreachable: blocked")]


async def test_a_group_moving_to_a_supergroup_takes_its_topics_and_queue_along(
    store: Store,
) -> None:
    await queue(store, {GROUP: "group"}, stories=2)
    (first,) = await take_due(store, LATER)
    await store.chats.moved(GROUP, SUPERGROUP, LATER, resend=first.id)
    await store.chats.moved(GROUP, SUPERGROUP, LATER)  # both chats announce it: idempotent
    assert await store.chats.topics(SUPERGROUP) == {"Politics"}
    assert await store.chats.topics(GROUP) == set()
    moved = await take_due(store, LATER)
    assert [(d.id, d.chat_id, d.attempts) for d in moved] == [(first.id, SUPERGROUP, 1)]
    assert await rows(store, GROUP) == []
