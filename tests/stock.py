"""A store stocked for a test: a feed, articles in it, chats that follow topics, and the
sender's first step (claiming what is due), each written through the store's own methods."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from news.records import Article, ChatProfile, Delivery, FeedConfig, NewArticle
from news.routing import Plan
from news.store import Store

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
FEED_URL = "https://news.example/rss"


def article(
    identity: str, *topics: str, title: str | None = None, published: datetime | None = None
) -> NewArticle:
    """A news item of its own: its key points are words no other identity's article has, so
    story grouping (news.stories) never takes two of them for one story."""
    words = made_up_words(identity, 10)
    return NewArticle(
        identity=identity,
        link=f"https://news.example/{identity}",
        title=f"Headline {identity}" if title is None else title,
        summary="",
        published_at=published,
        topics=frozenset(topics),
        key_points=(f"{' '.join(words[:5]).capitalize()}.", f"{' '.join(words[5:]).capitalize()}."),
    )


def made_up_words(seed: str, count: int) -> list[str]:
    """`count` pronounceable words of six letters that only this seed gives (in practice)."""
    consonants, vowels = "bcdfghklmnprstvz", "aeiou"
    digest = hashlib.sha256(seed.encode()).digest()
    return [
        "".join(consonants[b % 16] + vowels[b // 16 % 5] for b in digest[3 * n : 3 * n + 3])
        for n in range(count)
    ]


async def feed_id(store: Store, url: str = FEED_URL, *, now: datetime = NOW) -> int:
    await store.feeds.sync((FeedConfig(url=url, topics=("Politics",)),), now)
    return next(feed.id for feed in await store.feeds.all() if feed.url == url)


async def follow(
    store: Store,
    chat: int,
    *topics: str,
    kind: str = "private",
    language: str | None = None,
    now: datetime = NOW,
) -> None:
    """The chat talked to the bot and follows these topics."""
    await store.chats.follow(ChatProfile(chat, kind=kind, language=language), topics, now)


async def publish(store: Store, *articles: NewArticle, now: datetime = NOW) -> int:
    """The feed brings these articles, all new and alertable; returns the alerts queued."""
    feed = await feed_id(store, now=now)
    names = {a.identity for a in articles}
    ingested = await store.articles.ingest(feed, Plan(new=articles, alertable=names), now=now)
    return ingested.deliveries


async def take_due(store: Store, now: datetime) -> list[Delivery]:
    """What the sender does before it paces: claim every chat's due head."""
    return await store.outbox.claim([id_ for id_, _ in await store.outbox.due_heads(now, 100)])


def alert(delivery: Delivery) -> Article:
    """The article a claimed delivery alerts about (not a digest, not an announcement)."""
    assert isinstance(delivery.article, Article), delivery
    return delivery.article
