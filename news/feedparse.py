"""Feed bytes -> ParsedFeed. The only module that imports feedparser; pure (bytes in, records out).

feedparser is given a BytesIO, never a str or bytes: a string may be opened as a URL or a local
path, and even bytes are first tried as a file name (feedparser api.py docstring, "Do not pass
untrusted strings"). The HTTP headers travel in `response_headers` so the charset of the
Content-Type is honoured and relative links resolve against the feed's own URL (Content-Location).
"""

from __future__ import annotations

import html
import io
import re
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from news.encoding import repair
from news.records import Entry, ParsedFeed

# Dates outside this range are placeholders (epoch 0, year 9999) rather than real publish times.
_MIN_YEAR = 1990
_MAX_YEAR = 2100
# Poll hints outside this range are typos or "never"; the scheduler then uses its own default.
_MIN_TTL_SECONDS = 60
_MAX_TTL_SECONDS = 30 * 86400
# RSS 1.0 syndication module: updatePeriod is one of these; updateFrequency = updates per period.
_SY_PERIOD_SECONDS = {
    "hourly": 3600,
    "daily": 86400,
    "weekly": 7 * 86400,
    "monthly": 30 * 86400,
    "yearly": 365 * 86400,
}
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_MAX_WARNING_CHARS = 200
# Text that feedparser's loose parser may produce by expanding internal entities. Its strict
# parser is protected by expat's amplification limit, but after that fails, the loose parser
# expands every "safe" text entity: defusedxml's quadratic-blowup file grows 100 KB into 100 MB.
_MAX_ENTITY_EXPANSION = 1_000_000
_FIRST_ELEMENT = re.compile(rb"<\w")
_ENTITY_REF = re.compile(rb"&([\w.-]+);")
_ENTITY_DECL = re.compile(rb"<!ENTITY\s+([\w.-]+)\s+(?:\"([^\"]*)\"|'([^']*)')")
_TAG = re.compile(r"<[^>]*>")
# A longer image URL is junk, not a picture; the article's own link stands in.
_MAX_IMAGE_URL = 2048
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")


class FeedParseError(Exception):
    """The body is not a usable feed; str() is a short human reason."""


