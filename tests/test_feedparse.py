"""news.feedparse: every real-world feed of the shared corpus through the real path
(local HTTP server -> web.fetch -> parse_feed), plus small hand-written documents."""

from __future__ import annotations

import csv
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import httpx
import pytest

from news.feedparse import FeedParseError, parse_feed
from news.records import ParsedFeed
from tests.fakes.feeds import FeedServer, rss
from web.fetch import Fetched, fetch

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "feeds"
CORPUS_FILES = (
    sorted(p.relative_to(CORPUS).as_posix() for p in CORPUS.glob("*/*") if p.is_file())
    if CORPUS.is_dir()
    else []
)
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"feed corpus not found at {CORPUS} (../shared beside the repo)"
)
# Served without a charset, so the XML prolog decides (RFC 3023 for application/*+xml).
CONTENT_TYPES = {
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".json": "application/feed+json",
    ".xml": "application/xml",
}
NOT_FEEDS = {  # file -> what the reason must say
    "edge/empty_file.xml": "empty document",
    "edge/json_feed_daringfireball.json": "JSON",
    "edge/json_feed_elastic_1_1.json": "JSON",
    "edge/json_feed_example.json": "JSON",
    "edge/xmlbomb_billion_laughs.xml": "undefined entity",
    "edge/xmlbomb_quadratic_blowup.xml": "entity expansion",
}
URL = "https://example.org/feed.xml"
RSS_HEADERS = {"Content-Type": "application/rss+xml"}


def golden_entry_counts() -> dict[str, int]:
    """Entry counts that bare feedparser.parse gave for each file (PARSED.tsv)."""
    with (CORPUS / "PARSED.tsv").open(encoding="utf-8", newline="") as table:
        return {row["file"]: int(row["entries"]) for row in csv.DictReader(table, delimiter="\t")}


async def through_server(feeds: FeedServer, client: httpx.AsyncClient, name: str) -> ParsedFeed:
    """Serve a corpus file, fetch it and parse it, as the poller does."""
    path = "/" + name
    feeds.serve(path, (CORPUS / name).read_bytes(), content_type=CONTENT_TYPES[Path(name).suffix])
    fetched = await fetch(client, feeds.url(path))
    assert isinstance(fetched, Fetched), fetched
    return parse_feed(fetched.url, fetched.body, fetched.headers)


@needs_corpus
@pytest.mark.parametrize("name", CORPUS_FILES)
async def test_corpus_file_parses_or_fails_cleanly(
    feeds: FeedServer, client: httpx.AsyncClient, name: str
) -> None:
    try:
        parsed = await through_server(feeds, client, name)
    except FeedParseError as exc:
        assert str(exc)
        assert not name.startswith("news/"), f"a news site's feed was refused: {exc}"
        return
    assert name not in NOT_FEEDS
    for entry in parsed.entries:
        assert entry.link is None or entry.link.startswith(("http://", "https://"))
        assert entry.published is None or entry.published.tzinfo is UTC
        assert entry.title == entry.title.strip()
    if name.startswith("news/"):
        assert len(parsed.entries) == golden_entry_counts()[name]


@needs_corpus
@pytest.mark.parametrize(("name", "reason"), sorted(NOT_FEEDS.items()))
async def test_not_feeds_are_refused_with_a_reason(
    feeds: FeedServer, client: httpx.AsyncClient, name: str, reason: str
) -> None:
    with pytest.raises(FeedParseError, match=reason):
        await through_server(feeds, client, name)


@needs_corpus
@pytest.mark.parametrize(
    "name", ["edge/xmlbomb_billion_laughs.xml", "edge/xmlbomb_quadratic_blowup.xml"]
)
def test_xml_bombs_fail_fast_in_little_memory(name: str) -> None:
    body = (CORPUS / name).read_bytes()
    started = time.process_time()
    tracemalloc.start()
    try:
        with pytest.raises(FeedParseError):
            parse_feed(URL, body, {"content-type": "application/xml"})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.process_time() - started < 1
    assert peak < 20 * len(body) + 5_000_000


