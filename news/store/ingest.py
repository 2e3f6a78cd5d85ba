"""One feed's batch of entries into the database in a handful of statements, whatever its size.

bench/poll.py measured one round trip per article at ~3.5 ms; per-statement batches keep a
changed feed's storage cost near constant.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, case, insert, literal, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from news.mutes import Mute
from news.records import ChatMode, DeliveryState, NewArticle
from news.routing import Copies, Edit, Hit, KeywordAlert, Known, first_state
from news.store import mutes as stored_mutes
from news.store.database import insert_ignoring_duplicates
from news.store.leadership import LINKS
from news.store.outlets import outlet_column, outlet_name
from news.store.schema import (
    AlertRow,
    ArticleRow,
    ArticleTopicRow,
    ChatRow,
    DeliveryRow,
    FeedRow,
    SubscriptionRow,
)


async def lookup(
    session: AsyncSession, feed_id: int, identities: Collection[str]
) -> dict[str, Known]:
    """identity -> what the store knows of the feed's articles among `identities`."""
    if not identities:
        return {}
    rows = await session.execute(
        select(ArticleRow.id, ArticleRow.identity, ArticleRow.content_hash).where(
            ArticleRow.feed_id == feed_id, ArticleRow.identity.in_(list(identities))
        )
    )
    return {identity: Known(id_, content_hash) for id_, identity, content_hash in rows}


async def mark_seen(
    session: AsyncSession, feed_id: int, identities: Collection[str], now: datetime
) -> None:
    """The feed still lists these: remember them for another retention period."""
    if identities:
        table = ArticleRow.__table__
        await session.execute(
            update(table)  # type: ignore[arg-type]
            .where(table.c.feed_id == feed_id, table.c.identity.in_(list(identities)))
            .values(last_seen_at=now)
        )


async def store_edits(
    session: AsyncSession, edits: Sequence[Edit], now: datetime, *, within: timedelta
) -> None:
    """An edited entry is updated in place and never alerted again; when its headline or key
    points changed, the alerts sent for it in the last `within` are edited to match."""
    if not edits:
        return
    before = {
        id_: (title, list(points or ()))
        for id_, title, points in await session.execute(
            select(ArticleRow.id, ArticleRow.title, ArticleRow.key_points).where(
                ArticleRow.id.in_([edit.article_id for edit in edits])
            )
        )
    }
    retold = [
        edit.article_id
        for edit in edits
        if edit.article_id in before
        and before[edit.article_id] != (edit.article.title, list(edit.article.key_points))
    ]
    if retold:
        await session.execute(
            update(ArticleRow).where(ArticleRow.id.in_(retold)).values(updated_at=now)
        )
        await mark_for_edit(session, DeliveryRow.article_id.in_(retold), now, since=now - within)
    for edit in edits:
        article = edit.article
        await session.execute(
            update(ArticleRow)
            .where(ArticleRow.id == edit.article_id)
            .values(
                title=article.title,
                summary=article.summary,
                link=article.link,
                link_key=article.link_key,
                key_points=list(article.key_points),
                content_hash=article.content_hash,
                image=article.image,
            )
        )


async def mark_for_edit(
    session: AsyncSession, which: ColumnElement[bool], now: datetime, *, since: datetime
) -> None:
    """The sent alerts `which` picks, sent since then, are to be edited (the sender spaces
    the edits of one message: news.store.outbox.EDIT_SPACING); one already due stays due."""
    await session.execute(
        update(DeliveryRow)
        .where(
            which,
            DeliveryRow.state == DeliveryState.SENT,
            DeliveryRow.message_id.is_not(None),
            DeliveryRow.edit_due_at.is_(None),
            DeliveryRow.sent_at >= since,
        )
        .values(edit_due_at=now, edit_attempts=0)
        .execution_options(synchronize_session=False)
    )


async def story_topics(session: AsyncSession, stories: Mapping[int, int]) -> dict[int, set[str]]:
    """article id -> the topics of every telling of its story so far (`stories`: article id ->
    story id): a story reaches the followers of any of them."""
    rows = await session.execute(
        select(ArticleRow.story_id, ArticleTopicRow.topic)
        .join(ArticleTopicRow, ArticleTopicRow.article_id == ArticleRow.id)
        .where(ArticleRow.story_id.in_(sorted(set(stories.values()))))
    )
    by_story: dict[int, set[str]] = defaultdict(set)
    for story_id, topic in rows:
        if story_id is not None:  # the query asked for stories only
            by_story[story_id].add(topic)
    return {article_id: by_story[story_id] for article_id, story_id in stories.items()}


