"""What chats see, kept as golden files: alerts and digests in English and Ukrainian, in UTC and
Kyiv time, fed hostile input. Each part must also pass the fake Bot API's strict HTML parser and
Telegram's limits (4096 visible UTF-16 units, 100 entities).

The files live in tests/snapshots/test_render_snapshots/; after a deliberate change of wording
or layout, rewrite them with `pytest tests/test_render_snapshots.py --snapshot-update` and read
the diff.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode
from syrupy.location import PyTestLocation

from bot.i18n import Catalogues
from news import render
from news.locale import ENGLISH, Locale
from news.records import Article, DigestItem, DigestMessage, DigestReason, Layout
from tests.fakes.telegram_html import parse_html, strip_message, utf16_len

PUBLISHED = datetime(2024, 6, 24, 9, 30, tzinfo=UTC)  # 12:30 EEST in Kyiv
WINTER = datetime(2024, 1, 5, 21, 45, tzinfo=UTC)  # 23:45 EET in Kyiv
DIGEST_AT = datetime(2024, 6, 24, 16, 0, tzinfo=UTC)

SCRIPT = '<script>alert("pwned")</script>'
MARKUP = 'AT&T <b>not bold</b> & "quotes" &amp; &nbsp; <a href="https://evil.example">x</a>'
EMOJI = "📰🔥🇺🇦👩‍👩‍👧 breaking"
RTL = "שלום עולם \u202eevil\u202c العربية"
LONG = ("Parliament debates the budget amendment for regional hospitals " * 4)[:200]
HOSTILE = (SCRIPT, MARKUP, EMOJI, RTL, LONG)


class GoldenFile(SingleFileSnapshotExtension):
    """One text file per snapshot under tests/snapshots/<test file>/, diffable in review."""

    _write_mode = WriteMode.TEXT
    file_extension = "txt"

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        folder = Path(test_location.filepath).parent / "snapshots" / test_location.basename
        return str(folder)


@pytest.fixture
def golden(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(GoldenFile)


CATALOGUES = Catalogues.load()
LOCALES: dict[str, Locale] = {
    "en-utc": ENGLISH,
    "en-kyiv": CATALOGUES.locale("en", ZoneInfo("Europe/Kyiv")),
    "uk-utc": CATALOGUES.locale("uk"),
    "uk-kyiv": CATALOGUES.locale("uk", ZoneInfo("Europe/Kyiv")),
}
SHOWN = ("en-utc", "uk-kyiv")  # every case in these two; the other pairs for dates only


def article(number: int = 1, **changes: object) -> Article:
    values: dict[str, object] = {
        "id": number,
        "outlet": "RBC-Ukraine",
        "title": "Seoul ready to help Ukraine with air defence",
        "link": f"https://news.example/{number}?x=1&y=2",
        "published_at": PUBLISHED,
        "discovered_at": PUBLISHED,
        "topics": ("Politics", "World"),
        "key_points": (
            "South Korea will consider sending weapons.",
            "The decision follows a Russia–North Korea pact.",
            "Kyiv welcomed the statement.",
        ),
    }
    return Article(**(values | changes))  # type: ignore[arg-type]


def hostile_article(number: int) -> Article:
    """Article `number` of a long digest: every kind of trouble, in turn, everywhere."""
    text = HOSTILE[number % len(HOSTILE)]
    topics = [("Politics",), ("World", "Politics"), ("Економіка",), (), ("World",)][number % 5]
    links = [f"https://news.example/{number}?a=1&b=<2>", "javascript:alert(1)", None]
    points = [
        (f"{text} point one.", f"{text} point two.", "", f"{text} point four."),
        ("", "   "),
        (),
    ]
    return article(
        number,
        title=f"[{number}] {text}",
        outlet=HOSTILE[(number + 1) % len(HOSTILE)][:40],
        link=links[number % len(links)],
        published_at=None if number % 7 == 0 else PUBLISHED - timedelta(minutes=13 * number),
        discovered_at=PUBLISHED,
        topics=topics,
        key_points=points[number % len(points)],
    )


ALERTS: dict[str, tuple[Article, str | None]] = {
    "plain": (article(), None),
    "matched": (article(), "kim jong un"),
    "winter-date": (article(published_at=WINTER), None),
    "script": (article(title=SCRIPT, outlet=SCRIPT, key_points=(SCRIPT,)), f"<{SCRIPT}>"),
    "markup-and-quotes": (article(title=MARKUP, outlet=MARKUP, key_points=(MARKUP,)), '"&"'),
    "emoji": (article(title=EMOJI * 3, key_points=(EMOJI,) * 4), "📰"),
    "rtl": (article(title=RTL, outlet=RTL, key_points=(RTL, RTL), topics=("Світ",)), RTL),
    "long-headline": (article(title=LONG, key_points=tuple("y" * 240 for _ in range(6))), None),
    "javascript-link": (article(link="javascript:alert(1)"), None),
    "empty-points": (article(key_points=("", "  ", "\n")), None),
    "no-topics-no-date": (article(topics=(), published_at=None), None),
}


def digest_of(
    articles: list[Article],
    reason: DigestReason = DigestReason.SCHEDULED,
    matched: dict[int, str] | None = None,
) -> DigestMessage:
    keywords = matched or {}
    items = tuple(DigestItem(a, keywords.get(a.id)) for a in articles)
    return DigestMessage(id=3, created_at=DIGEST_AT, reason=reason, items=items)


DIGESTS: dict[str, DigestMessage] = {
    "one": digest_of([article()], DigestReason.ASKED, {1: "seoul"}),
    "quiet-three": digest_of(
        [article(1), article(2, topics=("World",)), article(3, link=None)],
        DigestReason.QUIET,
        {2: "kim <jong> un"},
    ),
    "hostile-12": digest_of([hostile_article(n) for n in range(1, 13)], matched={5: SCRIPT}),
    "hostile-40": digest_of(
        [hostile_article(n) for n in range(1, 41)],
        matched={n: HOSTILE[n % len(HOSTILE)][:30] for n in range(1, 41, 3)},
    ),
    "long-40": digest_of(
        [
            article(n, title=f"[{n}] {LONG}", key_points=("z " * 120,) * 5, topics=(f"T{n % 4}",))
            for n in range(1, 41)
        ]
    ),
    "giant-item": digest_of(
        [article(1, title="T" * 5000, outlet="S" * 3000, key_points=("p " * 3000,) * 3)],
        matched={1: "k" * 3000},
    ),
    "empty": digest_of([]),
}


def checked(parts: list[str], *, markup: bool = True) -> str:
    """Every part as Telegram would take it, checked; then all of them as one golden text."""
    assert parts
    shown = []
    for number, part in enumerate(parts, start=1):
        text, entities = parse_html(part) if markup else (part, [])
        text, entities = strip_message(text, entities)
        assert 0 < utf16_len(text) <= render.MAX_MESSAGE_UNITS
        counted = render.visible_units(part) if markup else render.utf16_units(part)
        assert counted == utf16_len(text)  # what render measures is what Telegram counts
        assert len(entities) <= render.MAX_ENTITIES
        for entity in entities:
            assert entity["type"] != "text_link" or entity["url"].startswith("https://")
        header = f"===== message {number}/{len(parts)}: {utf16_len(text)} UTF-16 units"
        shown.append(f"{header}, {len(entities)} entities =====\n{part}\n")
    return "\n".join(shown)


def every_article_is_there(d: DigestMessage, parts: list[str]) -> None:
    visible = "".join(parse_html(part)[0] for part in parts)
    for item in d.items:
        assert item.article.title[:12] in visible  # trimmed at most, never dropped


@pytest.mark.parametrize("where", SHOWN)
@pytest.mark.parametrize("case", ALERTS)
def test_alert(case: str, where: str, golden: SnapshotAssertion) -> None:
    item, matched = ALERTS[case]
    parts = render.messages(item, LOCALES[where], matched=matched)
    assert len(parts) == 1
    assert checked(parts) == golden


@pytest.mark.parametrize("where", SHOWN)
@pytest.mark.parametrize("case", ALERTS)
def test_compact_alert(case: str, where: str, golden: SnapshotAssertion) -> None:
    """One line: the linked headline, its outlet and the keyword, whatever the feed sent."""
    item, matched = ALERTS[case]
    parts = render.messages(item, LOCALES[where], matched=matched, layout=Layout.COMPACT)
    assert len(parts) == 1 and "\n" not in parts[0]
    assert checked(parts) == golden


@pytest.mark.parametrize("where", SHOWN)
@pytest.mark.parametrize("case", ["quiet-three", "hostile-40"])
def test_compact_digest(case: str, where: str, golden: SnapshotAssertion) -> None:
    """Every article of a compact chat's digest is one line under its topic."""
    d = DIGESTS[case]
    parts = render.messages(d, LOCALES[where], layout=Layout.COMPACT)
    every_article_is_there(d, parts)
    visible = "".join(parse_html(part)[0] for part in parts)
    points = {point for item in d.items for point in item.article.key_points if point.strip()}
    assert points and not any(point in visible for point in points)
    assert checked(parts) == golden


