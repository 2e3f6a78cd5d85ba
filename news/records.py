"""Frozen records that cross module boundaries.

Library objects (feedparser dicts, SQLAlchemy rows, telegram.Update) stop at the module that owns
them; everything else passes these values around.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


# The enums' values are what the database stores: renaming a member is free, changing a value
# is a data migration.
class ChatMode(StrEnum):
    """How a chat takes its news: each alert at once, or held for its digest times."""

    INSTANT = "instant"
    DIGEST = "digest"


class QuietMode(StrEnum):
    """What quiet hours do to an instant chat's alerts: hold them for a digest when the hours
    end, or send them without a sound."""

    HOLD = "hold"
    SILENT = "silent"


class Layout(StrEnum):
    """How an alert reads: in full (topics, headline, date, key points, source), or compact
    (the linked headline and its outlet on one line, for busy channels)."""

    FULL = "full"
    COMPACT = "compact"


class UpdateMode(StrEnum):
    """How the bot receives Telegram's updates: it long-polls getUpdates, or Telegram posts
    them to its webhook. The two exclude each other on Telegram's side."""

    POLLING = "polling"
    WEBHOOK = "webhook"


class Picture(StrEnum):
    """The picture over an alert, through Telegram's link preview: none, small beside the
    text, or large above it."""

    OFF = "off"
    SMALL = "small"
    LARGE = "large"


class DigestReason(StrEnum):
    """Why a digest went out: a digest time came, quiet hours ended, or the chat asked."""

    SCHEDULED = "scheduled"
    QUIET = "quiet"
    ASKED = "asked"


