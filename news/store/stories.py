"""Stories kept: the story index (news.stories) behind the ingest, rebuilt from its tellings after
a restart, and the other outlets of an article's story for whatever shows the article.

The index is in memory (grouping an article must not cost a round trip per open story); every
telling it holds is written to `story_tellings` in the same transaction as its article, so
`StoryIndex.restore` gives the same index back at the next start.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from news.records import Article, NewArticle, Source
from news.signature import Signature, text_of
from news.steps import NO_STEPS, StepTimer
from news.store.outlets import outlet_column, outlet_name
from news.store.schema import ArticleRow, FeedRow, TellingRow
from news.stories import Policy, StoryIndex, Telling


@dataclass(frozen=True, slots=True)
class Filed:
    """Where a new article went: its story, how many outlets tell that story now, and whether
    its outlet is new to the story (then the story's sent alerts name it)."""

    story_id: int
    outlets: int
    new_outlet: bool


# PostgreSQL advisory lock key under which processes file articles into stories, one at a time
# (https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS).
FILING_LOCK = 0x6E657773_0001  # "news", 1
LOOK_BACK = timedelta(minutes=1)


class Stories:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], policy: Policy) -> None:
        self._sessions = sessions
        self.policy = policy
        self._index: StoryIndex | None = None
        self._loading = asyncio.Lock()
        self._looked_at: datetime | None = None  # the newest telling read from the database

    async def index(self) -> StoryIndex:
        """The index, restored from the tellings kept at its first use in this process."""
        async with self._loading:
            if self._index is None:
                async with self._sessions() as session:
                    rows = await session.scalars(
                        select(TellingRow).order_by(TellingRow.at, TellingRow.article_id)
                    )
                    tellings = [_telling(row) for row in rows]
                self._index = StoryIndex.restore(tellings, self.policy)
                # What other processes file later is learnt from here on (_catch_up).
                self._looked_at = max((t.at for t in tellings), default=None)
            return self._index

    async def file(
        self,
        session: AsyncSession,
        outlet: str,
        articles: Sequence[tuple[int, NewArticle]],
        now: datetime,
        steps: StepTimer = NO_STEPS,
    ) -> dict[int, Filed]:
        """File new articles (id, article) of one outlet's feed, in feed order, into the index,
        and keep each telling and story in the caller's transaction; article id -> Filed."""
        index = await self.index()
        await self._catch_up(session, index)
        filed: dict[int, Filed] = {}
        rows = []
        for article_id, article in articles:
            text = text_of(article.title, article.summary, article.key_points)
            with steps("ingest.stories.add"):
                story_id = index.add(article_id, outlet, text, now)
            telling = index.telling(article_id)
            assert telling is not None
            # The story's tellings, this one last (none held: a story of its own).
            earlier = {t.outlet for t in index.story(story_id) if t.article_id != article_id}
            filed[article_id] = Filed(
                story_id, len(earlier | {outlet}), bool(earlier) and outlet not in earlier
            )
            rows.append(
                {
                    "article_id": article_id,
                    "story_id": story_id,
                    "outlet": outlet,
                    "at": now,
                    "signature": telling.signature.encode(),
                }
            )
        if rows:
            with steps("ingest.stories.write"):
                self._looked_at = now if self._looked_at is None else max(self._looked_at, now)
                await session.execute(insert(TellingRow), rows)
                stories = {article_id: where.story_id for article_id, where in filed.items()}
                await session.execute(
                    update(ArticleRow)
                    .where(ArticleRow.id.in_(list(stories)))
                    .values(story_id=case(stories, value=ArticleRow.id))
                )
        return filed

    async def _catch_up(self, session: AsyncSession, index: StoryIndex) -> None:
        """Several processes on one PostgreSQL each keep an index: before filing, take the
        database's lock for filing (held to the end of this transaction, so filings take turns
        and none misses another's) and learn the tellings others filed since the last look.
        SQLite has one process (bot/serve.py refuses a second): nothing to learn there."""
        if session.get_bind().dialect.name != "postgresql":
            return
        await session.execute(select(func.pg_advisory_xact_lock(FILING_LOCK)))
        query = select(TellingRow).order_by(TellingRow.at, TellingRow.article_id)
        if self._looked_at is not None:
            # Clocks of processes differ a little: look back a minute, skip what is held.
            query = query.where(TellingRow.at >= self._looked_at - LOOK_BACK)
        newest = self._looked_at
        for row in await session.scalars(query):
            index.learn(_telling(row))
            newest = row.at if newest is None else max(newest, row.at)
        self._looked_at = newest

    async def prune(self, now: datetime) -> int:
        """Forget the tellings the index no longer needs; returns how many."""
        index = await self.index()
        dropped = index.prune(now)
        if not dropped:
            return 0
        async with self._sessions.begin() as session:
            for start in range(0, len(dropped), 500):
                chunk = dropped[start : start + 500]
                await session.execute(delete(TellingRow).where(TellingRow.article_id.in_(chunk)))
        return len(dropped)


def _telling(row: TellingRow) -> Telling:
    return Telling(
        row.article_id, row.story_id, row.outlet, row.at, Signature.decode(row.signature)
    )


async def with_others(
    session: AsyncSession, articles: Sequence[Article], *, until: datetime | None = None
) -> list[Article]:
    """The articles, each with the other outlets that told its story so far (Article.also),
    first first, one link each (the first telling of each), its own outlet left out.
    `until`: only the tellings found by then (a digest names what it was made of, so a
    retried part says what the first part said)."""
    stories = {a.story_id for a in articles if a.story_id is not None}
    if not stories:
        return list(articles)
    query = (
        select(ArticleRow.story_id, ArticleRow.link, outlet_column(), FeedRow.url)
        .join(FeedRow, FeedRow.id == ArticleRow.feed_id)
        .where(ArticleRow.story_id.in_(sorted(stories)))
        .order_by(ArticleRow.id)
    )
    if until is not None:
        query = query.where(ArticleRow.discovered_at <= until)
    tellers: dict[int | None, dict[str, Source]] = defaultdict(dict)
    for story_id, link, outlet, url in await session.execute(query):
        name = outlet_name(outlet, url)
        tellers[story_id].setdefault(name, Source(name, link))
    return [
        replace(a, also=tuple(s for name, s in tellers[a.story_id].items() if name != a.outlet))
        if a.story_id is not None
        else a
        for a in articles
    ]
