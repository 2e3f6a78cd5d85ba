"""Telegram HTML for alerts, digests and headline lists, in the chat's language and time zone.

Every string that came from a feed goes through html.escape: Telegram rejects a whole message
over one stray "<" (https://core.telegram.org/bots/api#html-style), and a headline must never
be able to add markup of its own. Our own words are English msgids marked with `_()` and are
escaped too after translation: a catalogue holds text, not markup.

A digest is one message in as many parts as Telegram's length limit needs. Parts are cut between
items, so each is valid HTML on its own, and the cut depends only on the digest and the locale
(no clock): the sender can resend from part N after a restart and get the same part N.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from news.locale import ENGLISH, Locale
from news.records import (
    Announcement,
    Article,
    DigestItem,
    DigestMessage,
    DigestReason,
    Layout,
    SavedArticle,
    Source,
)
from news.text import normalise_space, shorten
from news.topics import hashtag

# sendMessage takes 1-4096 characters after entity parsing; counting UTF-16 units is the safe
# bound because emoji count twice there (https://core.telegram.org/bots/api#sendmessage).
MAX_MESSAGE_UNITS = 4096
# Telegram ignores entities past the hundredth: a digest part keeps its own markup under that.
MAX_ENTITIES = 100
HEADLINE_LIMIT = 300
ALERT_POINTS = 4
ALSO_NAMED = 5  # other outlets an alert names before "and N more"
DIGEST_POINTS = 3
DIGEST_FULL_ITEMS = 10  # a digest's first articles with their key points; the rest one line
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
# Room kept in every digest part for its "(2/3)" mark: "🌙 (123456/123456)\n\n" and then some.
_PART_MARK_UNITS = 24
# How a digest item that alone would pass the limit is made smaller, step by step: fewer key
# points first, then every feed string shorter. The last step always fits.
_TRIMS = (
    (DIGEST_POINTS, HEADLINE_LIMIT),
    (2, HEADLINE_LIMIT),
    (1, HEADLINE_LIMIT),
    (0, HEADLINE_LIMIT),
    (0, 120),
    (0, 40),
)


def escape(text: str) -> str:
    return html.escape(text, quote=True)


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_units(message_html: str) -> int:
    """UTF-16 length of what Telegram shows for our own HTML (tags dropped, entities decoded)."""
    return utf16_units(html.unescape(_strip_tags(message_html)))


def when(moment: datetime) -> str:
    """A date people read at a glance: "24 Jun 2024, 10:15 UTC" (admins and the CLI)."""
    return ENGLISH.date(moment)


def link(url: str | None, text: str) -> str:
    """An <a> for http(s) URLs only; any other scheme (javascript:, data:) stays plain text."""
    if linkable(url):
        return f'<a href="{escape(url or "")}">{escape(text)}</a>'
    return escape(text)


@dataclass(frozen=True, slots=True)
class _Markup:
    """Telegram HTML, or the same words as plain text for a message Telegram refused to parse:
    one layout, written once, in both."""

    html: bool

    def text(self, raw: str) -> str:
        return escape(raw) if self.html else raw

    def say(self, template: str, **values: str) -> str:
        """A translated template with values already in this markup."""
        return self.text(template).format(**values)

    def bold(self, inner: str) -> str:
        return f"<b>{inner}</b>" if self.html and inner else inner

    def italic(self, inner: str) -> str:
        return f"<i>{inner}</i>" if self.html and inner else inner

    def link(self, url: str | None, text: str) -> str:
        if self.html:
            return link(url, text)
        return f"{text} {url}" if linkable(url) else text

    def units(self, message: str) -> int:
        return visible_units(message) if self.html else utf16_units(message)

    def entities(self, message: str) -> int:
        """At most the entities Telegram makes of our own tags (empty ones it drops)."""
        return message.count("<") - message.count("</") if self.html else 0


HTML, PLAIN = _Markup(html=True), _Markup(html=False)


# ------------------------------------------------------------------ one article
def alert(
    article: Article,
    locale: Locale = ENGLISH,
    *,
    matched: str | None = None,
    layout: Layout = Layout.FULL,
) -> str:
    """One article as a push alert. In full: the keyword alert that matched it (if one did),
    hashtags, bold headline, date in the chat's zone, up to four key points, source link.
    Compact: the linked headline, its outlet and the keyword on one line."""
    return _alert(article, locale, matched, layout, HTML)


def plain(
    article: Article,
    locale: Locale = ENGLISH,
    *,
    matched: str | None = None,
    layout: Layout = Layout.FULL,
) -> str:
    """The alert without markup, for the rare message Telegram refuses to parse."""
    return _alert(article, locale, matched, layout, PLAIN)


def _alert(
    article: Article, locale: Locale, matched: str | None, layout: Layout, markup: _Markup
) -> str:
    if layout is Layout.COMPACT:
        more = more_outlets(article, locale) if article.also else ""
        return _headline_line(article, matched, markup, HEADLINE_LIMIT, more)
    _ = locale.gettext
    head = [
        _matched_line(matched, locale, markup, HEADLINE_LIMIT) if matched else "",
        markup.text(_hashtags(article.topics)),
        markup.bold(markup.text(_clip(article.title, HEADLINE_LIMIT))),
        markup.italic(markup.text(locale.date(_moment(article)))),
    ]
    if article.updated_at is not None:
        head[2] += " " + markup.italic(markup.text(_("(updated)")))
    points = [f"• {markup.text(point)}" for point in _points(article)[:ALERT_POINTS]]
    source = markup.link(article.link, _clip(article.outlet, HEADLINE_LIMIT))
    footer = markup.say(_("Source: {source}"), source=source)
    if article.also:
        footer += "\n" + _also(article.also, locale, markup)
    while True:
        parts = ["\n".join(line for line in head if line)]
        if points:
            parts.append("\n".join(points))
        parts.append(footer)
        message = "\n\n".join(parts)
        # Points are at most ~250 characters each, so this only trims in pathological cases.
        if markup.units(message) <= MAX_MESSAGE_UNITS or not points:
            return message
        points.pop()


def _also(others: Sequence[Source], locale: Locale, markup: _Markup) -> str:
    """The story's other outlets, each linked to its own telling: at most ALSO_NAMED of them,
    then how many more."""
    named = ", ".join(
        markup.link(other.link, _clip(other.outlet, HEADLINE_LIMIT))
        for other in others[:ALSO_NAMED]
    )
    rest = len(others) - ALSO_NAMED
    if rest <= 0:
        return markup.say(locale.gettext("Also: {outlets}"), outlets=named)
    more = locale.ngettext(
        "Also: {outlets} and {count} more", "Also: {outlets} and {count} more", rest
    )
    return markup.say(more, outlets=named, count=str(rest))


def headline_list(
    heading: str,
    items: Sequence[Article | SavedArticle],
    locale: Locale = ENGLISH,
    *,
    first: int = 1,
    limit: int = HEADLINE_LIMIT,
) -> str:
    """/latest and /saved: a numbered list (from `first`: numbers go on across pages) under a
    bold heading of our own HTML, each headline linked, with its date and source, and how many
    other outlets told its story ("+2 outlets")."""
    lines = [f"<b>{heading}</b>"]
    for number, item in enumerate(items, start=first):
        headline = shorten(normalise_space(item.title), limit) or "…"
        byline = [locale.date(_listed_at(item)), item.outlet]
        if isinstance(item, Article) and item.also:
            byline.append(more_outlets(item, locale))
        lines.append(
            f"\n{number}. {link(item.link, headline)}\n<i>{escape(' · '.join(byline))}</i>"
        )
    return "\n".join(lines)


def announcement(item: Announcement) -> str:
    """An admin's /broadcast as sent to every chat: their text, shown exactly as typed."""
    return f"📢 {escape(item.text)}"


