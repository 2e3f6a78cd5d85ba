"""Mutes on real databases (SQLite always, PostgreSQL where one runs): stored and bounded, and
carried out where an article could reach a chat by a topic - the alert fan-out, a digest made
from held rows, /latest - while a keyword alert still arrives."""

from __future__ import annotations

import pytest

from news.keywords import parse_query
from news.mutes import MAX_MUTES, MuteKind
from news.records import ChatMode, ChatProfile, DigestMessage, DigestReason, FeedConfig
from news.routing import Plan
from news.store import Store
from news.store.mutes import MUTED, TooManyMutes
from tests.audience import follow_and_mute_many
from tests.stock import NOW, article, follow, publish, take_due

ANN, BOB = 1, 2
WORDS, SOURCE = MuteKind.WORDS, MuteKind.SOURCE


async def titles(store: Store, chat: int) -> list[tuple[str | None, str, str | None]]:
    """The chat's outbox: headline, state and the keyword that matched, oldest first."""
    return [(e.title, e.state, e.matched) for e in await store.outbox.entries(chat)]


async def mute(store: Store, chat: int, text: str) -> None:
    assert await store.mutes.add(chat, WORDS, parse_query(text).text(), NOW)


async def test_mutes_are_numbered_in_order_bounded_and_removed(store: Store) -> None:
    for n in range(MAX_MUTES - 1):
        assert await store.mutes.add(ANN, WORDS, f"word{n}", NOW)
    assert await store.mutes.add(ANN, SOURCE, "BBC News", NOW)
    assert not await store.mutes.add(ANN, WORDS, "word0", NOW)  # already muted
    with pytest.raises(TooManyMutes):
        await store.mutes.add(ANN, WORDS, "one more", NOW)
    mutes = await store.mutes.of(ANN)
    assert len(mutes) == MAX_MUTES and (mutes[-1].kind, mutes[-1].value) == (SOURCE, "BBC News")

    removed = await store.mutes.remove(ANN, 2)
    assert removed is not None and removed.value == "word1"
    assert [m.value for m in await store.mutes.of(ANN)][:2] == ["word0", "word2"]
    assert await store.mutes.remove(ANN, 99) is None
    assert await store.mutes.remove(ANN, 0) is None
    assert await store.mutes.unmute(BOB, mutes[0].id) is None  # not Bob's to remove
    unmuted = await store.mutes.unmute(ANN, mutes[0].id)
    assert unmuted is not None and unmuted.value == "word0"
    assert await store.mutes.of(BOB) == []


async def test_a_muted_word_stops_the_topic_alert_but_not_the_keyword_alert(store: Store) -> None:
    await follow(store, ANN, "Politics")
    await follow(store, BOB, "Politics")
    await mute(store, ANN, "Chelsea")
    await mute(store, BOB, "CHELSEA")
    await store.alerts.add(BOB, "transfer", NOW)  # Bob asked for these words explicitly
    await publish(
        store,
        article("a", "Politics", title="Chelsea agrees a transfer fee"),
        article("b", "Politics", title="Chelseas and Chelsea-like words aside, budget passes"),
        article("c", "Politics", title="Parliament passes the budget"),
    )
    assert await titles(store, ANN) == [("Parliament passes the budget", "pending", None)]
    assert await titles(store, BOB) == [
        ("Chelsea agrees a transfer fee", "pending", "transfer"),
        ("Parliament passes the budget", "pending", None),
    ]


async def test_a_new_mute_stops_what_is_still_queued_for_the_chat(store: Store) -> None:
    """A busy group's queue can take minutes: what it muted meanwhile is not sent."""
    await follow(store, ANN, "Politics")
    await follow(store, BOB, "Politics")
    await store.alerts.add(ANN, "transfer", NOW)
    await publish(
        store,
        article("a", "Politics", title="Chelsea agrees a transfer fee"),
        article("b", "Politics", title="Chelsea wins the cup"),
        article("c", "Politics", title="Parliament passes the budget"),
    )
    await mute(store, ANN, "chelsea")
    assert await titles(store, ANN) == [
        ("Chelsea agrees a transfer fee", "pending", "transfer"),  # asked for by its words
        ("Chelsea wins the cup", "skipped", None),
        ("Parliament passes the budget", "pending", None),
    ]
    assert [state for _, state, _ in await titles(store, BOB)] == ["pending"] * 3  # not Bob's


async def test_a_muted_outlet_stops_its_articles_only(store: Store) -> None:
    bbc = FeedConfig("https://bbc.example/rss", ("Politics",), outlet="BBC News")
    other = FeedConfig("https://other.example/rss", ("Politics",), title="Other Times")
    await store.feeds.sync((bbc, other), NOW)
    feeds = {feed.url: feed.id for feed in await store.feeds.all()}
    assert await store.feeds.outlets() == ["BBC News", "Other Times"]
    await follow(store, ANN, "Politics")
    await store.mutes.add(ANN, SOURCE, "bbc  NEWS", NOW)  # the rule reads any case and spacing
    for url, slug in ((bbc.url, "b"), (other.url, "o")):
        new = (article(slug, "Politics", title=f"From {slug}"),)
        await store.articles.ingest(feeds[url], Plan(new=new, alertable={slug}), now=NOW)
    assert await titles(store, ANN) == [("From o", "pending", None)]


