"""Articles: stored once per (feed, identity), matched to subscribers in the same transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, delete, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from news import routing
from news.mutes import Mute
from news.records import Article, NewArticle
from news.routing import Known, Plan
from news.steps import NO_STEPS, StepTimer
from news.store import ingest
from news.store.mutes import of_chat
from news.store.outlets import outlet_column, outlet_name
from news.store.schema import ArticleRow, ArticleTopicRow, DeliveryRow, FeedRow
from news.store.stories import Filed, Stories, with_others

# A publisher's change of headline or key points edits the alerts sent within this long.
RETOLD_WITHIN = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Ingested:
    new_articles: int
    deliveries: int
    stored: tuple[NewArticle, ...] = ()  # the articles that were new, in feed order


class Articles:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], stories: Stories) -> None:
        self._sessions = sessions
        self._stories = stories

    async def ingest(
        self, feed_id: int, plan: Plan, *, now: datetime, steps: StepTimer = NO_STEPS
    ) -> Ingested:
        """Carry out news.routing's plan for one feed's entries, in one transaction: an article
        is never stored without its story and its alerts queued.

        Remember what the feed listed, store edits in place (marking the sent alerts of a
        retitled article for an edit), insert the new articles and file each into its story
        (news.stories), then queue the alerts of those news.routing.alerted() picks for
        news.routing.audience(): keyword hits, then the followers of their stories' topics but
        for the chats that muted the article or have the story already (one INSERT ...
        SELECT). A telling from an outlet new to its story marks the story's sent alerts for
        an edit that names it.
        """
        window = self._stories.policy.window
        async with self._sessions.begin() as session:
            with steps("ingest.mark_seen"):
                await ingest.mark_seen(session, feed_id, plan.seen, now)
            with steps("ingest.store_edits"):
                await ingest.store_edits(session, plan.edits, now, within=RETOLD_WITHIN)
            copies = routing.Copies()
            if plan.alertable:  # only what may alert needs telling from a known story
                with steps("ingest.copies"):
                    copies = await ingest.copies(session, feed_id, plan.new)
            with steps("ingest.insert_new"):
                ids = await ingest.insert_new(session, feed_id, plan.new, now)
            filed: dict[int, Filed] = {}
            outlet = ""
            if ids:
                with steps("ingest.stories"):
                    with steps("ingest.stories.outlet"):
                        outlet = await ingest.outlet(session, feed_id)
                    inserted = [(ids[a.identity], a) for a in plan.new if a.identity in ids]
                    filed = await self._stories.file(session, outlet, inserted, now, steps)
            alert = routing.alerted(plan, ids, copies)
            deliveries = 0
            if alert:
                stories = {id_: filed[id_].story_id for id_ in alert}
                outlets = {id_: filed[id_].outlets for id_ in alert}
                told = {filed[id_].story_id for id_ in alert if filed[id_].new_outlet}
                if told:
                    with steps("ingest.retold"):
                        where = DeliveryRow.story_id.in_(sorted(told))
                        await ingest.mark_for_edit(session, where, now, since=now - window)
                with steps("ingest.mutes"):
                    # A story's first telling has its own topics; a later one, every telling's.
                    joined = {id_: story for id_, story in stories.items() if story != id_}
                    topics = {id_: set(article.topics) for id_, article in alert.items()}
                    if joined:
                        topics |= await ingest.story_topics(session, joined)
                    mutes = await ingest.mutes(session, set().union(*topics.values()), now)
                with steps("ingest.keywords"):
                    alerts = await ingest.keyword_alerts(session, now)
                    reach = routing.audience(alert, alerts, mutes, outlet, outlets)
                    deliveries += await ingest.enqueue_hits(session, reach.hits, now, stories)
                with steps("ingest.enqueue"):
                    deliveries += await ingest.enqueue(
                        session, reach.followed, now, reach.muted, outlets, retold=bool(joined)
                    )
        stored = tuple(a for a in plan.new if a.identity in ids)
        return Ingested(new_articles=len(stored), deliveries=deliveries, stored=stored)

    async def known(self, feed_id: int, identities: Collection[str]) -> dict[str, Known]:
        """identity -> what the store knows of the entries this feed already gave us."""
        async with self._sessions() as session:
            return await ingest.lookup(session, feed_id, identities)

    async def forget(self, unseen_since: datetime) -> int:
        """Drop articles their feed has not listed since then (dedup memory is kept by time)."""
        last_seen = func.coalesce(ArticleRow.last_seen_at, ArticleRow.discovered_at)
        async with self._sessions.begin() as session:
            result = await session.execute(delete(ArticleRow).where(last_seen < unseen_since))
            return int(getattr(result, "rowcount", 0) or 0)

    async def latest(
        self, topic: str | None = None, limit: int = 5, offset: int = 0, *, chat: int | None = None
    ) -> list[Article]:
        """The newest stories (on a topic), `offset` skipped: /latest and its More button.

        Each story once, through its first telling (on the topic), with the other outlets that
        told it (Article.also): the first stays where it is when later tellings come in, so
        paging on never skips nor repeats a story (the newest would move it to the top).
        For a `chat`, what it muted is left out (news.routing.muted()) telling by telling: a
        story whose first telling is muted shows through the next one the chat sees, and
        `offset` counts what that chat is shown."""
        newest = func.coalesce(ArticleRow.published_at, ArticleRow.discovered_at)
        on_topic = (
            None
            if topic is None
            else select(ArticleTopicRow.article_id).where(ArticleTopicRow.topic == topic)
        )
        query = (
            select(ArticleRow, outlet_column(), FeedRow.url)
            .join(FeedRow, FeedRow.id == ArticleRow.feed_id)
            .order_by(newest.desc(), ArticleRow.id.desc())
        )
        if on_topic is not None:
            query = query.where(ArticleRow.id.in_(on_topic))
        async with self._sessions() as session:
            mutes = await of_chat(session, chat) if chat is not None else []
            if mutes:
                rows = await _unmuted(session, query, mutes, max(0, offset) + limit, on_topic)
                rows = rows[max(0, offset) :]
            else:
                firsts = query.where(~_told_before(on_topic))
                page = firsts.offset(max(0, offset)).limit(limit)
                rows = [(row, title, url) for row, title, url in await session.execute(page)]
            return await with_others(session, await articles_from_rows(session, rows))


# Muted headlines are dropped after reading, so a page may need more rows than it shows; a chat
# that muted nearly everything gets a short page rather than a scan of the whole table.
_SCAN_CHUNK = 200
_SCAN_MOST = 5000
Listed = tuple[ArticleRow, str | None, str]  # an article, its outlet column, its feed's URL
OnTopic = Select[int] | None  # the ids of the articles on /latest's topic; None: all


def _told_before(on_topic: OnTopic) -> ColumnElement[bool]:
    """An earlier article (on the topic) tells the same story."""
    earlier = aliased(ArticleRow)
    where = [earlier.story_id == ArticleRow.story_id, earlier.id < ArticleRow.id]
    if on_topic is not None:
        where.append(earlier.id.in_(on_topic))
    return exists().where(*where)


async def _unmuted(
    session: AsyncSession,
    query: Select[ArticleRow, str | None, str],
    mutes: Sequence[Mute],
    wanted: int,
    on_topic: OnTopic,
) -> list[Listed]:
    """The first `wanted` rows of `query` that the chat's mutes let through, in its order, each
    story once: through its first telling (on the topic) that the mutes let through."""
    kept: list[Listed] = []
    firsts: dict[int, int | None] = {}  # story -> its first telling the chat sees
    for start in range(0, _SCAN_MOST, _SCAN_CHUNK):
        chunk = (await session.execute(query.offset(start).limit(_SCAN_CHUNK))).all()
        visible = [(a, o, u) for a, o, u in chunk if not _muted(a, outlet_name(o, u), mutes)]
        stories = {a.story_id for a, _, _ in visible if a.story_id is not None} - firsts.keys()
        firsts |= await _first_seen(session, stories, mutes, on_topic)
        kept += [
            (a, o, u) for a, o, u in visible if a.story_id is None or firsts[a.story_id] == a.id
        ]
        if len(kept) >= wanted or len(chunk) < _SCAN_CHUNK:
            break
    return kept[:wanted]


async def _first_seen(
    session: AsyncSession, stories: Collection[int], mutes: Sequence[Mute], on_topic: OnTopic
) -> dict[int, int | None]:
    """story -> the id of its first telling (on the topic) that the mutes let through."""
    if not stories:
        return {}
    query = (
        select(ArticleRow, outlet_column(), FeedRow.url)
        .join(FeedRow, FeedRow.id == ArticleRow.feed_id)
        .where(ArticleRow.story_id.in_(sorted(stories)))
        .order_by(ArticleRow.id)
    )
    if on_topic is not None:
        query = query.where(ArticleRow.id.in_(on_topic))
    firsts: dict[int, int | None] = dict.fromkeys(stories)
    for article, outlet, url in await session.execute(query):
        story = article.story_id  # one of `stories`: never None here
        if story is None or firsts[story] is not None:
            continue
        if not _muted(article, outlet_name(outlet, url), mutes):
            firsts[story] = article.id
    return firsts


def _muted(article: ArticleRow, outlet: str, mutes: Sequence[Mute]) -> bool:
    words = routing.words_of(article.title, article.key_points, article.summary)
    return routing.muted(words, outlet, mutes)


async def articles_from_rows(
    session: AsyncSession, rows: Sequence[tuple[ArticleRow, str | None, str]]
) -> list[Article]:
    """Article records for rows of (article, outlet, feed url), with their topics."""
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
            outlet=outlet_name(title, url),
            title=row.title,
            link=row.link,
            published_at=row.published_at,
            discovered_at=row.discovered_at,
            topics=tuple(sorted(topics[row.id])),
            key_points=tuple(row.key_points),
            image=row.image,
            story_id=row.story_id,
            updated_at=row.updated_at,
        )
        for row, title, url in rows
    ]
