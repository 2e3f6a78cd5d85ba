"""Articles: stored once per (feed, identity), matched to subscribers in the same transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import func, literal, select
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
        self, feed_id: int, articles: Sequence[NewArticle], *, now: datetime, alert: bool
    ) -> Ingested:
        """Store the articles not seen before; when alert is on, queue one delivery per chat.

        The outbox rows are written in the same transaction as the articles, so a crash can
        never leave an article stored but its alerts forgotten.
        """
        new = deliveries = 0
        async with self._sessions.begin() as session:
            for article in articles:
                article_id = await self._insert(session, feed_id, article, now)
                if article_id is None:
                    continue
                new += 1
                if alert and article.topics:
                    deliveries += await _enqueue(session, article_id, article.topics, now)
        return Ingested(new_articles=new, deliveries=deliveries)

    @staticmethod
    async def _insert(
        session: AsyncSession, feed_id: int, article: NewArticle, now: datetime
    ) -> int | None:
        statement = insert_ignoring_duplicates(session, ArticleRow).values(
            feed_id=feed_id,
            identity=article.identity,
            link=article.link,
            title=article.title,
            summary=article.summary,
            key_points=list(article.key_points),
            published_at=article.published_at,
            discovered_at=now,
        )
        article_id = (await session.execute(statement.returning(ArticleRow.id))).scalar()
        if article_id is None:
            return None  # seen before: the unique (feed, identity) constraint said so
        session.add_all(
            ArticleTopicRow(article_id=article_id, topic=t) for t in sorted(article.topics)
        )
        await session.flush()
        return int(article_id)

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
