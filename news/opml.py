"""OPML subscription lists: read with listparser, written with the standard library. Pure.

A feed's topics travel in the OPML 2.0 `category` attribute ("/Politics,/World"); on reading, any
category or enclosing folder that names a topic (or one of its aliases) gives the feed that topic.
Topic names containing "," or "/" cannot survive that format.
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET  # writing only: listparser does the reading
from collections.abc import Iterable, Sequence
from datetime import datetime
from email.utils import format_datetime

import listparser

from news.records import FeedConfig
from news.topics import Vocabulary

_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>")
_TEXT_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class OpmlError(ValueError):
    """The document is no OPML subscription list; str() says why."""


def read_opml(data: bytes, vocabulary: Vocabulary) -> list[FeedConfig]:
    """The feeds an OPML document lists, in its order; topics resolved through the vocabulary."""
    parsed = listparser.parse(_as_utf8(data))
    if not str(parsed.get("version", "")).startswith("opml"):
        raise OpmlError("not an OPML document (no <opml> root element)")
    feeds: list[FeedConfig] = []
    for outline in parsed["feeds"]:
        url = str(outline.get("url") or "").strip()
        title = str(outline.get("title") or "").strip()
        names = (name for path in outline.get("categories", []) for name in path)
        topics = vocabulary.ordered(t for t in map(vocabulary.resolve, names) if t is not None)
        # An outline without its own text repeats the URL there; that is no title.
        feeds.append(FeedConfig(url=url, topics=topics, title=title if title != url else None))
    return feeds


def write_opml(feeds: Sequence[FeedConfig], *, title: str, now: datetime) -> bytes:
    """An OPML 2.0 document listing the feeds, each with its title and topics."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(now, usegmt=True)
    body = ET.SubElement(root, "body")
    for feed in feeds:
        outline = ET.SubElement(body, "outline", type="rss", text=feed.title or feed.url)
        if feed.title:
            outline.set("title", feed.title)
        outline.set("xmlUrl", feed.url)
        if feed.topics:
            outline.set("category", _categories(feed.topics))
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


def _categories(topics: Iterable[str]) -> str:
    return ",".join(f"/{topic}" for topic in topics)


def _as_utf8(data: bytes) -> bytes:
    """The document re-encoded as UTF-8 under a declaration that says so.

    listparser hands the bytes to lxml's HTML parser, which ignores the XML declaration's
    encoding and reads UTF-8 only when a declaration is there at all (Latin-1 otherwise).
    """
    text = None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = data.decode(codec, errors="replace").lstrip("\ufeff")
            break
    if text is None:
        text = data.decode(_declared_encoding(data), errors="replace")
    text = _TEXT_DECLARATION.sub("", text, count=1)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + text.encode("utf-8")


def _declared_encoding(data: bytes) -> str:
    """The XML declaration's encoding when Python knows it; XML's default, UTF-8, otherwise."""
    declaration = _DECLARATION.match(data)
    found = _ENCODING.search(declaration.group(0)) if declaration else None
    if found is None:
        return "utf-8"
    try:
        return codecs.lookup(found.group(1).decode("ascii")).name
    except LookupError:
        return "utf-8"
