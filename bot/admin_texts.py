"""What the bot says to admins, as Telegram HTML. Every feed string is escaped."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from news.preview import newest
from news.records import FeedHealth
from news.render import MAX_MESSAGE_UNITS, escape, sparkline, visible_units, when
from news.store import Snapshot
from news.store.feeds import Added
from news.text import shorten
from web.probe import Probed, Problem, Refused

_TITLE_CHARS = 150
_ERROR_CHARS = 300


def feed_list(feeds: Sequence[FeedHealth], now: datetime) -> list[str]:
    """Every feed with its health, as messages that each fit Telegram's limit."""
    if not feeds:
        return ["No feeds yet. Add one with /addfeed URL [topics]."]
    polled = sum(feed.enabled for feed in feeds)
    header = f"<b>Feeds</b>: {polled} polled, {len(feeds) - polled} off"
    return pages(header, [_health(feed, now) for feed in feeds])


def pages(header: str, items: Sequence[str], limit: int = MAX_MESSAGE_UNITS) -> list[str]:
    """Join items under a header into as few messages as fit `limit`, breaking between items."""
    done: list[str] = []
    current, units = header, visible_units(header)
    for item in items:
        size = visible_units(item)
        if units + 2 + size <= limit:  # 2: the blank line between items
            current, units = f"{current}\n\n{item}", units + 2 + size
        else:
            done.append(current)
            current, units = item, size
    done.append(current)
    return done


def _health(feed: FeedHealth, now: datetime) -> str:
    state = "✅ polled" if feed.enabled else f"⛔ off: {_reason(feed)}"
    lines = [
        f"<b>#{feed.id}</b> {_name(feed.title)} · {state}",
        f"<code>{escape(feed.url)}</code>",
        f"Topics: {_topics(feed.topics)}",
        f"Last success: {when(feed.last_success_at) if feed.last_success_at else 'never'}",
    ]
    if feed.last_error:
        error = escape(shorten(feed.last_error, _ERROR_CHARS))
        lines.append(f"Last error: {error} ({_times(feed.error_count)} in a row)")
    if feed.enabled:
        due = feed.next_check_at
        lines.append(f"Next check: {when(due) if due and due > now else 'due now'}")
    return "\n".join(lines)


def _name(title: str | None) -> str:
    return escape(shorten(title, _TITLE_CHARS)) if title else "(no title yet)"


def _reason(feed: FeedHealth) -> str:
    return escape(shorten(feed.disabled_reason or "disabled", _ERROR_CHARS))


def _topics(topics: Sequence[str]) -> str:
    return ", ".join(escape(topic) for topic in topics) if topics else "none"


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def addfeed_usage(topic_names: Sequence[str]) -> str:
    example = escape(topic_names[0]) if topic_names else "Politics"
    return (
        "Send the feed's address after the command, then any topics:\n"
        f"/addfeed https://example.com/feed.xml {example}\n\n"
        "A web page works too when it links to its feed. "
        f"Topics: {_topics(topic_names)} (commas separate names with spaces)."
    )


def refused(refusal: Refused) -> str:
    url, detail = f"<code>{escape(refusal.url)}</code>", escape(refusal.detail)
    match refusal.problem:
        case Problem.NOT_A_URL:
            return f"That is no feed address: {detail}. Example: /addfeed https://example.com/rss"
        case Problem.PRIVATE:
            return (
                f"I won't fetch {url}: {detail}. Feeds on private networks are allowed only when "
                "the operator sets ALLOW_PRIVATE_FEEDS=true."
            )
        case Problem.UNREACHABLE:
            return f"I could not fetch {url}: {detail}. Check the address or try again later."
        case Problem.HTTP_ERROR:
            return f"{url} answered {detail}, so I did not add it."
        case Problem.NOT_A_FEED:
            return (
                f"{url} is not an RSS or Atom feed ({detail}), and it links to none "
                'with &lt;link rel="alternate"&gt;.'
            )