# ------------------------------------------------------------------ whatever the outbox holds
def messages(
    item: Article | Announcement | DigestMessage,
    locale: Locale = ENGLISH,
    *,
    matched: str | None = None,
    layout: Layout = Layout.FULL,
) -> list[str]:
    """The Telegram HTML messages to send for one outbox row, in order (one, but for a digest
    that needs parts). `matched` is the keyword alert that brought an article; a compact
    layout makes an alert one line, and every item of a digest one line too."""
    if isinstance(item, DigestMessage):
        return digest(item, locale, full_items=_full_items(layout))
    if isinstance(item, Article):
        return [alert(item, locale, matched=matched, layout=layout)]
    return [announcement(item)]


def plain_messages(
    item: Article | Announcement | DigestMessage,
    locale: Locale = ENGLISH,
    *,
    matched: str | None = None,
    layout: Layout = Layout.FULL,
) -> list[str]:
    """The same without markup, for a message Telegram refused to parse."""
    if isinstance(item, DigestMessage):
        return _digest(item, locale, _full_items(layout), PLAIN)
    if isinstance(item, Article):
        return [plain(item, locale, matched=matched, layout=layout)]
    return [f"📢 {item.text}"]


def _full_items(layout: Layout) -> int:
    """How many of a digest's articles show their key points: none in a compact digest."""
    return 0 if layout is Layout.COMPACT else DIGEST_FULL_ITEMS


# ------------------------------------------------------------------ digests
@dataclass(frozen=True, slots=True)
class _Block:
    """One article of a digest as a part may start with it: its text and the headings over it
    (the topic, and "More on ..." for the short list), repeated when a part starts there."""

    path: tuple[str, ...]
    text: str
    compact: bool  # a line of the short list: a line break before it, not a blank line


