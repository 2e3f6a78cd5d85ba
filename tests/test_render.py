"""Rendered alerts and headline lists, checked by the same strict parser as the fake Bot API."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import Catalogues
from news import render
from news.locale import ENGLISH
from news.records import (
    Announcement,
    Article,
    DigestItem,
    DigestMessage,
    DigestReason,
    Layout,
    Source,
)
from tests.fakes.telegram_html import parse_html

WHEN = datetime(2024, 6, 24, 9, 30, tzinfo=UTC)


def article(**changes: object) -> Article:
    values: dict[str, object] = {
        "id": 1,
        "outlet": "RBC-Ukraine",
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


def test_an_alert_names_the_other_outlets_five_then_how_many_more() -> None:
    others = tuple(Source(f"Outlet <{n}>", f"https://o{n}.example/a&b") for n in range(7))
    text, entities = parse_html(render.alert(article(also=others[:2])))
    assert text.splitlines()[-2:] == ["Source: RBC-Ukraine", "Also: Outlet <0>, Outlet <1>"]
    links = [e["url"] for e in entities if e["type"] == "text_link"]
    assert links[1:] == ["https://o0.example/a&b", "https://o1.example/a&b"]
    text, _ = parse_html(render.alert(article(also=others)))
    names = ", ".join(f"Outlet <{n}>" for n in range(5))
    assert text.splitlines()[-1] == f"Also: {names} and 2 more"
    compact, _ = parse_html(render.alert(article(also=others[:2]), layout=Layout.COMPACT))
    assert compact == "Seoul ready to help Ukraine · RBC-Ukraine · +2 outlets"


def test_an_alert_the_publisher_changed_says_updated() -> None:
    text, entities = parse_html(render.alert(article(updated_at=WHEN)))
    assert text.splitlines()[1] == "Seoul ready to help Ukraine (updated)"
    assert {"type": "italic", "offset": 45, "length": 9} in entities


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
    hostile_article = article(title=hostile, outlet=hostile, key_points=(hostile, hostile))
    text, entities = parse_html(render.alert(hostile_article))
    shown = " ".join(hostile.replace("\u202e", "").replace("\u202c", "").split())
    assert text.count(shown) >= 3  # headline, both points: shown as sent, less bidi overrides
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
    text, entities = parse_html(render.headline_list("Latest on Politics", items))
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
        "#Politics #World\n<b>x</b>\n24 Jun 2024, 09:30 UTC\n\n• First point.\n• Second point.\n\n"
        "Source: RBC-Ukraine https://news.example/a?x=1&y=2"
    )


def test_an_alert_names_the_keyword_alert_that_matched_it() -> None:
    text, entities = parse_html(render.alert(article(), matched='kim <jong> "un"'))
    assert text.splitlines()[0] == '🔔 Your alert: “kim <jong> "un"”'
    assert [e["type"] for e in entities].count("bold") == 1


def test_an_alert_reads_in_the_chat_language_and_zone() -> None:
    kyiv = Catalogues.load().locale("uk", ZoneInfo("Europe/Kyiv"))
    text, _ = parse_html(render.alert(article(), kyiv, matched="Сеул"))
    assert text.splitlines()[0] == "🔔 Ваше сповіщення: «Сеул»"
    assert "24 черв. 2024, 12:30 EEST" in text
    assert text.endswith("Джерело: RBC-Ukraine")


def test_when_is_the_english_date() -> None:
    assert render.when(WHEN) == ENGLISH.date(WHEN) == "24 Jun 2024, 09:30 UTC"


def test_messages_are_one_for_an_alert_or_an_announcement() -> None:
    notice = Announcement(id=1, text="a < b", created_at=WHEN)
    assert render.messages(notice) == ["📢 a &lt; b"]
    assert render.plain_messages(notice) == ["📢 a < b"]
    assert render.messages(article(), matched="x") == [render.alert(article(), matched="x")]
    assert render.plain_messages(article()) == [render.plain(article())]


def digest_of(count: int, **changes: object) -> DigestMessage:
    topics = (("Politics", "World"), ("World",), ())
    items = tuple(
        DigestItem(
            article(id=n, title=f"Story {n}", topics=topics[(n - 1) % 3], **changes),
            matched="seoul" if n == 4 else None,
        )
        for n in range(1, count + 1)
    )
    return DigestMessage(id=7, created_at=WHEN, reason=DigestReason.SCHEDULED, items=items)


def test_a_digest_groups_articles_under_their_first_topic() -> None:
    parts = render.digest(digest_of(4))
    assert len(parts) == 1
    text, _ = parse_html(parts[0])
    assert text.splitlines() == [
        "🗞 Your digest: 4 new articles",
        "24 Jun 2024, 09:30 UTC",
        "",
        "#Politics",
        "",
        "Story 1",
        "24 Jun 2024, 09:30 UTC · RBC-Ukraine",
        "• First point.",
        "• Second point.",
        "",
        "Story 4",
        "24 Jun 2024, 09:30 UTC · RBC-Ukraine",
        "• First point.",
        "• Second point.",
        "🔔 Your alert: “seoul”",
        "",
        "#World",
        "",
        "Story 2",
        "24 Jun 2024, 09:30 UTC · RBC-Ukraine",
        "• First point.",
        "• Second point.",
        "",
        "Other",
        "",
        "Story 3",
        "24 Jun 2024, 09:30 UTC · RBC-Ukraine",
        "• First point.",
        "• Second point.",
    ]


def test_past_full_items_a_digest_lists_headlines_only() -> None:
    text, _ = parse_html(render.digest(digest_of(5), full_items=2)[0])
    assert "More on #Politics:\n• Story 4 · RBC-Ukraine · 🔔 seoul" in text
    assert "#World\n\nStory 2\n" in text
    assert text.endswith("Other\n• Story 3 · RBC-Ukraine")  # no full item: the list is the topic
    assert "Story 5" in text


def test_a_long_digest_is_split_between_items_and_numbered() -> None:
    points = tuple(f"Point {n} " + "word " * 60 for n in range(4))
    parts = render.digest(digest_of(30, key_points=points), full_items=30)
    assert len(parts) > 1
    shown = ""
    for number, part in enumerate(parts, start=1):
        text, _ = parse_html(part)
        assert render.visible_units(part) <= render.MAX_MESSAGE_UNITS
        assert f"({number}/{len(parts)})" in text.splitlines()[0]
        shown += text
    assert all(f"Story {n}\n" in shown for n in range(1, 31))
    assert shown.count("• Point 3") == 0  # at most three points in a digest


def test_a_digest_item_too_long_for_a_message_is_trimmed_not_dropped() -> None:
    huge = article(title="T" * 5000, outlet="S" * 5000, key_points=("p " * 3000,) * 3)
    parts = render.digest(
        DigestMessage(1, WHEN, DigestReason.QUIET, (DigestItem(huge, "k" * 5000),))
    )
    assert len(parts) == 1
    text, entities = parse_html(parts[0])
    assert text.startswith("🌙 While you were in quiet hours: 1 new article\n")
    assert render.visible_units(parts[0]) <= render.MAX_MESSAGE_UNITS
    assert [e["url"] for e in entities if e["type"] == "text_link"] == [huge.link]


def test_an_unclosed_bidi_override_cannot_reverse_our_words() -> None:
    d = DigestMessage(
        1, WHEN, DigestReason.SCHEDULED, (DigestItem(article(title="\u202eevil"), "kw"),)
    )
    text, _ = parse_html(render.digest(d, full_items=0)[0])
    assert "• evil · RBC-Ukraine · 🔔 kw" in text
    assert "\u202e" not in render.alert(article(title="\u202eevil", key_points=("\u2067x",)))


def test_utf16_units_count_emoji_twice() -> None:
    assert render.utf16_units("a📰") == 3
    assert render.visible_units("<b>a&amp;</b>") == 2


def test_a_story_told_by_others_says_how_many_in_lists_and_digests() -> None:
    also = (Source("DW", "https://dw.example/1"), Source("The Guardian", None))
    told = article(id=2, title="Told thrice", also=also)
    text, _ = parse_html(render.headline_list("Latest", [article(), told]))
    assert text.splitlines()[-1] == "24 Jun 2024, 09:30 UTC · RBC-Ukraine · +2 outlets"
    assert text.splitlines()[-4] == "24 Jun 2024, 09:30 UTC · RBC-Ukraine"  # told once

    # The biggest story first, then as found; a short item says it on its line.
    once, twice = article(id=1, title="Once"), article(id=3, title="Twice", also=also[:1])
    d = DigestMessage(
        7, WHEN, DigestReason.SCHEDULED, (DigestItem(once), DigestItem(told), DigestItem(twice))
    )
    text, _ = parse_html(render.digest(d)[0])
    headlines = [line for line in text.splitlines() if line in ("Once", "Told thrice", "Twice")]
    assert headlines == ["Told thrice", "Twice", "Once"]
    assert "Told thrice\n24 Jun 2024, 09:30 UTC · RBC-Ukraine · +2 outlets\n" in text
    assert "Twice\n24 Jun 2024, 09:30 UTC · RBC-Ukraine · +1 outlet\n" in text
    short, _ = parse_html(render.digest(d, full_items=0)[0])
    assert "• Told thrice · RBC-Ukraine · +2 outlets\n• Twice · RBC-Ukraine · +1 outlet\n" in short


@pytest.mark.parametrize(
    ("count", "words"),
    [(1, "+1 видання"), (2, "+2 видання"), (5, "+5 видань"), (21, "+21 видання")],
)
def test_other_outlets_are_counted_in_the_chat_language(count: int, words: str) -> None:
    kyiv = Catalogues.load().locale("uk", ZoneInfo("Europe/Kyiv"))
    also = tuple(Source(f"Outlet {n}", None) for n in range(count))
    text, _ = parse_html(render.headline_list("Новини", [article(also=also)], kyiv))
    assert text.splitlines()[-1].endswith(f" · RBC-Ukraine · {words}")
