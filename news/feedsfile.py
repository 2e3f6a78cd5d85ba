"""The operator's feeds file (TOML): topics with aliases, and the feeds to poll.

Parsing is pure (text in, values out) so that a wrong file fails at start with the line to fix.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

from news.records import FeedConfig
from news.topics import Vocabulary


class FeedsFileError(ValueError):
    """The feeds file cannot be used; the message names the line when it can."""


@dataclass(frozen=True, slots=True)
class FeedsFile:
    vocabulary: Vocabulary
    feeds: tuple[FeedConfig, ...]


def parse_feeds_file(text: str, *, source: str = "feeds file") -> FeedsFile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # its message already carries "(at line N, column M)"
        raise FeedsFileError(f"{source}: {exc}") from exc
    vocabulary = Vocabulary.build(_topics_table(data.get("topics", {}), source))
    raw_feeds = data.get("feeds", [])
    if not isinstance(raw_feeds, list):
        raise FeedsFileError(f"{source}: 'feeds' must be a list of [[feeds]] tables")
    feeds = tuple(
        _feed(raw, index, vocabulary, text, source) for index, raw in enumerate(raw_feeds)
    )
    urls = [feed.url for feed in feeds]
    for url in urls:
        if urls.count(url) > 1:
            raise FeedsFileError(
                f"{source}, line {_line_of(text, url)}: feed {url} is listed twice"
            )
    return FeedsFile(vocabulary=vocabulary, feeds=feeds)


def _topics_table(raw: object, source: str) -> dict[str, list[str]]:
    if not isinstance(raw, dict):
        raise FeedsFileError(f"{source}: [topics] must map each topic to a list of aliases")
    topics: dict[str, list[str]] = {}
    for name, aliases in raw.items():
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise FeedsFileError(f"{source}: topic {name!r} needs a list of alias strings")
        topics[name] = aliases
    return topics


def _feed(raw: object, index: int, vocabulary: Vocabulary, text: str, source: str) -> FeedConfig:
    if not isinstance(raw, dict) or not isinstance(raw.get("url"), str):
        line = _feed_block_line(text, index)
        raise FeedsFileError(f'{source}, line {line}: each [[feeds]] needs url = "https://..."')
    url: str = raw["url"].strip()
    if not url.startswith(("http://", "https://")):
        raise FeedsFileError(f"{source}, line {_line_of(text, url)}: {url!r} is not an http(s) URL")
    topics: list[str] = []
    for name in raw.get("topics", []):
        canonical = vocabulary.resolve(str(name))
        if canonical is None:
            line = _line_of(text, f'"{name}"', start=_feed_block_line(text, index))
            known = ", ".join(vocabulary.names) or "none defined in [topics]"
            raise FeedsFileError(
                f"{source}, line {line}: unknown topic {name!r} for {url} (known topics: {known})"
            )
        topics.append(canonical)
    title = raw.get("title")
    return FeedConfig(
        url=url,
        topics=tuple(dict.fromkeys(topics)),
        title=title if isinstance(title, str) else None,
    )


def _feed_block_line(text: str, index: int) -> int:
    """Line number of the index-th [[feeds]] header (1-based), or 1 if it cannot be found."""
    seen = -1
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().replace(" ", "") == "[[feeds]]":
            seen += 1
            if seen == index:
                return number
    return 1


def _line_of(text: str, needle: str, *, start: int = 1) -> int:
    """First line at or after start that contains needle (tomllib keeps no positions)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if number >= start and needle in line:
            return number
    return start
