"""Stories as the store shows them, on SQLite and PostgreSQL: /latest lists each story once,
through its first telling a chat sees, naming the other outlets; a digest bundles each story
once, biggest first, with the outlets that had told it when it was made. Every article here is
invented for the test, and written as its outlet would (different words for one event)."""

from __future__ import annotations

from datetime import datetime, timedelta

from news import render
from news.keywords import parse_query
from news.mutes import MuteKind
from news.records import ChatMode, DigestMessage, DigestReason, FeedConfig, NewArticle, Source
from news.routing import Plan
from news.store import Store
from tests.stock import NOW, follow, take_due
from tests.tellings import FLOODS, FLOODS_RETOLD, FLOODS_THIRD, RATES, STRIKE, morning

PAIS, DW, GUARDIAN = "https://pais.example/rss", "https://dw.example/rss", "https://tg.example/rss"
OUTLETS = {PAIS: "El País", DW: "DW", GUARDIAN: "The Guardian"}


async def outlets(store: Store) -> dict[str, int]:
    """Three feeds, each its own outlet; feed URL -> its id."""
    configs = tuple(FeedConfig(url, ("World",), outlet=name) for url, name in OUTLETS.items())
    await store.feeds.sync(configs, NOW)
    ids = {feed.url: feed.id for feed in await store.feeds.all()}
    for n, text in enumerate(morning()):  # other news, hours old: nobody's alert
        await tell(store, ids[GUARDIAN], f"morning-{n}", text, hours_ago=20, topic="Sport")
    return ids


async def tell(
    store: Store,
    feed: int,
    slug: str,
    text: tuple[str, str],
    *,
    hours_ago: float,
    topic: str = "World",
    now: datetime = NOW,
) -> None:
    """The feed publishes one new article, alertable."""
    title, lead = text
    new = NewArticle(
        identity=slug,
        link=f"https://news.example/{slug}",
        title=title,
        summary=lead,
        published_at=NOW - timedelta(hours=hours_ago),
        topics=frozenset({topic}),
        key_points=(lead,),
    )
    await store.articles.ingest(feed, Plan(new=(new,), alertable={slug}), now=now)


async def test_latest_lists_a_story_once_through_its_first_telling_with_the_others(
    store: Store,
) -> None:
    feeds = await outlets(store)
    await tell(store, feeds[PAIS], "pais-floods", FLOODS, hours_ago=3)
    await tell(store, feeds[DW], "dw-rates", RATES, hours_ago=2)
    await tell(store, feeds[DW], "dw-floods", FLOODS_RETOLD, hours_ago=1, topic="Europe")

    shown = (await store.articles.latest())[:2]  # then the morning's other news
    assert [(a.title, a.outlet) for a in shown] == [(RATES[0], "DW"), (FLOODS[0], "El País")]
    assert shown[0].also == ()
    assert shown[1].also == (Source("DW", "https://news.example/dw-floods"),)
    # Paging counts stories: the second page starts with the second story.
    assert [a.title for a in await store.articles.latest(limit=1, offset=1)] == [FLOODS[0]]
    # On a topic only its own tellings stand for the story, which still names every outlet.
    [europe] = await store.articles.latest("Europe")
    assert (europe.title, europe.also) == (
        FLOODS_RETOLD[0],
        (Source("El País", "https://news.example/pais-floods"),),
    )

    # A chat that muted El País sees the story through DW's telling, at DW's time.
    await follow(store, 7, "World")
    assert await store.mutes.add(7, MuteKind.SOURCE, "El País", NOW)
    for_seven = (await store.articles.latest(chat=7))[:2]
    assert [(a.title, a.outlet) for a in for_seven] == [
        (FLOODS_RETOLD[0], "DW"),
        (RATES[0], "DW"),
    ]
    assert [a.title for a in await store.articles.latest(chat=7, limit=1, offset=1)] == [RATES[0]]
    # A word every telling has hides the whole story.
    await follow(store, 8, "World")
    assert await store.mutes.add(8, MuteKind.WORDS, parse_query("Valencia").text(), NOW)
    assert [a.title for a in await store.articles.latest(chat=8)][:1] == [RATES[0]]


async def test_a_digest_bundles_each_story_once_biggest_first(store: Store) -> None:
    feeds = await outlets(store)
    await follow(store, 7, "World")
    await store.chats.update(7, NOW, mode=ChatMode.DIGEST)
    await tell(store, feeds[DW], "dw-rates", RATES, hours_ago=3)
    await tell(store, feeds[PAIS], "pais-floods", FLOODS, hours_ago=2)
    await tell(store, feeds[GUARDIAN], "tg-strike", STRIKE, hours_ago=2)
    await tell(store, feeds[DW], "dw-floods", FLOODS_RETOLD, hours_ago=1)
    assert await store.held.count(7) == 3  # the floods once

    made = NOW + timedelta(minutes=1)
    assert await store.held.bundle(7, made, DigestReason.SCHEDULED) == 3
    # A third outlet after the digest was made: the digest is never edited, nor named later.
    later = NOW + timedelta(minutes=2)
    await tell(store, feeds[GUARDIAN], "tg-floods", FLOODS_THIRD, hours_ago=0, now=later)
    [delivery] = await take_due(store, later)
    digest = delivery.article
    assert isinstance(digest, DigestMessage)
    assert [(i.article.title, i.article.also) for i in digest.items] == [
        (RATES[0], ()),
        (FLOODS[0], (Source("DW", "https://news.example/dw-floods"),)),
        (STRIKE[0], ()),
    ]  # the order they were found
    text = "\n".join(render.messages(digest))
    assert text.index(FLOODS[0]) < text.index(RATES[0]) < text.index(STRIKE[0])  # biggest first
    assert text.count("+1 outlet") == 1 and "Valencia floods" not in text
