"""OPML: what newsbot writes, it reads back; other readers' files come in with their topics."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from news.opml import OpmlError, read_opml, write_opml
from news.records import FeedConfig
from news.topics import Vocabulary

TOPICS = Vocabulary.build({"Politics": ["політика"], "World": ["international"], "Tech": []})
NOW = datetime(2024, 6, 24, 10, 15, tzinfo=UTC)


def test_written_feeds_read_back_the_same() -> None:
    feeds = [
        FeedConfig(
            url="https://a.example/rss?x=1&y=2", topics=("Politics", "World"), title="A & B"
        ),
        FeedConfig(url="https://b.example/atom", topics=(), title=None),
        FeedConfig(url="https://c.example/feed", topics=("Tech",), title="Українська <правда>"),
    ]
    document = write_opml(feeds, title="newsbot feeds", now=NOW)
    assert document.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert b"<dateCreated>Mon, 24 Jun 2024 10:15:00 GMT</dateCreated>" in document
    assert read_opml(document, TOPICS) == feeds


def test_folders_categories_and_aliases_become_topics() -> None:
    document = """<?xml version="1.0" encoding="utf-8"?>
<opml version="1.0"><head><title>From another reader</title></head><body>
  <outline text="Політика">
    <outline type="rss" text="Kyiv Post" xmlUrl="https://kyiv.example/rss"
             category="/international,/Unknown/Deep"/>
  </outline>
  <outline text="Misc">
    <outline type="rss" text="https://plain.example/rss" xmlUrl="https://plain.example/rss"/>
  </outline>
</body></opml>""".encode()
    assert read_opml(document, TOPICS) == [
        FeedConfig(url="https://kyiv.example/rss", topics=("Politics", "World"), title="Kyiv Post"),
        FeedConfig(url="https://plain.example/rss", topics=(), title=None),
    ]


@pytest.mark.parametrize(
    ("declaration", "encoding"),
    [
        ('<?xml version="1.0" encoding="windows-1251"?>', "cp1251"),
        ('<?xml version="1.0"?>', "utf-8"),
        ("", "utf-8"),
        ("\ufeff", "utf-8"),
        ("", "utf-16"),
    ],
)
def test_encodings_are_honoured(declaration: str, encoding: str) -> None:
    body = (
        '<opml version="2.0"><body><outline type="rss" text="Українська правда" '
        'xmlUrl="https://pravda.example/rss" category="/Політика"/></body></opml>'
    )
    [feed] = read_opml((declaration + body).encode(encoding), TOPICS)
    assert feed.title == "Українська правда" and feed.topics == ("Politics",)


@pytest.mark.parametrize(
    "document", [b"", b"not xml", b"<rss><channel><title>A feed</title></channel></rss>"]
)
def test_what_is_no_opml_is_refused(document: bytes) -> None:
    with pytest.raises(OpmlError, match="not an OPML document"):
        read_opml(document, TOPICS)
