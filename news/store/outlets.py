"""Who publishes a feed: its outlet, the one name alerts, mutes and stories use for it."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement

from news.store.schema import FeedRow


def outlet_column() -> ColumnElement[str | None]:
    """Who publishes a feed, as far as the feeds table says: the feeds file's `outlet`, else
    its `title` (both stored as the outlet at sync), else the feed's title (its own, when the
    file gave none)."""
    return func.coalesce(FeedRow.outlet, FeedRow.title)


def outlet_name(outlet: str | None, feed_url: str) -> str:
    """What an alert names as its source, and what /mute source matches: the outlet, or the
    feed's host when it has no name at all."""
    return outlet or urlsplit(feed_url).hostname or feed_url