async def test_a_digest_leaves_out_held_articles_muted_since(store: Store) -> None:
    await follow(store, ANN, "Politics")
    await store.chats.update(ANN, NOW, mode=ChatMode.DIGEST)
    await store.alerts.add(ANN, "budget", NOW)
    await publish(
        store,
        article("a", "Politics", title="Chelsea wins the cup"),
        article("b", "Politics", title="Chelsea budget revealed"),  # the keyword brings it
        article("c", "Politics", title="Parliament meets"),
    )
    assert [state for _, state, _ in await titles(store, ANN)] == ["held"] * 3
    await mute(store, ANN, "chelsea")  # after the articles were held

    assert await store.held.bundle(ANN, NOW, DigestReason.SCHEDULED) == 2
    [digest] = [d for d in await take_due(store, NOW) if d.chat_id == ANN]
    assert isinstance(digest.article, DigestMessage)
    items = [(i.article.title, i.matched) for i in digest.article.items]
    assert items == [("Chelsea budget revealed", "budget"), ("Parliament meets", None)]
    skipped = [e for e in await store.outbox.entries(ANN) if e.state == "skipped"]
    assert [(e.title, e.last_error) for e in skipped] == [("Chelsea wins the cup", MUTED)]


async def test_a_digest_of_muted_articles_only_is_not_made(store: Store) -> None:
    await follow(store, ANN, "Politics")
    await store.chats.update(ANN, NOW, mode=ChatMode.DIGEST)
    await publish(store, article("a", "Politics", title="Chelsea wins the cup"))
    await mute(store, ANN, "chelsea")
    assert await store.held.bundle(ANN, NOW, DigestReason.ASKED) == 0
    assert await store.held.waiting() == []  # nothing waits any more
    assert [state for _, state, _ in await titles(store, ANN)] == ["skipped"]


async def test_latest_leaves_out_what_the_chat_muted_and_pages_over_what_it_shows(
    store: Store,
) -> None:
    await follow(store, ANN, "Politics")
    stories = [article(f"s{n}", "Politics", title=f"Story {n}") for n in range(12)]
    await publish(store, *stories)  # equal dates: the newest is the one stored last
    await mute(store, ANN, '"story 10" -nothing')
    await mute(store, ANN, "1")

    shown = [a.title for a in await store.articles.latest(limit=3, chat=ANN)]
    assert shown == ["Story 11", "Story 9", "Story 8"]
    page = [a.title for a in await store.articles.latest(limit=3, offset=3, chat=ANN)]
    assert page == ["Story 7", "Story 6", "Story 5"]
    assert len(await store.articles.latest(limit=20, chat=ANN)) == 10  # Story 10 and Story 1
    # Another chat, or none, sees everything.
    assert [a.title for a in await store.articles.latest(limit=2, chat=BOB)][1] == "Story 10"
    assert len(await store.articles.latest(limit=20)) == 12


async def test_one_fan_out_statement_skips_thousands_of_muted_chats(store: Store) -> None:
    """Every muted (chat, article) pair is left out by the one INSERT ... SELECT; more pairs
    than either driver takes bound parameters."""
    chats = range(1000, 3500)
    await follow_and_mute_many(store, chats, "Politics", WORDS, "headline")
    await follow(store, ANN, "Politics")
    queued = await publish(store, *(article(f"a{n}", "Politics") for n in range(10)))
    assert queued == 10  # Ann's ten; 25,000 pairs muted
    assert len(await store.outbox.entries(ANN)) == 10
    assert await store.outbox.entries(1000) == []


async def test_mutes_move_with_a_group_that_becomes_a_supergroup(store: Store) -> None:
    group, supergroup = -10, -1000000000010
    await store.chats.follow(ChatProfile(group, kind="group"), ["Politics"], NOW)
    await store.chats.follow(ChatProfile(supergroup, kind="supergroup"), ["Politics"], NOW)
    await store.mutes.add(group, WORDS, "chelsea", NOW)
    await store.mutes.add(group, SOURCE, "BBC News", NOW)
    await store.mutes.add(supergroup, WORDS, "chelsea", NOW)
    await store.chats.moved(group, supergroup, NOW)
    # Numbered by when they were added; the supergroup's own "chelsea" stays, once.
    assert [(m.kind, m.value) for m in await store.mutes.of(supergroup)] == [
        (SOURCE, "BBC News"),
        (WORDS, "chelsea"),
    ]
    assert await store.mutes.of(group) == []
    await store.chats.forget(supergroup)  # /stop
    assert await store.mutes.of(supergroup) == []