async def copies(session: AsyncSession, feed_id: int, new: Sequence[NewArticle]) -> Copies:
    """The new articles' normalised links that any feed, and text hashes that this feed,
    already has: news.routing.alerted() tells a known story from a new one by them."""
    links = {a.link_key for a in new if a.link_key}
    hashes = {a.content_hash for a in new if a.content_hash}
    if not links and not hashes:
        return Copies()
    if links and session.get_bind().dialect.name == "postgresql":
        # Two feeds carrying one story are ingested at once (another task, another process):
        # each transaction would miss the other's uncommitted article and both would alert.
        # A lock per link, held to the end of the transaction, makes the second one wait and
        # then see the first one's row (READ COMMITTED reads what committed before each
        # statement). Taken in order, so two batches never wait for each other in a circle.
        await session.execute(
            text(
                "SELECT pg_advisory_xact_lock(:namespace, hashtext(link))"
                " FROM unnest(CAST(:links AS text[])) AS link ORDER BY hashtext(link)"
            ),
            {"namespace": LINKS, "links": sorted(links)},
        )
    found = await session.execute(
        select(ArticleRow.link_key, ArticleRow.content_hash, ArticleRow.feed_id).where(
            or_(
                ArticleRow.link_key.in_(links),
                and_(ArticleRow.feed_id == feed_id, ArticleRow.content_hash.in_(hashes)),
            )
        )
    )
    known_links: set[str | None] = set()
    known_hashes: set[str | None] = set()
    for link_key, content_hash, owner in found:
        known_links.add(link_key)
        if owner == feed_id:
            known_hashes.add(content_hash)
    return Copies(frozenset(known_links), frozenset(known_hashes))


async def insert_new(
    session: AsyncSession, feed_id: int, new: Sequence[NewArticle], now: datetime
) -> dict[str, int]:
    """Insert the new articles and their topics; identity -> id of each row really inserted."""
    if not new:
        return {}
    rows = [
        {
            "feed_id": feed_id,
            "identity": a.identity,
            "link": a.link,
            "link_key": a.link_key,
            "content_hash": a.content_hash,
            "title": a.title,
            "summary": a.summary,
            "key_points": list(a.key_points),
            "published_at": a.published_at,
            "image": a.image,
            "discovered_at": now,
            "last_seen_at": now,
        }
        for a in new
    ]
    statement = insert_ignoring_duplicates(session, ArticleRow).returning(
        ArticleRow.id, ArticleRow.identity
    )
    # ON CONFLICT DO NOTHING: another poller may have stored one a moment ago.
    ids = {identity: int(id_) for id_, identity in await session.execute(statement, rows)}
    topics = [
        {"article_id": ids[a.identity], "topic": topic}
        for a in new
        if a.identity in ids
        for topic in sorted(a.topics)
    ]
    if topics:
        await session.execute(insert(ArticleTopicRow), topics)
    return ids


def _receiving(now: datetime) -> ColumnElement[bool]:
    """Chats that take alerts now: active, and not paused."""
    return and_(ChatRow.active, or_(ChatRow.paused_until.is_(None), ChatRow.paused_until <= now))


def _first_state() -> ColumnElement[str]:
    """news.routing.first_state() of the chat's mode, in SQL."""
    return case(
        {mode.value: literal(first_state(mode).value) for mode in ChatMode},
        value=ChatRow.mode,
        else_=literal(first_state(ChatMode.INSTANT).value),
    )


async def keyword_alerts(session: AsyncSession, now: datetime) -> list[KeywordAlert]:
    """The keyword alerts of the chats that take alerts now, in the order they were set."""
    rows = await session.execute(
        select(AlertRow.chat_id, AlertRow.query, ChatRow.mode, ChatRow.min_outlets)
        .join(ChatRow, ChatRow.id == AlertRow.chat_id)
        .where(_receiving(now))
        .order_by(AlertRow.id)
    )
    return [
        KeywordAlert(chat_id, query, ChatMode(mode), least) for chat_id, query, mode, least in rows
    ]