@needs_corpus
@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("edge/enc_windows1251_oren_ru.xml", "Новости Оренбурга и области / Раздел Новости"),
        ("edge/enc_koi8r_declared.xml", "Пример RSS ленты"),
    ],
)
async def test_cyrillic_charsets_decode(
    feeds: FeedServer, client: httpx.AsyncClient, name: str, title: str
) -> None:
    parsed = await through_server(feeds, client, name)
    assert parsed.title == title
    assert parsed.entries[0].title in {
        "В Бузулуке главные стройплощадки – детсад и Ледовый дворец",
        "Первая новость",
    }


@needs_corpus
async def test_relative_links_resolve_against_the_feed_url(
    feeds: FeedServer, client: httpx.AsyncClient
) -> None:
    parsed = await through_server(feeds, client, "edge/relative_links.rss")
    assert parsed.link == feeds.url("/edge/file.html")
    assert parsed.entries[0].link == feeds.url("/edge/blog/post/1")
    # Links inside content are left as written: content only ever becomes plain text.
    assert parsed.entries[0].summary_html == 'one <a href="target">two</a> three'
    stacked = await through_server(feeds, client, "edge/atom_xml_base_stacked_relative.atom")
    assert [e.link for e in stacked.entries] == [
        "https://example.org/posts/foo/",
        "https://example.org/blog/post1",
    ]


@needs_corpus
async def test_guardian_bozo_feed_keeps_its_entries(
    feeds: FeedServer, client: httpx.AsyncClient
) -> None:
    parsed = await through_server(feeds, client, "news/guardian_world_2024.xml")
    assert len(parsed.entries) == 54
    assert parsed.warning is not None and "not well-formed" in parsed.warning
    assert parsed.title == "World news | The Guardian"


@needs_corpus
async def test_news_feed_fields(feeds: FeedServer, client: httpx.AsyncClient) -> None:
    parsed = await through_server(feeds, client, "news/cnbc_topnews_2018.xml")
    assert parsed.title == "Top News & Analysis"  # feedparser kept it as HTML; we unescape
    assert parsed.ttl_seconds == 3600
    first = parsed.entries[0]
    assert first.guid == "guid_105290365"
    assert first.published == datetime(2018, 6, 23, 15, 24, tzinfo=UTC)
    assert first.link is not None and first.link.startswith("https://www.cnbc.com/2018/06/23/")


# Hand-written documents --------------------------------------------------------------------


def test_rss_entry_fields() -> None:
    body = rss(
        [
            {
                "title": "  Rates  rise\n",
                "link": "https://example.org/a?utm_source=x",
                "guid": " id-1 ",
                "description": "<p>Short <b>summary</b></p>",
                "content": "<p>Full text</p>",
                "categories": [" Economy ", "economy", "", "Economy", "Banks"],
                "pub_date": datetime(2024, 5, 1, 14, 0, tzinfo=UTC),
            },
            {"title": "No guid, relative link", "link": "/b"},
        ]
    )
    parsed = parse_feed(URL, body, RSS_HEADERS)
    first, second = parsed.entries
    assert (parsed.title, parsed.link, parsed.warning) == (
        "Test feed",
        "https://example.org/",
        None,
    )
    assert first.guid == "id-1"
    assert first.title == "Rates rise"
    assert first.link == "https://example.org/a?utm_source=x"  # identity normalises, not parsing
    assert first.summary_html == "<p>Short <b>summary</b></p>"
    assert first.content_html == "<p>Full text</p>"
    assert first.categories == ("Economy", "economy", "Banks")
    assert first.published == datetime(2024, 5, 1, 14, 0, tzinfo=UTC)
    assert (second.guid, second.link, second.published) == (None, "https://example.org/b", None)


def atom(entry_xml: str, feed_extra: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Atom test</title><id>urn:x</id>{feed_extra}<entry>{entry_xml}</entry></feed>"
    ).encode()


