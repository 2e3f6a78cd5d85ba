"""Stories in the store, on real databases (SQLite always, PostgreSQL where one runs): one row
per story and chat whichever outlet tells it; a new outlet marks the sent alert for an edit,
the edits of one message spaced ten minutes apart and never past the story window; the
outlets a queued alert names; big stories only; a keyword reaches the story through any
telling; a muted outlet hides only its own tellings."""

from __future__ import annotations

from datetime import timedelta

import pytest

from news.mutes import MuteKind
from news.records import FeedConfig, NewArticle, Source
from news.routing import Plan
from news.store import Store
from news.store.outbox import Accepted
from news.stories import Policy
from tests.stock import NOW, alert, article, follow, take_due

ANN, BOB = 11, 12
MORNING = 20
HERALD, DAILY, GAZETTE = (
    "https://herald.example/rss",
    "https://daily.example/rss",
    "https://gazette.example/rss",
)
OUTLETS = {HERALD: "Harbour Herald", DAILY: "Kyiv Daily", GAZETTE: "Lviv Gazette"}
TELLINGS = {
    HERALD: (
        "Flooding forces 3,000 from their homes in Valencia",
        "Heavy rain in eastern Spain has forced about 3,000 people in Valencia to leave their"
        " homes as rivers burst their banks, officials said on Tuesday.",
    ),
    DAILY: (
        "Valencia floods: thousands evacuated as rivers burst banks",
        "Some 3,000 residents of Valencia were evacuated after torrential rain sent rivers over"
        " their banks in eastern Spain, the regional government said.",
    ),
    GAZETTE: (
        "Valencia evacuates 3,000 as floods hit eastern Spain",
        "About 3,000 people left their homes in Valencia after heavy rain made rivers burst"
        " their banks across eastern Spain.",
    ),
}


def telling(url: str, *, topic: str = "World") -> NewArticle:
    title, lead = TELLINGS[url]
    slug = url.split("//")[1].split(".")[0]
    return NewArticle(
        identity=f"{slug}-flood",
        link=f"https://{slug}.example/flood",
        title=title,
        summary=lead,
        published_at=None,
        topics=frozenset({topic}),
        key_points=(),
    )


async def feeds(store: Store) -> dict[str, int]:
    """The three outlets' feeds, and a morning's other news already stored (grouping needs a
    few dozen articles to tell rare words from common ones)."""
    configs = tuple(
        FeedConfig(url=url, topics=("World",), outlet=name) for url, name in OUTLETS.items()
    )
    await store.feeds.sync(configs, NOW)
    ids = {feed.url: feed.id for feed in await store.feeds.all()}
    morning = [article(f"morning-{n}", "Sport") for n in range(MORNING)]
    await store.articles.ingest(ids[GAZETTE], Plan(new=morning), now=NOW - timedelta(hours=1))
    return ids


async def tell(store: Store, ids: dict[str, int], url: str, *, minutes: int = 0, **kw: str) -> int:
    """The outlet's feed brings its telling; returns the alerts queued."""
    article = telling(url, **kw)
    plan = Plan(new=[article], alertable={article.identity})
    at = NOW + timedelta(minutes=minutes)
    return (await store.articles.ingest(ids[url], plan, now=at)).deliveries


async def send_all(store: Store, minutes: int = 0) -> dict[int, int]:
    """The sender sends every due alert; chat -> the message id Telegram gave it."""
    at = NOW + timedelta(minutes=minutes)
    due = await take_due(store, at)
    messages = {d.chat_id: 100 + d.chat_id for d in due}
    await store.outbox.sent_all({d.id: Accepted(at, messages[d.chat_id]) for d in due})
    return messages


async def edits(
    store: Store, minutes: int, window_hours: int = 36
) -> list[tuple[int, int, list[str]]]:
    """The edits the sender takes then: (chat, message, outlets the alert names besides its own)."""
    at = NOW + timedelta(minutes=minutes)
    taken = await store.outbox.claim_edits(at, 100, since=at - timedelta(hours=window_hours))
    return [(d.chat_id, d.message_id or 0, [s.outlet for s in alert(d).also]) for d in taken]


async def test_a_second_outlet_edits_the_sent_alert_at_once_and_a_third_ten_minutes_later(
    store: Store,
) -> None:
    ids = await feeds(store)
    await follow(store, ANN, "World")
    assert await tell(store, ids, HERALD) == 1
    assert await send_all(store) == {ANN: 111}

    assert await tell(store, ids, DAILY, minutes=1) == 0  # the story is Ann's already
    assert await take_due(store, NOW + timedelta(minutes=1)) == []
    assert await edits(store, 1) == [(ANN, 111, ["Kyiv Daily"])]
    [row] = await store.outbox.entries(ANN)
    await store.outbox.edited(row.id, NOW + timedelta(minutes=1))

    assert await tell(store, ids, GAZETTE, minutes=2) == 0
    assert await edits(store, 2) == []  # the message changed a minute ago
    assert await edits(store, 11) == [(ANN, 111, ["Kyiv Daily", "Lviv Gazette"])]