@pytest.mark.parametrize("where", LOCALES)
def test_alert_dates_follow_language_and_zone(where: str, golden: SnapshotAssertion) -> None:
    summer, winter = article(), article(published_at=WINTER)
    parts = [render.alert(summer, LOCALES[where]), render.alert(winter, LOCALES[where])]
    assert checked(parts) == golden


@pytest.mark.parametrize("where", SHOWN)
@pytest.mark.parametrize("case", DIGESTS)
def test_digest(case: str, where: str, golden: SnapshotAssertion) -> None:
    d = DIGESTS[case]
    parts = render.messages(d, LOCALES[where])
    every_article_is_there(d, parts)
    assert checked(parts) == golden


@pytest.mark.parametrize("case", ["hostile-40", "long-40"])
def test_digest_in_full_is_split_between_items(case: str, golden: SnapshotAssertion) -> None:
    d = DIGESTS[case]
    parts = render.digest(d, CATALOGUES.locale("uk", ZoneInfo("Europe/Kyiv")), full_items=40)
    assert len(parts) > 1
    every_article_is_there(d, parts)
    assert checked(parts) == golden


@pytest.mark.parametrize(
    "render_plain",
    [
        lambda: render.plain_messages(ALERTS["script"][0], matched=ALERTS["script"][1]),
        lambda: render.plain_messages(DIGESTS["hostile-40"], LOCALES["uk-kyiv"]),
        lambda: render.plain_messages(
            ALERTS["script"][0], matched=ALERTS["script"][1], layout=Layout.COMPACT
        ),
    ],
    ids=["alert", "digest", "compact-alert"],
)
def test_plain_fallback(render_plain: Callable[[], list[str]], golden: SnapshotAssertion) -> None:
    parts = render_plain()
    assert any(SCRIPT in part for part in parts)  # shown as sent, not escaped
    assert checked(parts, markup=False) == golden