def test_atom_text_constructs() -> None:
    body = atom(
        '<id>urn:1</id><title type="html">Tom &amp;amp; Jerry &lt;b&gt;live&lt;/b&gt;</title>'
        '<summary type="text">a &lt; b &amp; c</summary>'
        '<content type="text">x &lt;script&gt;</content>'
        '<link href="javascript:alert(1)"/><updated>the day before yesterday</updated>'
    )
    entry = parse_feed(URL, body, {"content-type": "application/atom+xml"}).entries[0]
    assert entry.title == "Tom & Jerry live"
    assert entry.summary_html == "a &lt; b &amp; c"  # plain text is escaped into HTML
    assert entry.content_html == "x &lt;script&gt;"
    assert entry.link is None  # only http(s) links survive
    assert entry.published is None


MEDIA_RSS = 'xmlns:media="http://search.yahoo.com/mrss/"'


def media_rss(*items: str) -> bytes:
    body = "".join(f"<item><title>t{n}</title>{item}</item>" for n, item in enumerate(items))
    return (
        f'<?xml version="1.0"?><rss version="2.0" {MEDIA_RSS}><channel><title>M</title>'
        f"{body}</channel></rss>"
    ).encode()


IMAGES = {
    # The widest image of media:content; a video there is no picture.
    '<media:content url="https://i.example/v.mp4" type="video/mp4" width="1920"/>'
    '<media:content url="https://i.example/140.jpg" medium="image" width="140"/>'
    '<media:content url="https://i.example/460.jpg" type="image/jpeg" width="460"/>'
    '<media:thumbnail url="https://i.example/thumb.jpg"/>': "https://i.example/460.jpg",
    # media:content of no stated kind (The Guardian's): an image by its file name.
    '<media:content url="https://i.example/a.JPG?width=140&amp;s=1" width="140"/>': (
        "https://i.example/a.JPG?width=140&s=1"
    ),
    '<media:content url="https://i.example/clip" width="140"/>'
    '<media:thumbnail url="https://i.example/t.png"/>': "https://i.example/t.png",
    '<media:group><media:content url="/rel.jpg" medium="image"/></media:group>': (
        "https://example.org/rel.jpg"
    ),
    '<enclosure url="https://a.example/x.mp3" type="audio/mpeg" length="1"/>'
    '<enclosure url="https://i.example/e.jpg" type="image/jpeg" length="1"/>': (
        "https://i.example/e.jpg"
    ),
    # Nothing Telegram could fetch: no picture, the article's own link stands in.
    '<media:thumbnail url="javascript:alert(1)"/>': None,
    '<media:thumbnail url="http://[oops/a.jpg"/>': None,
    '<media:thumbnail url="https://i.example/a b.jpg"/>': None,
    f'<media:thumbnail url="https://i.example/{"x" * 2100}.jpg"/>': None,
    '<media:content url="https://i.example/a.jpg" medium="video"/>': None,
    '<enclosure url="https://a.example/x.mp3" type="audio/mpeg" length="1"/>': None,
    "": None,
}


@pytest.mark.parametrize(("item", "image"), IMAGES.items(), ids=range(len(IMAGES)))
def test_an_entry_image_from_media_rss_or_an_enclosure(item: str, image: str | None) -> None:
    (entry,) = parse_feed(URL, media_rss(item), RSS_HEADERS).entries
    assert entry.image == image


def test_an_atom_image_enclosure() -> None:
    body = atom(
        '<id>urn:1</id><title>t</title><link href="https://example.org/a"/>'
        '<link rel="enclosure" type="image/png" href="pictures/a.png"/>'
    )
    (entry,) = parse_feed(URL, body, {"Content-Type": "application/atom+xml"}).entries
    assert entry.image == "https://example.org/pictures/a.png"


