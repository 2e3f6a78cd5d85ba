"""Admins manage feeds in chat: the real application, a fake Bot API and a local feed server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot import texts
from tests.botrun import running, settings_for
from tests.databases import database_of_test
from tests.fakes.feeds import FeedServer, rss
from tests.fakes.telegram import FakeTelegram
from tests.newsroom import ask

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("database_kind")]

# Several admins: the bot paces replies to about one a second per chat, as Telegram asks.
ADMINS = tuple(range(7001, 7011))
ADMIN, BOB = ADMINS[0], 7100
NOW = datetime.now(UTC).replace(microsecond=0)
HTML = "text/html; charset=utf-8"


def item(slug: str, title: str, *, minutes_ago: int = 5) -> dict[str, object]:
    return {
        "title": title,
        "link": f"https://news.example/{slug}",
        "guid": slug,
        "description": f"<p>{title}. More follows in the article. It ends here.</p>",
        "pub_date": NOW - timedelta(minutes=minutes_ago),
    }


@asynccontextmanager
async def bot(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path, *paths: str, **overrides: Any
) -> AsyncIterator[None]:
    """The bot with ADMIN as its admin and `paths` (default /news.xml) in its feeds file."""
    listed = "".join(
        f'\n[[feeds]]\nurl = "{feeds.url(path)}"\ntopics = ["Politics"]\n'
        for path in paths or ("/news.xml",)
    )
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text(f'[topics]\nPolitics = ["політика"]\nWorld = []\n{listed}', "utf-8")
    values: dict[str, Any] = {"admin_ids": frozenset(ADMINS), "allow_private_feeds": True}
    database = database_of_test()
    async with running(settings_for(telegram, database, feeds_file, **(values | overrides))):
        yield


def entry_for(listing: str, url: str) -> str:
    """The part of a /feeds message about one feed."""
    return next(part for part in listing.split("\n\n") if url in part)


async def test_an_added_feed_is_polled_and_its_new_entries_alert(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    feeds.serve("/news.xml", rss([item("n1", "Home news")]))
    feeds.serve("/world.xml", rss([item("w1", "Old world story", minutes_ago=60)], title="Wire"))
    async with bot(telegram, feeds, tmp_path):
        await ask(telegram, BOB, "/subscribe World", "You now follow")
        url = feeds.url("/world.xml")
        reply = await ask(telegram, ADMIN, f"/addfeed {url} World", "Added feed")
        assert reply.splitlines()[:3] == ["✅ Added feed #2: Wire", url, "Topics: World"]
        assert "1 entry now; newest: “Old world story”" in reply
        assert "first poll records what is there" in reply

        # The check, the first poll (it records without alerting), then a later poll.
        await feeds.wait_for_requests("/world.xml", 3)
        feeds.serve(
            "/world.xml", rss([item("w2", "Ceasefire agreed"), item("w1", "Old world story")])
        )
        alert = await telegram.wait_for_message(BOB, containing="Ceasefire agreed")
        assert alert.text.startswith("#World\nCeasefire agreed")
        assert not [m for m in telegram.messages_to(BOB) if "Old world story" in m.text]

        listing = await ask(telegram, ADMIN, "/feeds", "Feeds: 2 polled, 0 off")
        assert "#2 Wire · ✅ polled" in entry_for(listing, url)


async def test_a_web_page_is_followed_to_the_feed_it_links(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    feeds.serve("/news.xml", rss([]))
    page = b'<html><head><link rel="alternate" type="application/rss+xml" href="rss.xml"></head>'
    feeds.serve("/site/", page + b"<body>Site</body></html>", content_type=HTML)
    feeds.serve("/site/rss.xml", rss([item("s1", "Site story")], title="Site News"))
    async with bot(telegram, feeds, tmp_path):
        reply = await ask(telegram, ADMIN, f"/addfeed {feeds.url('/site/')}", "Added feed")
        assert feeds.url("/site/rss.xml") in reply.splitlines()
        assert f"Found through the feed link on {feeds.url('/site/')}" in reply
        assert "Topics: none" in reply
        await feeds.wait_for_requests("/site/rss.xml", 2)  # the check, then the poller
        listing = await ask(telegram, ADMIN, "/feeds", "Feeds")
        assert "Site News · ✅ polled" in entry_for(listing, feeds.url("/site/rss.xml"))

        # A permanent redirect is followed to where the feed now lives: the same feed.
        feeds.fault("/old-rss", status=301, headers={"Location": feeds.url("/site/rss.xml")})
        moved = await ask(telegram, ADMINS[1], f"/addfeed {feeds.url('/old-rss')}", "already")
        assert moved.splitlines()[:2] == [
            "Feed #2 is already polled: Site News",
            feeds.url("/site/rss.xml"),
        ]


async def test_what_cannot_be_added_gets_a_clear_answer(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    feeds.serve("/news.xml", rss([]))
    feeds.serve("/page.html", b"<html><head><title>A page</title></head></html>", content_type=HTML)
    feeds.fault("/down.xml", status=503)
    cases = {
        "/addfeed": "Send the feed's address after the command",
        "/addfeed hello": "That is no feed address: it is not a web address",
        "/addfeed ftp://files.example/feed": "only http:// and https:// addresses can be feeds",
        "/addfeed http://127.0.0.1:1/feed.xml": "I could not fetch http://127.0.0.1:1/feed.xml: "
        "connection refused",
        f"/addfeed {feeds.url('/missing.xml')}": "answered HTTP 404, so I did not add it",
        f"/addfeed {feeds.url('/down.xml')}": "answered HTTP 503",
        f"/addfeed {feeds.url('/page.html')}": "is not an RSS or Atom feed (not a feed: HTML "
        'page), and it links to none with <link rel="alternate">',
    }
    async with bot(telegram, feeds, tmp_path):
        for admin, command in zip(ADMINS, cases, strict=False):
            telegram.user_sends(admin, command)
        for admin, answer in zip(ADMINS, cases.values(), strict=False):
            await telegram.wait_for_message(admin, containing=answer)
        sport = f"/addfeed {feeds.url('/new.xml')} World Sport"
        unknown = await ask(telegram, ADMINS[-1], sport, "the topic “Sport”")
        assert "Topics: Politics, World" in unknown
        assert feeds.request_count("/new.xml") == 0  # topics are checked before any fetch
        await ask(telegram, ADMINS[-2], "/feeds", "Feeds: 1 polled, 0 off")


async def test_people_who_are_not_admins_learn_nothing(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    feeds.serve("/news.xml", rss([]))
    feeds.serve("/bob.xml", rss([]))
    async with bot(telegram, feeds, tmp_path):
        commands = ("/feeds", f"/addfeed {feeds.url('/bob.xml')}", "/removefeed 1")
        for user, command in enumerate(commands, start=BOB):
            reply = await ask(telegram, user, command, "I don't know that command")
            assert reply == texts.unknown_command()
        assert feeds.request_count("/bob.xml") == 0
        await ask(telegram, ADMIN, "/feeds", "Feeds: 1 polled, 0 off")


async def test_feeds_shows_the_health_of_a_failing_feed(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    feeds.fault("/news.xml", status=500)
    feeds.serve("/evil.xml", rss([item("e1", "Story")], title="Q&A: <i> < b & Co"))
    async with bot(telegram, feeds, tmp_path, "/news.xml", "/evil.xml"):
        await feeds.wait_for_requests("/news.xml", 2)  # the first failure is recorded
        await feeds.wait_for_requests("/evil.xml", 2)
        listing = await ask(telegram, ADMIN, "/feeds", "Feeds: 2 polled, 0 off")
    failing = entry_for(listing, feeds.url("/news.xml")).splitlines()
    assert failing[0] == "#1 (no title yet) · ✅ polled"
    assert failing[2:4] == ["Topics: Politics", "Last success: never"]
    assert failing[4].startswith("Last error: HTTP 500 (") and failing[4].endswith(" in a row)")
    assert failing[5].startswith("Next check: ")
    healthy = entry_for(listing, feeds.url("/evil.xml"))
    assert healthy.startswith("#2 Q&A: <i> < b & Co · ✅ polled")  # shown as text, not markup
    assert "Last success: never" not in healthy and "Last error" not in healthy


async def test_a_removed_feed_is_no_longer_polled_and_can_come_back(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    feeds.serve("/news.xml", rss([item("n1", "Home news")]))
    feeds.serve("/other.xml", rss([]))
    async with bot(telegram, feeds, tmp_path, "/news.xml", "/other.xml"):
        await feeds.wait_for_requests("/news.xml", 1)
        reply = await ask(telegram, ADMIN, "/removefeed 1", "is no longer polled")
        assert "its articles stay" in reply and "also after a restart" in reply

        # Once the other feed has been polled twice more, no poll of the removed one is in
        # flight; two further polls of the other feed then prove nothing polls it any more.
        other = feeds.request_count("/other.xml")
        await feeds.wait_for_requests("/other.xml", other + 2)
        settled = feeds.request_count("/news.xml")
        await feeds.wait_for_requests("/other.xml", other + 4)
        assert feeds.request_count("/news.xml") == settled

        await ask(telegram, ADMINS[1], f"/removefeed {feeds.url('/news.xml')}", "is already off")
        await ask(telegram, ADMINS[2], "/removefeed 99", "There is no feed “99”")
        listing = await ask(telegram, ADMINS[3], "/feeds", "Feeds: 1 polled, 1 off")
        assert "⛔ off: removed by an admin" in entry_for(listing, feeds.url("/news.xml"))
        latest = await ask(telegram, BOB, "/latest", "Latest headlines")
        assert "Home news" in latest  # its articles stayed

        back = await ask(telegram, ADMINS[4], f"/addfeed {feeds.url('/news.xml')}", "polled again")
        assert "Topics: Politics" in back
        await feeds.wait_for_requests("/news.xml", settled + 2)  # the check, then a poll


async def test_admin_feeds_stay_enabled_across_a_restart(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    feeds.serve("/news.xml", rss([]))
    feeds.serve("/extra.xml", rss([item("x1", "Extra")], title="Extra"))
    async with bot(telegram, feeds, tmp_path):
        await ask(telegram, ADMIN, f"/addfeed {feeds.url('/extra.xml')} World", "Added feed")
        await feeds.wait_for_requests("/extra.xml", 2)
    polled = feeds.request_count("/extra.xml")
    async with bot(telegram, feeds, tmp_path):  # the feeds file does not list /extra.xml
        await feeds.wait_for_requests("/extra.xml", polled + 1)
        listing = await ask(telegram, ADMIN, "/feeds", "Feeds: 2 polled, 0 off")
    assert "Extra · ✅ polled" in entry_for(listing, feeds.url("/extra.xml"))


async def test_private_addresses_are_refused_unless_allowed(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    feeds.serve("/news.xml", rss([]))
    feeds.serve("/lan.xml", rss([]))
    async with bot(telegram, feeds, tmp_path, allow_private_feeds=False):
        url = feeds.url("/lan.xml")
        reply = await ask(telegram, ADMIN, f"/addfeed {url}", "I won't fetch")
        assert reply.startswith(f"I won't fetch {url}: its host is a loopback address.")
        assert "ALLOW_PRIVATE_FEEDS=true" in reply
        localhost = url.replace("127.0.0.1", "localhost")
        await ask(telegram, ADMINS[1], f"/addfeed {localhost}", "its host is a loopback address")
        assert feeds.request_count("/lan.xml") == 0