class DeliveryState(StrEnum):
    """Where a delivery row stands. Each row moves forward only:

    pending -> sending -> sent | failed | skipped (the chat paused) | held (quiet hours)
    held (for a digest) -> bundled (into one) -> sent with the digest
    held -> skipped (the chat muted the article before its digest was made)
    """

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    HELD = "held"
    BUNDLED = "bundled"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Entry:
    """One feed entry as the publisher sent it, before we decide anything about it."""

    guid: str | None
    link: str | None
    title: str
    # HTML as feedparser left it (already sanitised for browsers, NOT safe for Telegram).
    summary_html: str = ""
    content_html: str = ""
    categories: tuple[str, ...] = ()
    published: datetime | None = None  # timezone-aware UTC when the feed gave a parseable date
    image: str | None = None  # the entry's own picture (media:content, thumbnail, enclosure)


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed document after parsing: its own title and link, and its entries in feed order."""

    title: str
    link: str | None
    entries: tuple[Entry, ...]
    # Publisher's polling hints, if any (RSS <ttl> minutes, sy:updatePeriod x frequency).
    ttl_seconds: int | None = None
    # feedparser's "bozo" reason when the document was ill-formed but still gave entries.
    warning: str | None = None


@dataclass(frozen=True, slots=True)
class FeedConfig:
    """One [[feeds]] table of the feeds file."""

    url: str
    topics: tuple[str, ...] = ()
    title: str | None = None
    # Who publishes it, as mutes and alerts name it; None: the title, else the feed's own title.
    outlet: str | None = None
    labels: tuple[str, ...] = ()  # key-point labels this publisher uses, beyond DEFAULT_LABELS
    fetch_article: bool = False  # read the article page when an entry is only a teaser


@dataclass(frozen=True, slots=True)
class FeedState:
    """A feed as the poller sees it: where it is and what the last poll left behind."""

    id: int
    url: str
    title: str | None
    topics: tuple[str, ...]
    etag: str | None
    last_modified: str | None
    last_success_at: datetime | None
    error_count: int
    failing_since: datetime | None = None
    admins_told_at: datetime | None = None
    min_interval_seconds: int | None = None  # the publisher's last polling hint
    key_point_labels: tuple[str, ...] = ()  # the feed's own labels, beyond DEFAULT_LABELS
    fetch_article: bool = False


@dataclass(frozen=True, slots=True)
class NewArticle:
    """An entry turned into what we store and alert on."""

    identity: str  # stable per feed: guid, else normalised link, else a full-length hash
    link: str | None
    title: str
    summary: str  # plain text
    published_at: datetime | None
    topics: frozenset[str]
    key_points: tuple[str, ...]
    link_key: str | None = None  # the normalised link: one story in two feeds alerts once
    content_hash: str | None = None  # title + summary: tells an edit from an unchanged entry
    image: str | None = None  # the entry's own picture, an http(s) URL


@dataclass(frozen=True, slots=True)
class Article:
    """A stored article, ready to render."""

    id: int
    outlet: str  # who publishes the feed (news.store.articles.outlet_name)
    title: str
    link: str | None
    published_at: datetime | None
    discovered_at: datetime
    topics: tuple[str, ...]
    key_points: tuple[str, ...] = field(default=())
    image: str | None = None  # the entry's own picture, for the link preview
    story_id: int | None = None  # the story it tells (news.stories)
    # The other outlets that told its story so far, first first (news.store.stories).
    also: tuple[Source, ...] = ()
    updated_at: datetime | None = None  # the publisher changed its headline or key points


@dataclass(frozen=True, slots=True)
class Source:
    """Another outlet's telling of an article's story: its name, and where to read it."""

    outlet: str
    link: str | None


@dataclass(frozen=True, slots=True)
class Announcement:
    """An admin's /broadcast: plain text to every active chat, through the same outbox."""

    id: int
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One article in a digest, and the keyword alert that brought it, if one did."""

    article: Article
    matched: str | None = None


@dataclass(frozen=True, slots=True)
class DigestMessage:
    """Articles held for a chat (digest mode, or quiet hours), sent together as one message
    (split between items when it would pass Telegram's length limit)."""

    id: int
    created_at: datetime
    reason: DigestReason
    items: tuple[DigestItem, ...]
    parts_sent: int = 0  # parts Telegram accepted: a restart goes on from the next one


@dataclass(frozen=True, slots=True)
class ChatPrefs:
    """A chat's own settings: how and when it wants its news, in which language and zone."""

    id: int
    kind: str = "private"  # private, group, supergroup, channel
    language: str | None = None  # an interface language code ("en", "uk"); None: not chosen
    zone: str = "UTC"  # a canonical name from news.zones
    mode: ChatMode = ChatMode.INSTANT
    digest_times: tuple[str, ...] = ("08:00", "19:00")  # "HH:MM" in the chat's zone
    quiet: str | None = None  # "HH:MM-HH:MM" in the chat's zone, None when off
    quiet_mode: QuietMode = QuietMode.HOLD
    layout: Layout = Layout.FULL
    picture: Picture = Picture.OFF
    paused_until: datetime | None = None
    thread_id: int | None = None  # the forum topic where the chat subscribed
    # Big stories only: alerts wait until this many outlets tell the story (None: off).
    min_outlets: int | None = None
    last_digest_at: datetime | None = None
    active: bool = True
    added_by: int | None = None  # the user who let the bot in (added it, unblocked it)
    inactive_reason: str | None = None  # why it went inactive; None while active


@dataclass(frozen=True, slots=True)
class ChatProfile:
    """A chat as an update shows it, recorded when it talks to us or lets us in."""

    id: int
    kind: str = "private"  # private, group, supergroup, channel
    title: str | None = None
    language: str | None = None  # the Telegram language of who wrote: a first guess


@dataclass(frozen=True, slots=True)
class ExpiringMessage:
    """A message the bot deletes once its time has come (a command in a channel, the answer)."""

    id: int
    chat_id: int
    message_id: int


@dataclass(frozen=True, slots=True)
class ForumThread:
    """Where in a forum supergroup a message was sent: a topic's thread id, or None for the
    General topic (which takes no message_thread_id when sending)."""

    id: int | None


@dataclass(frozen=True, slots=True)
class Prompt:
    """A question the bot asked with a ForceReply in `chat_id` (its message `message_id`): the
    answer goes to the menu named `menu`, acting on `target_id`."""

    chat_id: int
    message_id: int
    target_id: int
    menu: str


@dataclass(frozen=True, slots=True)
class SavedArticle:
    """An article a chat saved with the ⭐ button, as /saved lists it."""

    article_id: int
    title: str
    link: str | None
    outlet: str
    published_at: datetime | None
    saved_at: datetime


@dataclass(frozen=True, slots=True)
class Delivery:
    """One queued message for a chat (an article's alert, a digest or an announcement), and
    how often sending it was tried."""

    id: int
    chat_id: int
    article: Article | Announcement | DigestMessage
    attempts: int
    chat: ChatPrefs | None = None
    matched: str | None = None  # the keyword alert that matched this article, if one did
    message_id: int | None = None  # a sent alert's message, for an edit
    edits_tried: int = 0  # tries of the edit due, this one included


@dataclass(frozen=True, slots=True)
class FeedHealth:
    """A feed as an admin sees it: where it is, whether it is polled, and how polling goes."""

    id: int
    url: str
    title: str | None
    topics: tuple[str, ...]
    origin: str  # "file": follows the feeds file; "admin": added in chat, the CLI or OPML
    enabled: bool
    disabled_reason: str | None
    last_success_at: datetime | None
    last_error: str | None
    error_count: int  # consecutive failed polls
    next_check_at: datetime | None
