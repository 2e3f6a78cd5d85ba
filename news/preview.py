"""What a feed would bring if it were added: its newest entry and the topics its entries get.

Pure: shown by /addfeed and `newsbot feeds check` before (or as) anything is stored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from news.records import Entry, ParsedFeed
from news.topics import Vocabulary


def newest(feed: ParsedFeed) -> Entry | None:
    """The entry with the latest date; the first listed when no entry carries a date."""
    best = feed.entries[0] if feed.entries else None
    for entry in feed.entries:
        if entry.published is None:
            continue
        if best is None or best.published is None or entry.published > best.published:
            best = entry
    return best


def topic_counts(
    feed: ParsedFeed, feed_topics: Iterable[str], vocabulary: Vocabulary
) -> dict[str, int]:
    """How many entries each topic would be given, in the vocabulary's order."""
    given = tuple(feed_topics)
    counts: Counter[str] = Counter()
    for entry in feed.entries:
        counts.update(vocabulary.topics_of(entry.categories, given))
    return {topic: counts[topic] for topic in vocabulary.ordered(counts)}
