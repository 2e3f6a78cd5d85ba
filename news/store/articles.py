"""Articles: stored once per (feed, identity), matched to subscribers in the same transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import and_, delete, func, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from news.records import Article, NewArticle
from news.store.database import insert_ignoring_duplicates
from news.store.schema import (
    ArticleRow,
    ArticleTopicRow,
    ChatRow,
    DeliveryRow,
    FeedRow,
    SubscriptionRow,
)


@dataclass(frozen=True, slots=True)
class Ingested:
    new_articles: int
    deliveries: int


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
    ) -> Ingested:
        """Store what is new, refresh what is known; queue alerts for new alertable identities.

        Known entries are never alerted again, even when edited (the edit is stored). A new
        entry whose normalised link another article already has (the same story in another
        feed, or a guid that changed) is stored but not alerted. The outbox rows are written in
        the same transaction as the articles: an article is never stored without its alerts.
        """
        batch = {article.identity: article for article in articles}  # a feed may repeat a guid
        new = deliveries = 0
        async with self._sessions.begin() as session:
            known = await _refresh_known(session, feed_id, batch, now)
            for identity, article in batch.items():
                if identity in known:
                    continue
                alert = identity in alertable and not await _is_repeat(session, feed_id, article)
                article_id = await _insert(session, feed_id, article, now)
                if article_id is None:
                    continue
                new += 1
                if alert and article.topics:
                    deliveries += await _enqueue(session, article_id, article.topics, now)
        return Ingested(new_articles=new, deliveries=deliveries)

    async def forget(self, unseen_since: datetime) -> int:
        """Drop articles their feed has not listed since then (dedup memory is kept by time)."""
        last_seen = func.coalesce(ArticleRow.last_seen_at, ArticleRow.discovered_at)
        async with self._sessions.begin() as session:
            result = await session.execute(delete(ArticleRow).where(last_seen < unseen_since))
            return int(getattr(result, "rowcount", 0) or 0)

    async def latest(self, topic: str | None = None, limit: int = 5) -> list[Article]:
        newest = func.coalesce(ArticleRow.published_at, ArticleRow.discovered_at)
        query = (
            select(ArticleRow, FeedRow.title, FeedRow.url)
            .join(FeedRow, FeedRow.id == ArticleRow.feed_id)
            .order_by(newest.desc(), ArticleRow.id.desc())
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


async def _refresh_known(
    session: AsyncSession, feed_id: int, batch: dict[str, NewArticle], now: datetime
) -> set[str]:
    """Mark the batch's known identities as seen now; store edits. Returns those identities."""
    if not batch:
        return set()
    rows = (
        await session.execute(
            select(ArticleRow.id, ArticleRow.identity, ArticleRow.content_hash).where(
                ArticleRow.feed_id == feed_id, ArticleRow.identity.in_(list(batch))
            )
        )
    ).all()
    if rows:
        await session.execute(
            update(ArticleRow)
            .where(ArticleRow.id.in_([row.id for row in rows]))
            .values(last_seen_at=now)
        )
    for row in rows:
        article = batch[row.identity]
        if article.content_hash != row.content_hash:  # edited: update in place, never re-send
            await session.execute(
                update(ArticleRow)
                .where(ArticleRow.id == row.id)
                .values(
                    title=article.title,
                    summary=article.summary,
                    link=article.link,
                    link_key=article.link_key,
                    key_points=list(article.key_points),
                    content_hash=article.content_hash,
                )
            )
    return {row.identity for row in rows}


async def _is_repeat(session: AsyncSession, feed_id: int, article: NewArticle) -> bool:
    """Known under another identity: the same link in any feed, or the same text in this one."""
    same = []
    if article.link_key is not None:
        same.append(ArticleRow.link_key == article.link_key)
    if article.content_hash is not None:
        same.append(
            and_(ArticleRow.feed_id == feed_id, ArticleRow.content_hash == article.content_hash)
        )
    if not same:
        return False
    return await session.scalar(select(ArticleRow.id).where(or_(*same)).limit(1)) is not None


async def _insert(
    session: AsyncSession, feed_id: int, article: NewArticle, now: datetime
) -> int | None:
    statement = insert_ignoring_duplicates(session, ArticleRow).values(
        feed_id=feed_id,
        identity=article.identity,
        link=article.link,
        link_key=article.link_key,
        content_hash=article.content_hash,
        title=article.title,
        summary=article.summary,
        key_points=list(article.key_points),
        published_at=article.published_at,
        discovered_at=now,
        last_seen_at=now,
    )
    article_id = (await session.execute(statement.returning(ArticleRow.id))).scalar()
    if article_id is None:
        return None  # another poller stored it a moment ago: unique (feed, identity)
    session.add_all(
        ArticleTopicRow(article_id=article_id, topic=topic) for topic in sorted(article.topics)
    )
    await session.flush()
    return int(article_id)


async def _enqueue(
    session: AsyncSession, article_id: int, topics: frozenset[str], now: datetime
) -> int:
    """One pending delivery per active chat that follows any of the topics (never two)."""
    chats = (
        select(
            SubscriptionRow.chat_id,
            literal(article_id),
            literal("pending"),
            literal(0),
            literal(now, ArticleRow.discovered_at.type),
            literal(now, ArticleRow.discovered_at.type),
        )
        .join(ChatRow, ChatRow.id == SubscriptionRow.chat_id)
        .where(SubscriptionRow.topic.in_(sorted(topics)), ChatRow.active)
        .distinct()
    )
    statement = insert_ignoring_duplicates(session, DeliveryRow).from_select(
        ["chat_id", "article_id", "state", "attempts", "next_attempt_at", "created_at"], chats
    )
    result = await session.execute(statement)
    return max(int(getattr(result, "rowcount", 0) or 0), 0)


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
            source=title or urlsplit(url).hostname or url,
            title=row.title,
            link=row.link,
            published_at=row.published_at,
            discovered_at=row.discovered_at,
            topics=tuple(sorted(topics[row.id])),
            key_points=tuple(row.key_points),
        )
        for row, title, url in rows
    ]
