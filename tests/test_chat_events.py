"""The events of a chat's life, each one transaction of the store, on real databases (SQLite
always, PostgreSQL where one runs): follow, unfollow, back (and who let the bot in), gone (and
why), and moved (a group that became a supergroup takes everything it had along)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from news.records import ChatProfile, FeedConfig, ForumThread, Layout, NewArticle, Picture
from news.routing import Plan
from news.store import Store
from tests.stock import article, take_due

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=1)
ANN, GROUP, SUPERGROUP, CHANNEL = 11, -7, -1007, -1009
ADMIN, OTHER_ADMIN = 21, 22


async def publish(store: Store, *names: str) -> None:
    """Politics articles, alerted to Politics' followers."""
    await store.feeds.sync((FeedConfig(url="https://news.example/rss"),), NOW)
    (feed,) = await store.feeds.all()
    await store.articles.ingest(feed.id, Plan(new=[_article("first")]), now=NOW)  # alerts none
    articles = [_article(name) for name in names]
    await store.articles.ingest(feed.id, Plan(new=articles, alertable=set(names)), now=NOW)


def _article(name: str) -> NewArticle:
    return article(name, "Politics")


async def outbox(store: Store, chat: int) -> list[tuple[str, str | None]]:
    """Where each of the chat's rows stands, and why, oldest first."""
    return [(entry.state, entry.last_error) for entry in await store.outbox.entries(chat)]


async def test_follow_records_the_chat_and_its_forum_thread_in_one_go(store: Store) -> None:
    group = ChatProfile(SUPERGROUP, kind="supergroup", title="Newsroom", language="uk")
    assert await store.chats.follow(group, ["Politics", "World"], NOW, thread=ForumThread(42))
    prefs = await store.chats.prefs(SUPERGROUP)
    assert prefs is not None
    assert (prefs.kind, prefs.language, prefs.thread_id, prefs.active) == (
        "supergroup",
        "uk",
        42,
        True,
    )
    # Following again from General: nothing new, and alerts go to General from now on.
    assert await store.chats.follow(group, ["World"], NOW, thread=ForumThread(None)) == set()
    assert (await store.chats.prefs(SUPERGROUP)).thread_id is None  # type: ignore[union-attr]
    assert await store.chats.unfollow(SUPERGROUP, ["World", "Sport"]) == {"World"}
    assert await store.chats.topics(SUPERGROUP) == {"Politics"}


async def test_a_gone_chat_keeps_its_topics_loses_its_queue_and_comes_back(store: Store) -> None:
    await store.chats.follow(ChatProfile(ANN, title="Ann"), ["Politics"], NOW)
    await publish(store, "a", "b")
    assert await store.chats.gone(ANN, "bot was blocked by the user") == 2
    assert await outbox(store, ANN) == [("failed", "bot was blocked by the user")] * 2
    assert (await store.chats.prefs(ANN)).active is False  # type: ignore[union-attr]
    await publish(store, "c")
    assert await outbox(store, ANN) == [("failed", "bot was blocked by the user")] * 2

    await store.chats.back(ChatProfile(ANN, title="Ann K."), LATER)
    assert (await store.chats.prefs(ANN)).active is True  # type: ignore[union-attr]
    assert await store.chats.topics(ANN) == {"Politics"}
    await publish(store, "d")
    assert [state for state, _ in await outbox(store, ANN)][-1] == "pending"


async def test_a_group_moves_with_everything_it_had(store: Store) -> None:
    group = ChatProfile(GROUP, kind="group", title="Newsroom")
    await store.chats.follow(group, ["Politics"], NOW)
    await store.chats.update(
        GROUP, NOW, zone="Europe/Kyiv", language="uk", layout=Layout.COMPACT, picture=Picture.LARGE
    )
    assert await store.alerts.add(GROUP, "north korea", NOW)
    await publish(store, "a", "b")
    kept = (await store.articles.latest("Politics", limit=1))[0].id
    assert await store.saved.save(GROUP, kept, NOW)
    (sending,) = await take_due(store, LATER)  # Telegram will answer "migrated" to this one

    await store.chats.moved(GROUP, SUPERGROUP, LATER, resend=sending.id)
    await store.chats.moved(GROUP, SUPERGROUP, LATER)  # the other chat's announcement

    moved = await store.chats.prefs(SUPERGROUP)
    assert moved is not None
    assert (moved.kind, moved.zone, moved.language, moved.layout, moved.picture) == (
        "supergroup",
        "Europe/Kyiv",
        "uk",
        Layout.COMPACT,
        Picture.LARGE,
    )
    assert (await store.chats.prefs(GROUP)).active is False  # type: ignore[union-attr]
    assert await store.chats.topics(SUPERGROUP) == {"Politics"}
    assert await store.chats.topics(GROUP) == set()
    assert await store.alerts.texts(SUPERGROUP) == ["north korea"]
    assert [item.article_id for item in (await store.saved.page(SUPERGROUP, 0, 10))[0]] == [kept]
    # The refused one goes again first (its try did not count), then the rest, once each.
    (again,) = await take_due(store, LATER)
    assert (again.id, again.chat_id, again.attempts) == (sending.id, SUPERGROUP, 1)
    assert await outbox(store, GROUP) == []
    assert [state for state, _ in await outbox(store, SUPERGROUP)] == ["sending", "pending"]


async def test_a_move_keeps_what_the_supergroup_already_has(store: Store) -> None:
    await store.chats.follow(ChatProfile(GROUP, kind="group"), ["Politics"], NOW)
    await store.chats.follow(ChatProfile(SUPERGROUP, kind="supergroup"), ["Politics"], NOW)
    await store.alerts.add(GROUP, "kyiv", NOW)
    await store.alerts.add(SUPERGROUP, "kyiv", NOW)
    await publish(store, "a")  # queued for both
    await store.chats.moved(GROUP, SUPERGROUP, LATER)
    assert await store.alerts.texts(SUPERGROUP) == ["kyiv"]
    assert await outbox(store, SUPERGROUP) == [("pending", None)]
    assert await outbox(store, GROUP) == [("failed", f"chat moved to supergroup {SUPERGROUP}")]


async def test_a_channel_keeps_who_added_it_and_why_it_went_quiet(store: Store) -> None:
    channel = ChatProfile(CHANNEL, kind="channel", title="Evening News")
    await store.chats.back(channel, NOW, added_by=ADMIN)
    await store.chats.follow(channel, ["Politics"], NOW)  # a command posted in it names no one
    await store.chats.back(channel, NOW, added_by=OTHER_ADMIN)  # its rights changed, say
    prefs = await store.chats.prefs(CHANNEL)
    assert prefs is not None
    assert (prefs.kind, prefs.added_by, prefs.active, prefs.inactive_reason) == (
        "channel",
        ADMIN,
        True,
        None,
    )

    await store.chats.gone(CHANNEL, "bot may not post in the channel")
    prefs = await store.chats.prefs(CHANNEL)
    assert prefs is not None
    assert (prefs.active, prefs.inactive_reason) == (False, "bot may not post in the channel")

    await store.chats.back(channel, LATER, added_by=OTHER_ADMIN)  # let in again, by another
    prefs = await store.chats.prefs(CHANNEL)
    assert prefs is not None
    assert (prefs.active, prefs.inactive_reason, prefs.added_by) == (True, None, OTHER_ADMIN)
    assert await store.chats.topics(CHANNEL) == {"Politics"}