async def test_a_telling_while_the_alert_waits_joins_it_and_no_edit_is_made(store: Store) -> None:
    ids = await feeds(store)
    await follow(store, ANN, "World")
    await tell(store, ids, HERALD)
    await tell(store, ids, DAILY, minutes=1)
    [queued] = await take_due(store, NOW + timedelta(minutes=1))
    assert alert(queued).outlet == "Harbour Herald"
    assert alert(queued).also == (Source("Kyiv Daily", "https://daily.example/flood"),)
    await send_all(store, 1)
    assert await edits(store, 2) == []


async def test_no_edit_past_the_story_window(store: Store) -> None:
    ids = await feeds(store)
    await follow(store, ANN, "World")
    await tell(store, ids, HERALD)
    await send_all(store)
    await tell(store, ids, DAILY, minutes=30)
    assert await edits(store, 30, window_hours=0) == []  # sent before the window began
    assert await edits(store, 31) == []  # and the edit was dropped, not put off


async def test_big_stories_only_waits_for_the_nth_outlet_and_names_them_all(store: Store) -> None:
    ids = await feeds(store)
    await follow(store, ANN, "World")
    await follow(store, BOB, "World")
    await store.chats.update(BOB, NOW, min_outlets=3)
    assert await tell(store, ids, HERALD) == 1  # Ann only
    await send_all(store)
    assert await tell(store, ids, DAILY, minutes=1) == 0
    assert await tell(store, ids, GAZETTE, minutes=2) == 1  # the third outlet: Bob's turn
    [bobs] = await take_due(store, NOW + timedelta(minutes=2))
    assert bobs.chat_id == BOB and alert(bobs).outlet == "Lviv Gazette"
    assert [s.outlet for s in alert(bobs).also] == ["Harbour Herald", "Kyiv Daily"]


async def test_a_keyword_and_a_mute_act_on_each_telling_and_the_story_arrives_once(
    store: Store,
) -> None:
    ids = await feeds(store)
    await follow(store, ANN, "Politics")  # not World: only the keyword brings the story
    await store.alerts.add(ANN, "evacuated", NOW)  # the Daily's words, not the Herald's
    await follow(store, BOB, "World")
    await store.mutes.add(BOB, MuteKind.SOURCE, "Harbour Herald", NOW)
    assert await tell(store, ids, HERALD) == 0  # Ann's keyword misses, Bob muted the outlet
    assert await tell(store, ids, DAILY, minutes=1) == 2
    due = {d.chat_id: d for d in await take_due(store, NOW + timedelta(minutes=1))}
    assert alert(due[ANN]).outlet == alert(due[BOB]).outlet == "Kyiv Daily"
    assert due[ANN].matched == "evacuated"
    await store.outbox.sent_all({d.id: Accepted(NOW, 7) for d in due.values()})
    assert await tell(store, ids, GAZETTE, minutes=2) == 0  # the story is theirs already


async def test_two_processes_on_one_postgresql_file_into_the_same_stories(store: Store) -> None:
    if store.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serves one process: bot/serve.py refuses a second")
    ids = await feeds(store)
    await follow(store, ANN, "World")
    other = Store.connect(store.engine.url.render_as_string(hide_password=False))
    try:
        await other.stories.index()  # the other process started before the news broke
        assert await tell(store, ids, HERALD) == 1
        # The other process polls the Daily: it learns the Herald's telling before filing.
        daily = telling(DAILY)
        plan = Plan(new=[daily], alertable={daily.identity})
        ingested = await other.articles.ingest(ids[DAILY], plan, now=NOW + timedelta(minutes=1))
        assert ingested.deliveries == 0  # Ann has the story already
        [queued] = await take_due(store, NOW + timedelta(minutes=1))
        assert [s.outlet for s in alert(queued).also] == ["Kyiv Daily"]
    finally:
        await other.close()


async def test_tellings_past_the_window_are_pruned_and_a_restart_holds_the_rest(
    store: Store,
) -> None:
    url = store.engine.url.render_as_string(hide_password=False)
    # A bot that counts word rarity over its five newest tellings at least.
    policy = Policy(idf_articles=5, min_tellings=5)
    ids = await feeds(store)  # a morning's other news, an hour before NOW
    bot, restarted = Store.connect(url, stories=policy), Store.connect(url, stories=policy)
    try:
        await tell(bot, ids, HERALD)
        index = await bot.stories.index()
        assert len(index) == MORNING + 1
        # 40 hours on, all of it is past the 36-hour window: the newest five are kept.
        assert await bot.stories.prune(NOW + timedelta(hours=40)) == MORNING + 1 - 5
        assert len(index) == 5
        assert (await restarted.stories.index()).tellings() == index.tellings()
    finally:
        await bot.close()
        await restarted.close()