def added(feed: FeedHealth, probed: Probed, change: Added) -> str:
    name = _name(feed.title or probed.feed.title)
    head = {
        "added": f"✅ Added feed <b>#{feed.id}</b>: {name}",
        "enabled": f"✅ Feed <b>#{feed.id}</b> is polled again: {name}",
        "present": f"Feed <b>#{feed.id}</b> is already polled: {name}",
    }[change]
    lines = [head, f"<code>{escape(feed.url)}</code>"]
    if probed.found_via:
        lines.append(f"Found through the feed link on <code>{escape(probed.found_via)}</code>")
    lines.append(f"Topics: {_topics(feed.topics)}")
    if change == "present":
        lines.append(f"/removefeed {feed.id} stops it.")
        return "\n".join(lines)
    lines.append(_contents(probed))
    if change == "added":
        lines.append("Its first poll records what is there; its later entries will alert.")
    return "\n".join(lines)


def _contents(probed: Probed) -> str:
    count = len(probed.feed.entries)
    entry = newest(probed.feed)
    if entry is None:
        return "It has no entries yet."
    dated = f" ({when(entry.published)})" if entry.published else ""
    title = escape(shorten(entry.title or "untitled", _TITLE_CHARS))
    entries = "1 entry" if count == 1 else f"{count} entries"
    return f"{entries} now; newest: “{title}”{dated}."


def removefeed_usage() -> str:
    return "Which feed? /removefeed URL, or its number from /feeds: /removefeed 3"


def no_such_feed(key: str) -> str:
    return f"There is no feed “{escape(shorten(key, 300))}”. /feeds lists them with their numbers."


def removed(feed: FeedHealth, *, was_enabled: bool) -> str:
    name = f"<b>#{feed.id}</b> {_name(feed.title)}"
    if not was_enabled:
        return f"Feed {name} is already off ({_reason(feed)})."
    return (
        f"Feed {name} is no longer polled, also after a restart; its articles stay. "
        f"/addfeed {escape(feed.url)} turns it back on."
    )


def status(snapshot: Snapshot, now: datetime) -> str:
    """/status: is everything working, at a glance."""
    last_poll = when(snapshot.last_poll_at) if snapshot.last_poll_at else "never"
    failing = snapshot.feeds_failing
    return "\n".join(
        [
            "<b>Status</b>" + (" ⚠️" if failing else " ✅"),
            f"Feeds: {snapshot.feeds_ok} ok, {failing} failing, {snapshot.feeds_disabled} off",
            f"Last poll: {last_poll}",
            f"Outbox: {snapshot.outbox_depth} waiting",
            f"Chats receiving alerts: {snapshot.chats_active}",
            f"Alerts sent today (UTC): {snapshot.sent_since}",
            f"As of {when(now)}. /feeds shows each feed.",
        ]
    )


def stats(subscriptions: Mapping[str, int], days: Sequence[date], sent: Sequence[int]) -> str:
    """/stats: subscribers per topic and alerts per day for the last week."""
    lines = ["<b>Subscribers per topic</b>"]
    ranked = sorted(subscriptions.items(), key=lambda item: (-item[1], item[0]))
    lines += [f"{escape(topic)}: {count}" for topic, count in ranked] or ["none yet"]
    lines += ["", "<b>Alerts sent per day</b> (UTC, last 7 days)", sparkline(sent)]
    lines += [f"{day:%a %d %b}: {count}" for day, count in zip(days, sent, strict=True)]
    return "\n".join(lines)


BROADCAST_LIMIT = 3500  # characters: the 📢 and Telegram's 4096 leave room to spare


def broadcast_usage() -> str:
    return (
        "Send the announcement after the command, for example:\n"
        "/broadcast The bot will be down for maintenance at 22:00 UTC.\n\n"
        "You will see it and confirm it before it goes to every chat."
    )


def broadcast_too_long(length: int) -> str:
    return f"That is {length} characters; an announcement can have {BROADCAST_LIMIT} at most."


def broadcast_preview(text: str, audience: int) -> str:
    return (
        f"<b>Announcement to {audience} chats</b>, as they will see it:\n\n"
        f"📢 {escape(text)}\n\nSend it?"
    )


def broadcast_queued(queued: int) -> str:
    return f"📢 Announcement queued for {queued} chats; it goes out at Telegram's speed limits."


def broadcast_cancelled() -> str:
    return "Announcement cancelled; nobody got it."