async def mutes(session: AsyncSession, topics: Collection[str], now: datetime) -> list[Mute]:
    """The mutes of the chats that could get articles on these topics through them."""
    return await stored_mutes.of_followers(session, set(topics), _receiving(now))


async def outlet(session: AsyncSession, feed_id: int) -> str:
    """Who publishes the feed, as source mutes name it."""
    row = (
        await session.execute(select(outlet_column(), FeedRow.url).where(FeedRow.id == feed_id))
    ).one()
    return outlet_name(*row)


async def enqueue_hits(
    session: AsyncSession, hits: Collection[Hit], now: datetime, stories: Mapping[int, int]
) -> int:
    """One delivery per keyword hit, unless the chat has its story already; the row remembers
    which alert matched. `stories`: article id -> story id."""
    if not hits:
        return 0
    rows = [
        {
            "chat_id": hit.chat_id,
            "article_id": hit.article_id,
            "story_id": stories.get(hit.article_id),
            "state": hit.state.value,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "matched": hit.matched,
        }
        for hit in hits
    ]
    statement = insert_ignoring_duplicates(session, DeliveryRow).returning(DeliveryRow.id)
    return len((await session.execute(statement, rows)).all())


async def enqueue(
    session: AsyncSession,
    article_ids: Collection[int],
    now: datetime,
    muted: Collection[tuple[int, int]] = (),
    outlets: Mapping[int, int] | None = None,
    *,
    retold: bool = True,
) -> int:
    """One delivery per (receiving chat, article) where the chat follows a topic of the
    article's story (any telling's; only its own when none of the articles joined a story
    told before, `retold` False, which spares a join), unless the chat has the story already
    (a keyword hit, written first, or an earlier telling), the pair is `muted`
    (news.routing.audience()), or the chat takes only stories told by more outlets than
    `outlets` (article id -> how many tell its story now; news.routing.big_enough()). Still
    one statement, however many chats and mutes."""
    if not article_ids:
        return 0
    moment = ArticleRow.discovered_at.type
    new, telling = aliased(ArticleRow), aliased(ArticleRow)
    told = outlets or {}
    sizes = {told.get(article_id, 1) for article_id in article_ids}
    size: ColumnElement[int] = (
        literal(sizes.pop())
        if len(sizes) == 1
        else case({id_: told.get(id_, 1) for id_ in article_ids}, value=new.id, else_=1)
    )
    query = select(
        SubscriptionRow.chat_id,
        new.id,
        new.story_id,
        _first_state(),
        literal(0),
        literal(now, moment),
        literal(now, moment),
    ).select_from(new)
    if retold:
        query = query.join(telling, telling.story_id == new.story_id).join(
            ArticleTopicRow, ArticleTopicRow.article_id == telling.id
        )
    else:
        query = query.join(ArticleTopicRow, ArticleTopicRow.article_id == new.id)
    query = (
        query.join(SubscriptionRow, SubscriptionRow.topic == ArticleTopicRow.topic)
        .join(ChatRow, ChatRow.id == SubscriptionRow.chat_id)
        .where(
            new.id.in_(sorted(article_ids)),
            _receiving(now),
            or_(ChatRow.min_outlets.is_(None), ChatRow.min_outlets <= size),
        )
        .distinct()
    )
    chats_muting: dict[int, list[int]] = defaultdict(list)
    for chat, article in sorted(muted):
        chats_muting[article].append(chat)
    for n, (article, chats) in enumerate(chats_muting.items()):
        # One list of chats per article, written into the statement (integers only, nothing to
        # escape): thousands of chats muting one outlet must not run into the drivers' limits
        # on bound parameters (32,766 on SQLite, 32,767 on asyncpg), and PostgreSQL reads a
        # list of values as one array where a list of (chat, article) rows would nest too deep.
        skip: BindParameter[list[int]] = bindparam(
            f"muting_{n}", chats, expanding=True, literal_execute=True
        )
        query = query.where(or_(new.id != article, SubscriptionRow.chat_id.not_in(skip)))
    statement = insert_ignoring_duplicates(session, DeliveryRow).from_select(
        [
            "chat_id",
            "article_id",
            "story_id",
            "state",
            "attempts",
            "next_attempt_at",
            "created_at",
        ],
        query,
    )
    result = await session.execute(statement)
    return max(int(getattr(result, "rowcount", 0) or 0), 0)