def digest(
    d: DigestMessage, locale: Locale = ENGLISH, *, full_items: int = DIGEST_FULL_ITEMS
) -> list[str]:
    """A digest as Telegram HTML parts, each within 4096 visible UTF-16 units and 100 entities:
    a header, then the articles under their first topic (topics in order of first appearance).
    The first `full_items` articles show their date, source, key points and the keyword alert
    that brought them; the rest are a short list of linked headlines under their topic. Each
    story is one item, with how many other outlets told it ("+2 outlets"); the stories told by
    the most outlets come first (else in the order they were found)."""
    return _digest(d, locale, full_items, HTML)


def _digest(d: DigestMessage, locale: Locale, full_items: int, markup: _Markup) -> list[str]:
    emoji, title = _digest_title(d, locale, markup)
    header = f"{title}\n{markup.italic(markup.text(locale.date(d.created_at)))}"
    room = MAX_MESSAGE_UNITS - _PART_MARK_UNITS - markup.units(header)
    blocks = _digest_blocks(d, locale, full_items, markup, room)
    parts = _pack(header, blocks, markup)
    if len(parts) == 1:
        return parts
    count = len(parts)
    first = title + f" (1/{count})" + parts[0][len(title) :]
    rest = [f"{emoji} ({number}/{count})\n\n{part}" for number, part in enumerate(parts, 1)]
    return [first, *rest[1:]]


def _digest_title(d: DigestMessage, locale: Locale, markup: _Markup) -> tuple[str, str]:
    ngettext, count = locale.ngettext, len(d.items)
    if d.reason is DigestReason.QUIET:
        emoji = "🌙"
        words = ngettext(
            "While you were in quiet hours: {count} new article",
            "While you were in quiet hours: {count} new articles",
            count,
        )
    else:
        emoji = "🗞"
        words = ngettext(
            "Your digest: {count} new article", "Your digest: {count} new articles", count
        )
    return emoji, f"{emoji} {markup.bold(markup.say(words, count=str(count)))}"


def _digest_blocks(
    d: DigestMessage, locale: Locale, full_items: int, markup: _Markup, room: int
) -> Iterator[_Block]:
    _ = locale.gettext
    items = sorted(d.items, key=lambda item: -len(item.article.also))  # stable: found order
    groups: dict[str | None, list[int]] = {}  # insertion order: topics as they first appear
    for index, item in enumerate(items):
        topics = item.article.topics
        groups.setdefault(topics[0] if topics else None, []).append(index)
    for topic, indices in groups.items():
        name = hashtag(topic) if topic else _("Other")
        heading = markup.bold(markup.text(name))
        full = [index for index in indices if index < full_items]
        short = [index for index in indices if index >= full_items]
        for index in full:
            yield _fitted(items[index], (heading,), False, locale, markup, room)
        if short:
            more = markup.italic(markup.say(_("More on {topic}:"), topic=markup.text(name)))
            path = (heading, more) if full else (heading,)
            for index in short:
                yield _fitted(items[index], path, True, locale, markup, room)


def _fitted(
    item: DigestItem,
    path: tuple[str, ...],
    compact: bool,
    locale: Locale,
    markup: _Markup,
    room: int,
) -> _Block:
    """The item as it fits in a part of its own: trimmed (fewer points, shorter strings) when
    it alone is too long, never left out."""
    render: Callable[[DigestItem, Locale, _Markup, int, int], str] = (
        _short_item if compact else _full_item
    )
    room -= sum(markup.units(heading) + 2 for heading in path)
    for points, limit in _TRIMS:
        text = render(item, locale, markup, points, limit)
        if markup.units(text) <= room:
            break
    return _Block(path, text, compact)


def _full_item(item: DigestItem, locale: Locale, markup: _Markup, points: int, limit: int) -> str:
    article = item.article
    dated = f"{locale.date(_moment(article))} · {_clip(article.outlet, limit)}"
    if article.also:
        dated += f" · {more_outlets(article, locale)}"
    lines = [
        markup.bold(markup.link(article.link, _clip(article.title, limit))),
        markup.italic(markup.text(dated)),
        *(f"• {markup.text(_clip(point, limit))}" for point in _points(article)[:points]),
    ]
    if item.matched:
        lines.append(_matched_line(item.matched, locale, markup, limit))
    return "\n".join(lines)


def _short_item(item: DigestItem, locale: Locale, markup: _Markup, _count: int, limit: int) -> str:
    more = more_outlets(item.article, locale) if item.article.also else ""
    return "• " + _headline_line(item.article, item.matched, markup, limit, more)