@needs_corpus
@pytest.mark.parametrize(
    ("name", "first_image"),
    [
        ("news/guardian_world_2024.xml", "https://i.guim.co.uk/img/media/c4d7049b24ee"),
        ("news/bbc_news_2026.xml", "https://ichef.bbci.co.uk/ace/standard/240/"),
        ("news/suspilne_ua_2024.xml", "https://cdn4.suspilne.media/images/e367c2c5b131946e.jpg"),
    ],
)
def test_news_feeds_give_their_pictures(name: str, first_image: str) -> None:
    entries = parse_feed(URL, (CORPUS / name).read_bytes(), {}).entries
    image = next(entry.image for entry in entries if entry.image)
    assert image.startswith(first_image)
    if "guardian" in name:  # 140 and 460 pixels wide: the larger one
        assert "width=460" in image


def test_absurd_dates_are_dropped() -> None:
    body = rss([{"title": "old", "guid": "1", "pub_date": datetime(1970, 1, 1, tzinfo=UTC)}])
    assert parse_feed(URL, body, RSS_HEADERS).entries[0].published is None


@pytest.mark.parametrize(
    ("channel_extra", "expected"),
    [
        ("<ttl>30</ttl>", 1800),
        ("<ttl>0</ttl>", None),
        ("<ttl>soon</ttl>", None),
        ("<ttl>999999</ttl>", None),
        (
            "<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>",
            1800,
        ),
        ("<sy:updateFrequency>4</sy:updateFrequency>", 21600),
        (
            "<sy:updatePeriod>daily</sy:updatePeriod><sy:updateFrequency>0</sy:updateFrequency>",
            None,
        ),
        ("", None),
    ],
)
def test_polling_hints(channel_extra: str, expected: int | None) -> None:
    body = (
        '<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel>'
        f"<title>t</title>{channel_extra}<item><guid>1</guid></item></channel></rss>"
    ).encode()
    assert parse_feed(URL, body, RSS_HEADERS).ttl_seconds == expected


def test_charset_header_wins_over_guessing() -> None:
    body = '<rss version="2.0"><channel><title>Café</title></channel></rss>'.encode("latin-1")
    parsed = parse_feed(URL, body, {"Content-Type": "application/rss+xml; charset=ISO-8859-1"})
    assert (parsed.title, parsed.warning) == ("Café", None)


def test_blank_lines_before_the_xml_declaration() -> None:
    body = b"\n\n  " + rss([{"title": "t", "guid": "1"}])
    parsed = parse_feed(URL, body, RSS_HEADERS)
    assert (len(parsed.entries), parsed.warning) == (1, None)


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"", "application/rss+xml", "empty document"),
        (b"  \n", "application/rss+xml", "empty document"),
        (b"<!DOCTYPE html><html><body>Hi</body></html>", "text/html", "not a feed: HTML page"),
        (b"<!DOCTYPE html><html><body>Hi</body></html>", "application/xml", "HTML page"),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', "application/json", "JSON"),
        (b"just some text", "text/plain", "malformed XML and no entries"),
        (b'<rss version="2.0"><channel><title>cut', "application/rss+xml", "malformed XML"),
        (b"<html><body><p>Hi</p></body></html>", "text/html", "not a feed: HTML page"),
        (b"<?xml version='1.0'?><note>Hi</note>", "application/xml", "no RSS or Atom"),
    ],
)
def test_refusals(body: bytes, content_type: str, reason: str) -> None:
    with pytest.raises(FeedParseError, match=reason):
        parse_feed(URL, body, {"Content-Type": content_type})


def test_parser_crash_becomes_a_parse_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # feedparser's known crash class (kurtmckee/feedparser#378): AssertionError from _markupbase.
    def crash(*args: object, **kwargs: object) -> None:
        raise AssertionError("unexpected '<![' char in declaration")

    monkeypatch.setattr(feedparser, "parse", crash)
    with pytest.raises(FeedParseError, match="parser crashed: AssertionError"):
        parse_feed(URL, rss([]), RSS_HEADERS)
