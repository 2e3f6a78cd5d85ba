"""The /feeds list: split at feed boundaries into messages Telegram accepts; topics parsed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.admin import feed_key, parse_topics
from bot.admin_texts import feed_list, pages
from news.records import FeedHealth
from news.render import MAX_MESSAGE_UNITS, visible_units
from news.topics import Vocabulary

NOW = datetime(2024, 6, 24, 10, 15, tzinfo=UTC)
TOPICS = Vocabulary.build({"Politics": ["політика"], "Middle East": [], "World": []})


def health(number: int, **changes: object) -> FeedHealth:
    values: dict[str, object] = {
        "id": number,
        "url": f"https://feeds.example/{number}/rss.xml",
        "title": f"Feed number {number} 📰",  # an emoji counts twice in UTF-16
        "topics": ("Politics",),
        "origin": "admin",
        "enabled": True,
        "disabled_reason": None,
        "last_success_at": NOW - timedelta(minutes=3),
        "last_error": None,
        "error_count": 0,
        "next_check_at": NOW + timedelta(minutes=2),
    }
    return FeedHealth(**(values | changes))  # type: ignore[arg-type]


def test_a_long_list_splits_between_feeds_and_every_message_fits() -> None:
    feeds = [health(n, last_error="HTTP 500 " + "x" * 150, error_count=n) for n in range(1, 120)]
    messages = feed_list(feeds, NOW)
    assert len(messages) > 2
    assert all(visible_units(m) <= MAX_MESSAGE_UNITS for m in messages)
    assert messages[0].startswith("<b>Feeds</b>: 119 polled, 0 off")
    items = [item for m in messages for item in m.split("\n\n") if item.startswith("<b>#")]
    assert [item.split("</b>")[0] for item in items] == [f"<b>#{n}" for n in range(1, 120)]
    assert all(m.startswith(("<b>Feeds</b>", "<b>#")) for m in messages)


def test_pages_fill_up_to_the_limit_exactly() -> None:
    assert pages("H", ["a" * 5, "b" * 5], limit=13) == ["H\n\naaaaa", "bbbbb"]
    assert pages("H", ["a" * 5, "b" * 5], limit=15) == ["H\n\naaaaa\n\nbbbbb"]


def test_health_says_what_an_admin_needs_and_escapes_feed_text() -> None:
    failing = health(
        7,
        title="<b>Evil</b> & Co",
        last_success_at=None,
        last_error="not a feed: <html>",
        error_count=3,
        next_check_at=NOW - timedelta(seconds=1),
    )
    off = health(8, enabled=False, disabled_reason="gone (HTTP 410)", topics=())
    text = "\n\n".join(feed_list([failing, off], NOW))
    assert "<b>#7</b> &lt;b&gt;Evil&lt;/b&gt; &amp; Co · ✅ polled" in text
    assert "Last success: never" in text
    assert "Last error: not a feed: &lt;html&gt; (3 times in a row)" in text
    assert "Next check: due now" in text
    assert "<b>#8</b> Feed number 8 📰 · ⛔ off: gone (HTTP 410)" in text
    assert "Topics: none" in text
    assert text.count("Next check") == 1  # an off feed has none


def test_topics_after_the_url() -> None:
    assert parse_topics([], TOPICS) == ()
    assert parse_topics(["політика", "World"], TOPICS) == ("Politics", "World")
    assert parse_topics(["Middle", "East"], TOPICS) == ("Middle East",)
    assert parse_topics(["Middle", "East,", "world"], TOPICS) == ("Middle East", "World")
    assert parse_topics(["World", "Wrold"], TOPICS) == "Wrold"


def test_a_feed_is_named_by_number_or_url() -> None:
    assert feed_key("3") == 3
    assert feed_key("#12") == 12
    assert feed_key("99999999999999") == "99999999999999"  # no integer overflow in PostgreSQL
    assert feed_key("https://a.example/rss") == "https://a.example/rss"
