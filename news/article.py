"""What a feed entry becomes: identity, topics, key points and a plain summary."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from news.identity import entry_identity, normalise_link
from news.keypoints import DEFAULT_LABELS, key_points
from news.records import Entry, NewArticle
from news.text import plain_text, shorten
from news.topics import Vocabulary

SUMMARY_LIMIT = 1000


def from_entry(
    entry: Entry,
    *,
    feed_topics: Iterable[str],
    vocabulary: Vocabulary,
    labels: Sequence[str] = DEFAULT_LABELS,
) -> NewArticle:
    """`labels`: the key-point labels to look for (news.keypoints.labels_with a feed's own)."""
    summary = shorten(plain_text(entry.summary_html or entry.content_html), SUMMARY_LIMIT)
    points = key_points(
        title=entry.title,
        content_html=entry.content_html,
        summary_html=entry.summary_html,
        labels=labels,
    )
    # A headline is what the alert leads with; an untitled entry (some blogs) borrows its text.
    title = entry.title.strip() or shorten(summary, 120) or (entry.link or "Untitled")
    return NewArticle(
        identity=entry_identity(entry),
        link=entry.link,
        title=title,
        summary=summary,
        published_at=entry.published,
        topics=vocabulary.topics_of(entry.categories, feed_topics),
        key_points=points,
        link_key=normalise_link(entry.link) if entry.link else None,
        content_hash=edit_hash(entry),
        image=entry.image,
    )


def edit_hash(entry: Entry) -> str:
    """A fingerprint of what the publisher wrote: equal hashes mean nothing to re-read.

    Taken over the raw fields, so the poller can skip key points and plain text for every entry
    it already knows unchanged (bench/poll.py: key points were a quarter of a changed feed's CPU).
    """
    text = f"{entry.title}\n{entry.summary_html}\n{entry.content_html}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def is_fresh(article: NewArticle, now: datetime, max_age: timedelta) -> bool:
    """Alert-worthy by age: undated entries count as fresh (the first poll guards old ones)."""
    return article.published_at is None or now - article.published_at <= max_age
