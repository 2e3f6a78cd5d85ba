"""Topics: the vocabulary of canonical topics with their aliases, and what an article is about."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Canonical topic names (in the operator's order) and a lookup from every spelling."""

    names: tuple[str, ...]
    _lookup: Mapping[str, str]

    @classmethod
    def build(cls, topics: Mapping[str, Iterable[str]]) -> Vocabulary:
        lookup: dict[str, str] = {}
        for name, aliases in topics.items():
            # casefold, not lower: "ПОЛІТИКА" and "політика" must meet, as must German ß forms.
            for spelling in (name, *aliases):
                lookup.setdefault(spelling.strip().casefold(), name)
        return cls(names=tuple(topics), _lookup=lookup)

    def resolve(self, spelling: str) -> str | None:
        """The canonical topic for a name or alias, case-insensitively; None when unknown."""
        return self._lookup.get(spelling.strip().casefold())

    def closest(self, spelling: str) -> str | None:
        """The canonical topic whose name or alias looks most like a misspelt one."""
        match = difflib.get_close_matches(
            spelling.strip().casefold(), self._lookup, n=1, cutoff=0.6
        )
        return self._lookup[match[0]] if match else None

    def topics_of(self, categories: Iterable[str], feed_topics: Iterable[str]) -> frozenset[str]:
        """An article's topics: its feed's topics plus each topic one of its categories names."""
        found = {
            self._lookup[c.strip().casefold()]
            for c in categories
            if c.strip().casefold() in self._lookup
        }
        return frozenset(found | set(feed_topics))

    def ordered(self, topics: Iterable[str]) -> tuple[str, ...]:
        """Topics in the vocabulary's order, so every message lists them the same way."""
        wanted = set(topics)
        return tuple(name for name in self.names if name in wanted)


def hashtag(topic: str) -> str:
    """A Telegram hashtag for a topic name: letters, digits and underscores only."""
    return "#" + "".join(ch if ch.isalnum() else "_" for ch in topic.strip()).strip("_")
