"""The database schema. Alembic migrations (news/store/migrations) are generated from it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out; SQLite would otherwise hand back naive ones."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; pass an aware UTC one")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class FeedRow(Base):
    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    # The address the feeds file (or an admin) gave, once a 301/308 moved `url` elsewhere:
    # the next start must recognise the file's old URL as this same feed.
    listed_url: Mapped[str | None] = mapped_column(String(2048), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    # Who publishes it (the feeds file's `outlet`, else its `title`); None: the title stands in.
    outlet: Mapped[str | None] = mapped_column(Text)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # "file" feeds follow the feeds file at each start; "admin" feeds were added in chat or CLI.
    origin: Mapped[str] = mapped_column(String(10), default="file", server_default="file")
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    admins_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The publisher's own polling hint (RSS <ttl>, sy:updatePeriod, Cache-Control max-age).
    min_interval_seconds: Mapped[int | None] = mapped_column(Integer)
    # Key-point labels this publisher uses beyond news.keypoints.DEFAULT_LABELS, and whether
    # a teaser entry's article page is read for its points (both from the feeds file).
    key_point_labels: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    fetch_article: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Until when a process polls it; no other process takes it before then (news.store.feeds).
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ArticleRow(Base):
    __tablename__ = "articles"
    __table_args__ = (UniqueConstraint("feed_id", "identity", name="uq_articles_feed_identity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"))
    identity: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(Text)
    # The normalised link, to recognise one story served by two feeds.
    link_key: Mapped[str | None] = mapped_column(Text, index=True)
    # sha256 of title + summary: an edited entry is updated in place, never alerted again.
    content_hash: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    key_points: Mapped[list[str]] = mapped_column(JSON, default=list)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The entry's own picture (an http(s) URL), shown through the link preview; never fetched.
    image: Mapped[str | None] = mapped_column(Text)
    discovered_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Identities are forgotten by time since last seen in the feed, never by a window of N.
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The story it tells (the id of the story's first article: news.stories); None for
    # articles stored before stories were kept.
    story_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # When the publisher last changed its headline or key points after it was stored.
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TellingRow(Base):
    """An article as news.stories.StoryIndex holds it: kept so a restart rebuilds the same
    index (StoryIndex.restore), deleted when the index forgets it (StoryIndex.prune). No
    foreign key: the index may keep a telling whose article its feed has dropped."""

    __tablename__ = "story_tellings"

    article_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    story_id: Mapped[int] = mapped_column(Integer, index=True)
    outlet: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    signature: Mapped[str] = mapped_column(Text)  # news.signature.Signature.encode()


class ArticleTopicRow(Base):
    __tablename__ = "article_topics"
    __table_args__ = (Index("ix_article_topics_topic_article", "topic", "article_id"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(100), primary_key=True)


class ChatRow(Base):
    __tablename__ = "chats"

    # Telegram chat ids need 52 bits (https://core.telegram.org/bots/api#chat): BIGINT everywhere.
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # How and when the chat wants its news (news.records.ChatPrefs holds the meaning).
    zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    mode: Mapped[str] = mapped_column(String(10), default="instant", server_default="instant")
    digest_times: Mapped[list[str]] = mapped_column(
        JSON, default=lambda: ["08:00", "19:00"], server_default='["08:00", "19:00"]'
    )
    quiet: Mapped[str | None] = mapped_column(String(11))  # "HH:MM-HH:MM"
    quiet_mode: Mapped[str] = mapped_column(String(10), default="hold", server_default="hold")
    layout: Mapped[str] = mapped_column(String(10), default="full", server_default="full")
    picture: Mapped[str] = mapped_column(String(10), default="off", server_default="off")
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    # Big stories only: an article's alert waits until this many outlets tell its story.
    min_outlets: Mapped[int | None] = mapped_column(Integer)
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who let the bot in (added it to the group or channel, or unblocked it), kept until the
    # next time it is let in; and why the chat went inactive, kept until it is back.
    added_by: Mapped[int | None] = mapped_column(BigInteger)
    inactive_reason: Mapped[str | None] = mapped_column(Text)


class SubscriptionRow(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (Index("ix_subscriptions_topic_chat", "topic", "chat_id"),)

    chat_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("chats.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(100), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DeliveryRow(Base):
    """The outbox: one row per (chat, article), written with the match, sent by one sender."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("chat_id", "article_id", name="uq_deliveries_chat_article"),
        UniqueConstraint("chat_id", "broadcast_id", name="uq_deliveries_chat_broadcast"),
        # One alert per story per chat, whichever outlet told it first (an index, not a
        # constraint: SQLite adds it without rebuilding the table).
        Index("uq_deliveries_chat_story", "chat_id", "story_id", unique=True),
        # Held articles wait for a chat's digest; found per chat when it is due.
        Index(
            "ix_deliveries_held_chat",
            "chat_id",
            sqlite_where=text("state = 'held'"),
            postgresql_where=text("state = 'held'"),
        ),
        Index("ix_deliveries_state_due", "state", "next_attempt_at"),
        # A chat's unfinished rows, for "is this row the head of its chat's queue?" at every
        # claim: only open rows are indexed, so a chat's long history of sent alerts costs
        # nothing there.
        Index(
            "ix_deliveries_open_chat",
            "chat_id",
            "id",
            sqlite_where=text("state IN ('pending', 'sending')"),
            postgresql_where=text("state IN ('pending', 'sending')"),
        ),
        # Sent alerts with an edit to make.
        Index(
            "ix_deliveries_edit_due",
            "edit_due_at",
            sqlite_where=text("edit_due_at IS NOT NULL"),
            postgresql_where=text("edit_due_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("chats.id", ondelete="CASCADE"))
    # Exactly one of these: an article's alert, an admin's announcement, or a digest.
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE")
    )
    # On a digest's own row: the digest it sends. On an article's row: the digest that took
    # it (state "bundled"), so the article is marked sent when the digest is.
    digest_id: Mapped[int | None] = mapped_column(
        ForeignKey("digests.id", ondelete="CASCADE"), index=True
    )
    matched: Mapped[str | None] = mapped_column(Text)  # the keyword alert that matched
    # The story of an article's alert (articles.story_id), so a chat gets each story once.
    story_id: Mapped[int | None] = mapped_column(Integer)
    # The message Telegram made of a sent alert, which later edits change in place; when the
    # next edit is due (another outlet told the story, or the publisher changed the article),
    # when the last one went, and the tries of the one due.
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    edit_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    edit_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # The sender that took it (state "sending"): its lock session (news.store.leadership).
    claimed_by: Mapped[int | None] = mapped_column(BigInteger)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class BroadcastRow(Base):
    """An admin's /broadcast. Stored before it is confirmed, so the confirmation button works
    after a restart; queued (one delivery per active chat) once confirmed."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set once, when confirmed or cancelled: a second press of either button changes nothing.
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    queued: Mapped[int | None] = mapped_column(Integer)  # deliveries queued; None if cancelled


class DigestRow(Base):
    """Held articles put together for one chat; its own delivery row sends it."""

    __tablename__ = "digests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("chats.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Parts Telegram accepted so far: after a crash the digest goes on from the next part.
    parts_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class AlertRow(Base):
    """A chat's keyword alert, stored in news.keywords' canonical form."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("chat_id", "query", name="uq_alerts_chat_query"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("chats.id", ondelete="CASCADE"), index=True
    )
    query: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MuteRow(Base):
    """A chat's mute (news.mutes): a keyword query in canonical form, or an outlet's name."""

    __tablename__ = "mutes"
    __table_args__ = (
        UniqueConstraint("chat_id", "kind", "value", name="uq_mutes_chat_kind_value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("chats.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))  # news.mutes.MuteKind
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SavedRow(Base):
    """An article a chat saved. A copy of what /saved shows, so it outlives the article row,
    which is forgotten once its feed stops listing it."""

    __tablename__ = "saved"

    chat_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("chats.id", ondelete="CASCADE"), primary_key=True
    )
    article_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class PromptRow(Base):
    """A ForceReply question the bot asked in a chat (`message_id` there), kept so the answer
    reaches `target_id` (a channel managed from the private chat, say) after a restart too."""

    __tablename__ = "prompts"

    chat_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("chats.id", ondelete="CASCADE"), primary_key=True
    )
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    target_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("chats.id", ondelete="CASCADE"), index=True
    )
    menu: Mapped[str] = mapped_column(String(16))  # the menu that asked, and takes the answer
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ExpiringRow(Base):
    """A message the bot deletes when its time comes: a command posted in a channel and the
    bot's answer to it. Kept here, not in memory, so a restart does not forget them; no
    foreign key, so /stop in a channel still has its own command and answer cleared away."""

    __tablename__ = "expiring_messages"
    __table_args__ = (
        UniqueConstraint("chat_id", "message_id", name="uq_expiring_messages_chat_message"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class HandledUpdateRow(Base):
    """A Telegram update some process took up, by Telegram's id: the same update posted twice
    (a webhook retry, a re-sent batch after a failover) is handled once. Kept a day: Telegram
    keeps an unconfirmed update at most 24 hours (https://core.telegram.org/bots/api#getting-updates)."""

    __tablename__ = "handled_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    handled_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class BotModeRow(Base):
    """One row: how the bot receives updates (news.records.UpdateMode), so a process started
    in the other mode refuses instead of undoing the webhook (or the polling) of the others."""

    __tablename__ = "bot_mode"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    mode: Mapped[str] = mapped_column(String(10))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