def _headline_line(
    article: Article, matched: str | None, markup: _Markup, limit: int, more: str = ""
) -> str:
    """The linked headline · outlet · +2 outlets · 🔔 keyword: a compact alert, a digest's short
    item (`more`: how many other outlets told the story, when it is to be said)."""
    line = markup.link(article.link, _clip(article.title, limit))
    line += markup.text(f" · {_clip(article.outlet, limit)}")
    if more:
        line += markup.text(f" · {more}")
    if matched:
        line += markup.text(f" · 🔔 {_clip(matched, limit)}")
    return line


def _pack(header: str, blocks: Iterator[_Block], markup: _Markup) -> list[str]:
    """Blocks into parts, each within the limits less room for its "(2/3)" mark."""
    limit = MAX_MESSAGE_UNITS - _PART_MARK_UNITS
    parts: list[str] = []
    current = header
    path: tuple[str, ...] = ()
    for block in blocks:
        grown = current + _joined(path, block)
        if markup.units(grown) > limit or markup.entities(grown) > MAX_ENTITIES:
            parts.append(current)
            grown = _joined((), block).removeprefix("\n").removeprefix("\n")
        current, path = grown, block.path
    parts.append(current)
    return parts


def _joined(path: tuple[str, ...], block: _Block) -> str:
    """The block as it follows a block under `path`: with the headings that differ."""
    same = 0
    while same < min(len(path), len(block.path)) and path[same] == block.path[same]:
        same += 1
    headings = "".join(f"\n\n{heading}" for heading in block.path[same:])
    return headings + ("\n" if block.compact else "\n\n") + block.text


# ------------------------------------------------------------------ pieces
def more_outlets(article: Article, locale: Locale) -> str:
    """ "+2 outlets": how many other outlets told the article's story (plain text)."""
    count = len(article.also)
    words = locale.ngettext("+{count} outlet", "+{count} outlets", count)
    return words.format(count=count)


def _matched_line(keyword: str, locale: Locale, markup: _Markup, limit: int) -> str:
    _ = locale.gettext
    shown = markup.text(_clip(keyword, limit))
    return "🔔 " + markup.say(_("Your alert: “{keyword}”"), keyword=shown)


def _hashtags(topics: Sequence[str]) -> str:
    return " ".join(hashtag(topic) for topic in topics)


def _points(article: Article) -> list[str]:
    """Key points worth a line: a blank one (a publisher's empty <li>) is none."""
    return [clipped for point in article.key_points if (clipped := _feed_text(point))]


def _moment(article: Article) -> datetime:
    return article.published_at or article.discovered_at


def _listed_at(item: Article | SavedArticle) -> datetime:
    if isinstance(item, SavedArticle):
        return item.published_at or item.saved_at
    return _moment(item)


def linkable(url: str | None) -> bool:
    """An http(s) URL: the only kind a message links to or previews."""
    return bool(url) and (url or "").lower().startswith(("http://", "https://"))


def _clip(text: str, limit: int) -> str:
    return shorten(_feed_text(text), limit)


def _feed_text(text: str) -> str:
    """One line of feed text. Bidi embeddings, overrides and isolates go: an unclosed U+202E in
    a headline would show the rest of our line (source, date, keyword) reversed. Arabic and
    Hebrew need none of them to read right."""
    return normalise_space(text.translate(_BIDI_CONTROLS))


def _strip_tags(message_html: str) -> str:
    out: list[str] = []
    inside = False
    for char in message_html:
        if char == "<":
            inside = True
        elif char == ">" and inside:
            inside = False
        elif not inside:
            out.append(char)
    return "".join(out)


# ------------------------------------------------------------------ for the admins
def _feed_name(title: str | None, url: str) -> str:
    return f"{link(url, title or url)}"


def feed_disabled(title: str | None, url: str, reason: str) -> str:
    """For the admins: a feed newsbot stopped polling, and why."""
    return (
        f"⚠️ Feed disabled: {_feed_name(title, url)}\nReason: {escape(reason)}\n"
        "It stays in the database; fix or replace it, then add it again."
    )


def feed_failing(title: str | None, url: str, since: datetime, reason: str) -> str:
    """For the admins, once per outage: a feed that has been failing for a long time."""
    return (
        f"⚠️ Feed failing since {when(since)}: {_feed_name(title, url)}\n"
        f"Last error: {escape(reason)}\nnewsbot keeps retrying with a growing delay."
    )


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[int]) -> str:
    """A one-line chart: "▁▃█▅" (a zero stays the lowest bar, the largest value the highest)."""
    top = max(values, default=0)
    if top <= 0:
        return SPARKS[0] * len(values)
    return "".join(SPARKS[round(v / top * (len(SPARKS) - 1))] for v in values)
