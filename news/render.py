"""Telegram HTML for alerts and headline lists.

Every string that came from a feed goes through html.escape: Telegram rejects a whole message
over one stray "<" (../shared/docs/keypoints-notes.md, "Telegram HTML"), and a headline must never
be able to add markup of its own.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, datetime

from news.records import Announcement, Article
from news.text import normalise_space, shorten
from news.topics import hashtag

# sendMessage takes 1-4096 characters after entity parsing; counting UTF-16 units is the safe
# bound because emoji count twice there (telegram-facts 1.2).
MAX_MESSAGE_UNITS = 4096
HEADLINE_LIMIT = 300


def escape(text: str) -> str:
    return html.escape(text, quote=True)


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_units(message_html: str) -> int:
    """UTF-16 length of what Telegram shows for our own HTML (tags dropped, entities decoded)."""
    return utf16_units(html.unescape(_strip_tags(message_html)))


def when(moment: datetime) -> str:
    """A date people read at a glance: "24 Jun 2024, 10:15 UTC"."""
    return moment.astimezone(UTC).strftime("%d %b %Y, %H:%M UTC")


def link(url: str | None, text: str) -> str:
    """An <a> for http(s) URLs only; any other scheme (javascript:, data:) stays plain text."""
    if url and url.lower().startswith(("http://", "https://")):
        return f'<a href="{escape(url)}">{escape(text)}</a>'
    return escape(text)


def alert(article: Article) -> str:
    """One article as a push alert: hashtags, bold headline, date, key points, source link."""
    head = [
        " ".join(hashtag(topic) for topic in article.topics),
        f"<b>{escape(_clip(article.title, HEADLINE_LIMIT))}</b>",
        f"<i>{when(article.published_at or article.discovered_at)}</i>",
    ]
    points = [f"• {escape(point)}" for point in article.key_points[:4]]
    source = f"Source: {link(article.link, article.source)}"
    while True:
        parts = ["\n".join(line for line in head if line)]
        if points:
            parts.append("\n".join(points))
        parts.append(source)
        message = "\n\n".join(parts)
        # Points are at most ~250 characters each, so this only trims in pathological cases.
        if visible_units(message) <= MAX_MESSAGE_UNITS or not points:
            return message
        points.pop()


def plain(article: Article) -> str:
    """The alert without markup, for the rare message Telegram refuses to parse."""
    lines = [
        " ".join(hashtag(topic) for topic in article.topics),
        _clip(article.title, HEADLINE_LIMIT),
    ]
    lines.append(when(article.published_at or article.discovered_at))
    lines.extend(f"• {point}" for point in article.key_points[:4])
    lines.append(f"Source: {article.source} {article.link or ''}".rstrip())
    return "\n".join(line for line in lines if line)


def headlines(title: str, articles: Sequence[Article]) -> str:
    """A numbered list of headlines, each with its date, source and link."""
    lines = [f"<b>{escape(title)}</b>"]
    for number, article in enumerate(articles, start=1):
        moment = when(article.published_at or article.discovered_at)
        lines.append(
            f"\n{number}. {link(article.link, _clip(article.title, HEADLINE_LIMIT))}\n"
            f"<i>{moment} · {escape(article.source)}</i>"
        )
    return "\n".join(lines)


def _clip(text: str, limit: int) -> str:
    return shorten(normalise_space(text), limit)


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


def announcement(item: Announcement) -> str:
    """An admin's /broadcast as sent to every chat: their text, shown exactly as typed."""
    return f"📢 {escape(item.text)}"


def message(item: Article | Announcement) -> str:
    """Whatever the outbox holds, as Telegram HTML."""
    return alert(item) if isinstance(item, Article) else announcement(item)


def plain_message(item: Article | Announcement) -> str:
    """The same without markup, for a message Telegram refused to parse."""
    return plain(item) if isinstance(item, Article) else f"📢 {item.text}"
