"""Rendered alerts and headline lists, checked by the same strict parser as the fake Bot API."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from news import render
from news.records import Article
from tests.fakes.telegram_html import parse_html

WHEN = datetime(2024, 6, 24, 9, 30, tzinfo=UTC)


def article(**changes: object) -> Article:
    values: dict[str, object] = {
        "id": 1,
        "source": "RBC-Ukraine",
        "title": "Seoul ready to help Ukraine",
        "link": "https://news.example/a?x=1&y=2",
        "published_at": WHEN,
        "discovered_at": WHEN,
        "topics": ("Politics", "World"),
        "key_points": ("First point.", "Second point."),
    }
    return Article(**(values | changes))  # type: ignore[arg-type]


def test_an_alert_reads_as_designed() -> None:
    text, entities = parse_html(render.alert(article()))
    assert text == (
        "#Politics #World\nSeoul ready to help Ukraine\n24 Jun 2024, 09:30 UTC\n\n"
        "• First point.\n• Second point.\n\nSource: RBC-Ukraine"
    )
    kinds = {(e["type"], text[e["offset"] : e["offset"] + e["length"]]) for e in entities}
    assert ("bold", "Seoul ready to help Ukraine") in kinds
    assert ("text_link", "RBC-Ukraine") in kinds
    link = next(e for e in entities if e["type"] == "text_link")
    assert link["url"] == "https://news.example/a?x=1&y=2"


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "AT&T <b>bold</b> & \"quotes\" 'single'",
        "&nbsp; &amp; &lt;",
        "שלום עולם \u202eevil\u202c العربية",
        "📰🔥" * 40,
    ],
)
def test_feed_text_arrives_as_text(hostile: str) -> None:
    hostile_article = article(title=hostile, source=hostile, key_points=(hostile, hostile))
    text, entities = parse_html(render.alert(hostile_article))
    assert text.count(" ".join(hostile.split())) >= 3  # headline, both points: shown as sent
    assert [e["type"] for e in entities].count("bold") == 1


def test_a_200_character_headline_and_long_points_stay_within_telegram_limits() -> None:
    long_title = "Word " * 40 + "end"
    points = tuple("x" * 240 for _ in range(6))
    message = render.alert(article(title=long_title, key_points=points))
    text, _ = parse_html(message)
    assert long_title.strip() in text
    assert text.count("• ") == 4  # never more than four points
    assert render.visible_units(message) <= render.MAX_MESSAGE_UNITS


def test_only_http_links_become_links() -> None:
    text, entities = parse_html(render.alert(article(link="javascript:alert(1)")))
    assert text.endswith("Source: RBC-Ukraine")
    assert not [e for e in entities if e["type"] == "text_link"]


def test_an_article_without_points_or_date_still_renders() -> None:
    text, _ = parse_html(render.alert(article(key_points=(), published_at=None)))
    assert text.splitlines() == [
        "#Politics #World",
        "Seoul ready to help Ukraine",
        "24 Jun 2024, 09:30 UTC",
        "",
        "Source: RBC-Ukraine",
    ]


def test_headlines_are_numbered_with_date_source_and_link() -> None:
    items = [article(id=1, title="One <1>"), article(id=2, title="Two & two", link=None)]
    text, entities = parse_html(render.headlines("Latest on Politics", items))
    assert text.splitlines() == [
        "Latest on Politics",
        "",
        "1. One <1>",
        "24 Jun 2024, 09:30 UTC · RBC-Ukraine",
        "",
        "2. Two & two",
        "24 Jun 2024, 09:30 UTC · RBC-Ukraine",
    ]
    assert [e["url"] for e in entities if e["type"] == "text_link"] == [
        "https://news.example/a?x=1&y=2"
    ]


def test_the_plain_fallback_has_no_markup() -> None:
    assert render.plain(article(title="<b>x</b>")) == (
        "#Politics #World\n<b>x</b>\n24 Jun 2024, 09:30 UTC\n• First point.\n• Second point.\n"
        "Source: RBC-Ukraine https://news.example/a?x=1&y=2"
    )


def test_utf16_units_count_emoji_twice() -> None:
    assert render.utf16_units("a📰") == 3
    assert render.visible_units("<b>a&amp;</b>") == 2