def parse_feed(url: str, body: bytes, headers: Mapping[str, str]) -> ParsedFeed:
    """Parse one fetched document; `url` is its final URL, the base for relative links."""
    body = _refuse_non_feeds(body, headers)
    response_headers = {key.lower(): value for key, value in headers.items()}
    response_headers["content-location"] = url
    body, content_type = repair(body, response_headers.get("content-type", ""))
    if content_type:
        response_headers["content-type"] = content_type
    try:
        # No HTML sanitising or link rewriting inside content: publisher HTML never reaches a
        # message (news.text turns it into plain text, dropping script and style), and the two
        # passes were a third of the parse time (bench/poll.py). Entry links are still resolved.
        parsed = feedparser.parse(
            io.BytesIO(body),
            response_headers=response_headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    # feedparser has known crash classes on odd input (AssertionError from _markupbase on
    # CDATA, kurtmckee/feedparser#378, #504); a broken feed must be data, not a crash.
    except Exception as exc:
        raise FeedParseError(f"parser crashed: {_describe(exc)}") from exc
    entries = parsed.get("entries") or []
    if entries and parsed.get("bozo") and _cut_short(body):
        # The document stops before its root element closes (a truncated response): the last
        # entry may be half an entry, and alerting on a cut headline is worse than waiting.
        entries = entries[:-1]
    if not entries:
        _refuse_empty_result(parsed, body, response_headers)
    feed = parsed.get("feed") or {}
    return ParsedFeed(
        title=_plain_text(feed.get("title_detail")),
        link=_absolute_link(url, feed.get("link")),
        entries=tuple(_entry(url, raw) for raw in entries),
        ttl_seconds=_ttl_seconds(feed),
        warning=_describe(parsed.get("bozo_exception")) if parsed.get("bozo") else None,
    )


def _cut_short(body: bytes) -> bool:
    tail = body[-512:].rstrip().lower()
    return not tail.endswith((b"</rss>", b"</feed>", b"</rdf:rdf>", b"</rdf>"))


def _refuse_non_feeds(body: bytes, headers: Mapping[str, str]) -> bytes:
    """Reject what is clearly no XML feed before paying for a parse; fix leading whitespace."""
    if body[:1].isspace():
        # PHP feeds often emit blank lines before "<?xml", which XML forbids; strip them unless
        # the document is UTF-16/32 (where the whitespace byte is half a character).
        stripped = body.lstrip()
        if not stripped:
            raise FeedParseError("empty document")
        if stripped[:1] == b"<":
            body = stripped
    if not body:
        raise FeedParseError("empty document")
    content_type = _content_type(headers)
    if body[:1] in (b"{", b"[") or "json" in content_type:
        # JSON Feed (jsonfeed.org) is not supported by feedparser 6.0.
        raise FeedParseError("not a feed: JSON document (JSON Feed is not supported)")
    if content_type.startswith("text/html") and b"<html" in body[:2048].lower():
        raise FeedParseError("not a feed: HTML page")
    prolog = body[: _prolog_end(body)]
    if b"<!ENTITY" in prolog:
        _refuse_entity_bomb(prolog, body)
    return body


def _content_type(headers: Mapping[str, str]) -> str:
    return next((v for k, v in headers.items() if k.lower() == "content-type"), "").lower()


def _prolog_end(body: bytes) -> int:
    match = _FIRST_ELEMENT.search(body)
    return match.start() if match else len(body)


def _refuse_entity_bomb(prolog: bytes, body: bytes) -> None:
    """Estimate what the declared text entities expand to, nested ones included; refuse a bomb.

    feedparser strips such declarations anyway, but a billion-laughs document deserves a clear
    reason ("entity expansion attack") rather than a confusing "undefined entity".
    """
    values = {name: dq or sq for name, dq, sq in _ENTITY_DECL.findall(prolog)}
    sizes: dict[bytes, int] = {}

    def size(name: bytes, depth: int = 0) -> int:
        if name not in sizes:
            value = values.get(name, b"")
            nested = _ENTITY_REF.findall(value) if depth < 20 else []
            sizes[name] = len(value) + sum(size(ref, depth + 1) for ref in nested if ref in values)
        return sizes[name]

    document = body[len(prolog) :]
    expansion = sum(size(name) * document.count(b"&" + name + b";") for name in values)
    if expansion > _MAX_ENTITY_EXPANSION:
        raise FeedParseError("not a feed: XML entity expansion attack")


def _refuse_empty_result(parsed: Any, body: bytes, headers: Mapping[str, str]) -> None:
    """No entries: fine for a well-formed empty feed, an error for anything else.

    A malformed document with no entries is an error even when feedparser recognised the root
    element (a feed truncated by the publisher), so the poller backs off and can tell the user.
    feedparser's "ThingsNobodyCaresAboutButMe" bozo classes (charset or Content-Type labels) say
    nothing about the structure, so they do not count.
    """
    exc = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if exc is not None and not isinstance(exc, feedparser.ThingsNobodyCaresAboutButMe):
        raise FeedParseError(f"malformed XML and no entries: {_describe(exc)}")
    if parsed.get("version"):
        return
    if exc is not None:
        raise FeedParseError(f"malformed XML and no entries: {_describe(exc)}")
    if _content_type(headers).startswith("text/html") or b"<html" in body[:2048].lower():
        raise FeedParseError("not a feed: HTML page")
    raise FeedParseError("not a feed: no RSS or Atom root element")


def _entry(url: str, raw: dict[str, Any]) -> Entry:
    # dict.get, not FeedParserDict.get: the stored keys are the real ones, and the subclass's
    # alias lookups cost time and warn (its updated_parsed -> published_parsed fallback).
    get = dict.get
    return Entry(
        guid=(get(raw, "id") or "").strip() or None,
        link=_absolute_link(url, get(raw, "link")),
        title=_plain_text(get(raw, "title_detail")),
        summary_html=_html_value(get(raw, "summary_detail")),
        content_html=_content_html(get(raw, "content")),
        categories=_categories(get(raw, "tags")),
        published=_utc(get(raw, "published_parsed") or get(raw, "updated_parsed")),
        image=_image(url, raw),
    )


def _image(base: str, raw: dict[str, Any]) -> str | None:
    """The entry's own picture: the widest image of its media:content, else its
    media:thumbnail, else an enclosure of an image type (RSS <enclosure>, Atom rel=enclosure;
    feedparser lists both among the links). Only a URL: Telegram fetches it for the preview.
    Media RSS: https://www.rssboard.org/media-rss"""
    get = dict.get
    contents = [media for media in get(raw, "media_content") or () if _is_image_content(media)]
    contents.sort(key=_width, reverse=True)  # stable: the first of equal widths stays first
    enclosures = [
        {"url": link.get("href")}
        for link in get(raw, "links") or ()
        if link.get("rel") == "enclosure" and _is_image_type(link.get("type"))
    ]
    for media in (*contents, *(get(raw, "media_thumbnail") or ()), *enclosures):
        try:
            found = _absolute_link(base, media.get("url"))
            # A URL Telegram could not fetch is no picture: the article's own link stands in.
            if found and len(found) <= _MAX_IMAGE_URL and _fetchable(found):
                return found
        except ValueError:  # urljoin and urlsplit refuse some malformed URLs ("http://[oops")
            continue
    return None


def _fetchable(url: str) -> bool:
    """A host, and nothing a URL may not hold unescaped (spaces, controls)."""
    return bool(urlsplit(url).hostname) and not any(
        char.isspace() or ord(char) < 32 for char in url
    )


def _is_image_content(media: Mapping[str, Any]) -> bool:
    """media:content of medium "image" or an image type. With neither (both are optional, and
    The Guardian gives only url and width), a URL whose path ends like an image file."""
    medium, media_type = media.get("medium"), media.get("type")
    if medium or media_type:
        return medium == "image" or _is_image_type(media_type)
    try:
        path = urlsplit(str(media.get("url") or "")).path.lower()
    except ValueError:  # a malformed URL is no picture
        return False
    return path.endswith(_IMAGE_SUFFIXES)


def _is_image_type(media_type: object) -> bool:
    return isinstance(media_type, str) and media_type.strip().lower().startswith("image/")


def _width(media: Mapping[str, Any]) -> int:
    """media:content's width attribute; 0 when absent or not a number."""
    width = str(media.get("width") or "").strip()
    return int(width) if width.isascii() and width.isdigit() else 0


def _absolute_link(base: str, link: str | None) -> str | None:
    """feedparser resolves against xml:base and Content-Location; finish what it left relative.

    Only http(s) links are kept: anything else (javascript:, data:, mailto:) is never a link we
    want to send to a chat.
    """
    if not link:
        return None
    link = link.strip()
    if link.startswith(("https://", "http://")):
        return link
    absolute = urljoin(base, link)
    return absolute if absolute.startswith(("https://", "http://")) else None


def _plain_text(detail: Mapping[str, Any] | None) -> str:
    """A title as plain text: feedparser keeps markup and entities when it decided it was HTML."""
    if not detail:
        return ""
    value: str = detail.get("value") or ""
    if detail.get("type") in _HTML_TYPES:
        value = html.unescape(_TAG.sub("", value))
    return " ".join(value.split())


def _html_value(detail: Mapping[str, Any] | None) -> str:
    """HTML from a text construct; feedparser does not sanitise or escape text/plain values
    (docs/html-sanitization.rst: "perform HTML escaping before rendering")."""
    if not detail:
        return ""
    value: str = detail.get("value") or ""
    if detail.get("type") in _HTML_TYPES:
        return value
    return html.escape(value, quote=False)


def _content_html(contents: Iterable[Mapping[str, Any]] | None) -> str:
    """The first HTML body of the entry (content:encoded, atom:content); plain text escaped."""
    plain: Mapping[str, Any] | None = None
    for content in contents or ():
        if content.get("type") in _HTML_TYPES:
            return str(content.get("value") or "")
        if plain is None:
            plain = content
    return _html_value(plain)


def _categories(tags: Iterable[Mapping[str, Any]] | None) -> tuple[str, ...]:
    terms: dict[str, None] = {}  # a dict keeps first-seen order while deduplicating
    for tag in tags or ():
        term = (tag.get("term") or "").strip()
        if term:
            terms[term] = None
    return tuple(terms)


def _utc(parsed: time.struct_time | None) -> datetime | None:
    """feedparser's *_parsed values are UTC struct_times; placeholders become None."""
    if parsed is None or not _MIN_YEAR <= parsed.tm_year <= _MAX_YEAR:
        return None
    try:
        # tm_sec may be 60 or 61 (leap seconds), which datetime refuses.
        return datetime(*parsed[:5], min(parsed.tm_sec, 59), tzinfo=UTC)
    except (ValueError, OverflowError):
        return None


def _ttl_seconds(feed: Mapping[str, Any]) -> int | None:
    """RSS 2.0 <ttl> (minutes to cache), else the syndication module's period / frequency."""
    seconds = _ttl_from_rss(feed.get("ttl")) or _ttl_from_sy(
        feed.get("sy_updateperiod"), feed.get("sy_updatefrequency")
    )
    if seconds is None or not _MIN_TTL_SECONDS <= seconds <= _MAX_TTL_SECONDS:
        return None
    return seconds


def _ttl_from_rss(ttl: str | None) -> int | None:
    try:
        minutes = int(str(ttl).strip()) if ttl is not None else 0
    except ValueError:
        return None
    return minutes * 60 if minutes > 0 else None


def _ttl_from_sy(period: str | None, frequency: str | None) -> int | None:
    """sy:updatePeriod (default daily) / sy:updateFrequency (default 1): "daily" + 2 = every 12 h
    (RSS 1.0 syndication module). Absent both, there is no hint."""
    if period is None and frequency is None:
        return None
    period_seconds = _SY_PERIOD_SECONDS.get((period or "daily").strip().lower())
    try:
        times = int(str(frequency).strip()) if frequency is not None else 1
    except ValueError:
        return None
    if period_seconds is None or times <= 0:
        return None
    return period_seconds // times


def _describe(exc: object) -> str:
    """A short, single-line reason from an exception (bozo or crash)."""
    if exc is None:
        return "unknown error"
    text = " ".join(str(exc).split())
    name = type(exc).__name__
    reason = f"{name}: {text}" if text else name
    return reason if len(reason) <= _MAX_WARNING_CHARS else reason[: _MAX_WARNING_CHARS - 1] + "…"
