"""Articles: stored once per (feed, identity), matched to subscribers in the same transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from news.records import Article, NewArticle
from news.store import ingest
from news.store.schema import (
    ArticleRow,
    ArticleTopicRow,
    FeedRow,
)


@dataclass(frozen=True, slots=True)
class Ingested:
    new_articles: int
    deliveries: int
    stored: tuple[NewArticle, ...] = ()  # the articles that were new, in feed order


class Articles:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def ingest(
        self,
        feed_id: int,
        articles: Sequence[NewArticle],
        *,
        now: datetime,
        alertable: Collection[str] = frozenset(),
        seen: Collection[str] = (),
        known: Mapping[str, tuple[int, str | None]] | None = None,
    ) -> Ingested:
        """Store what is new, refresh what is known; queue alerts for new alertable identities.

        `articles` are the entries that may be new or edited; `seen` every identity the feed
        listed (their last-seen time moves on, which keeps them remembered); `known` what
        `known()` said a moment ago, when the caller asked (one query fewer per changed feed).

        Known entries are never alerted again, even when edited (the edit is stored). A new
        entry whose normalised link another article already has (the same story in another
        feed, or a guid that changed) is stored but not alerted. The outbox rows are written in
        the same transaction as the articles: an article is never stored without its alerts.
        """
        batch = {article.identity: article for article in articles}  # a feed may repeat a guid
        async with self._sessions.begin() as session:
            if known is None:
                known = await ingest.lookup(session, feed_id, batch)
            await ingest.mark_seen(session, feed_id, {*seen, *known}, now)
            await ingest.store_edits(
                session,
                (
                    (known[i][0], a)
                    for i, a in batch.items()
                    if i in known and known[i][1] != a.content_hash
                ),
            )
            new = [a for i, a in batch.items() if i not in known]
            repeated = await ingest.repeats(session, feed_id, new)
            ids = await ingest.insert_new(session, feed_id, new, now)
            alert = [
                ids[a.identity]
                for a in new
                if a.identity in ids and a.identity in alertable and a.identity not in repeated
            ]
            by_id = {ids[a.identity]: a for a in new if a.identity in ids}
            deliveries = await ingest.enqueue_keywords(
                session, {id_: by_id[id_] for id_ in alert}, now
            )
            deliveries += await ingest.enqueue(session, alert, now)
        stored = tuple(a for a in new if a.identity in ids)
        return Ingested(new_articles=len(stored), deliveries=deliveries, stored=stored)

    async def known(
        self, feed_id: int, identities: Collection[str]
    ) -> dict[str, tuple[int, str | None]]:
        """identity -> (id, content hash) of the entries this feed already gave us."""
        async with self._sessions() as session:
            return await ingest.lookup(session, feed_id, identities)

    async def forget(self, unseen_since: datetime) -> int:
        """Drop articles their feed has not listed since then (dedup memory is kept by time)."""
        last_seen = func.coalesce(ArticleRow.last_seen_at, ArticleRow.discovered_at)
        async with self._sessions.begin() as session:
            result = await session.execute(delete(ArticleRow).where(last_seen < unseen_since))
            return int(getattr(result, "rowcount", 0) or 0)

    async def latest(
        self, topic: str | None = None, limit: int = 5, offset: int = 0
    ) -> list[Article]:
        """The newest articles (on a topic), `offset` skipped: /latest and its More button."""
        newest = func.coalesce(ArticleRow.published_at, ArticleRow.discovered_at)
        query = (
            select(ArticleRow, FeedRow.title, FeedRow.url)
            .join(FeedRow, FeedRow.id == ArticleRow.feed_id)
            .order_by(newest.desc(), ArticleRow.id.desc())
            .offset(max(0, offset))
            .limit(limit)
        )
        if topic is not None:
            query = query.where(
                ArticleRow.id.in_(
                    select(ArticleTopicRow.article_id).where(ArticleTopicRow.topic == topic)
                )
            )
        async with self._sessions() as session:
            rows = (await session.execute(query)).all()
            return await articles_from_rows(
                session, [(row, title, url) for row, title, url in rows]
            )


def source_name(feed_title: str | None, feed_url: str) -> str:
    """What an alert names as its source: the feed's title, or its host when it has none."""
    return feed_title or urlsplit(feed_url).hostname or feed_url


async def articles_from_rows(
    session: AsyncSession, rows: Sequence[tuple[ArticleRow, str | None, str]]
) -> list[Article]:
    """Article records for rows of (article, feed title, feed url), with their topics."""
    ids = [row.id for row, _, _ in rows]
    topics: dict[int, list[str]] = defaultdict(list)
    if ids:
        found = await session.execute(
            select(ArticleTopicRow.article_id, ArticleTopicRow.topic).where(
                ArticleTopicRow.article_id.in_(ids)
            )
        )
        for article_id, topic in found:
            topics[article_id].append(topic)
    return [
        Article(
            id=row.id,
            source=source_name(title, url),
            title=row.title,
            link=row.link,
            published_at=row.published_at,
            discovered_at=row.discovered_at,
            topics=tuple(sorted(topics[row.id])),
            key_points=tuple(row.key_points),
        )
        for row, title, url in rows
    ]
