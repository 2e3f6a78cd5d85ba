"""Articles chats saved with the ⭐ button (/saved)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from news.records import SavedArticle
from news.store.database import insert_ignoring_duplicates
from news.store.outlets import outlet_column, outlet_name
from news.store.schema import ArticleRow, ChatRow, FeedRow, SavedRow


class Saved:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def save(self, chat_id: int, article_id: int, now: datetime) -> bool:
        """Keep a copy of the article for the chat; False when it was saved already.
        Raises LookupError when the article is not (or no longer) stored."""
        async with self._sessions.begin() as session:
            found = (
                await session.execute(
                    select(ArticleRow, outlet_column(), FeedRow.url)
                    .join(FeedRow, FeedRow.id == ArticleRow.feed_id)
                    .where(ArticleRow.id == article_id)
                )
            ).first()
            if found is None:
                raise LookupError(article_id)
            article, feed_title, feed_url = found
            if await session.get(ChatRow, chat_id) is None:
                session.add(ChatRow(id=chat_id, kind="private", active=True, created_at=now))
                await session.flush()
            statement = insert_ignoring_duplicates(session, SavedRow).values(
                chat_id=chat_id,
                article_id=article_id,
                title=article.title,
                link=article.link,
                source=outlet_name(feed_title, feed_url),
                published_at=article.published_at or article.discovered_at,
                saved_at=now,
            )
            result = await session.execute(statement)
            return bool(getattr(result, "rowcount", 0))

    async def remove(self, chat_id: int, article_id: int) -> bool:
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(SavedRow).where(
                    SavedRow.chat_id == chat_id, SavedRow.article_id == article_id
                )
            )
            return bool(getattr(result, "rowcount", 0))

    async def page(self, chat_id: int, offset: int, limit: int) -> tuple[list[SavedArticle], int]:
        """The newest saved first, and how many there are in all."""
        async with self._sessions() as session:
            total = await session.scalar(
                select(func.count()).select_from(SavedRow).where(SavedRow.chat_id == chat_id)
            )
            rows = await session.scalars(
                select(SavedRow)
                .where(SavedRow.chat_id == chat_id)
                .order_by(SavedRow.saved_at.desc(), SavedRow.article_id.desc())
                .offset(max(0, offset))
                .limit(limit)
            )
            return [
                SavedArticle(
                    article_id=row.article_id,
                    title=row.title,
                    link=row.link,
                    outlet=row.source,  # the outlet when it was saved
                    published_at=row.published_at,
                    saved_at=row.saved_at,
                )
                for row in rows
            ], int(total or 0)
