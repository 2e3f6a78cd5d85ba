"""The operator's feeds file (TOML): topics with aliases, and the feeds to poll.

Parsing is pure (text in, values out) so that a wrong file fails at start with the line to fix.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
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
        outlet=_outlet(raw, url, lambda: _where(text, index, "outlet", source)),
        labels=_labels(raw, url, lambda: _where(text, index, "labels", source)),
        fetch_article=_flag(raw, url, lambda: _where(text, index, "fetch_article", source)),
    )


def _outlet(raw: dict[str, object], url: str, where: Callable[[], str]) -> str | None:
    """Who publishes the feed, as mutes and alerts name it: several feeds may share one."""
    value = raw.get("outlet")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise FeedsFileError(f'{where()}: outlet for {url} must be a name, like "BBC News"')
    return " ".join(value.split())


def _labels(raw: dict[str, object], url: str, where: Callable[[], str]) -> tuple[str, ...]:
    """Extra key-point labels: a list of non-empty strings, kept in order without repeats."""
    value = raw.get("labels", [])
    if not isinstance(value, list) or not all(isinstance(label, str) for label in value):
        raise FeedsFileError(
            f'{where()}: labels for {url} must be a list of strings, like ["Summary"]'
        )
    labels = tuple(dict.fromkeys(" ".join(label.split()) for label in value))
    if "" in labels:
        raise FeedsFileError(f"{where()}: an empty label for {url} would match no heading")
    return labels


def _flag(raw: dict[str, object], url: str, where: Callable[[], str]) -> bool:
    value = raw.get("fetch_article", False)
    # TOML has real booleans; "yes" or 1 is a slip that must not pass for either value.
    if not isinstance(value, bool):
        raise FeedsFileError(
            f"{where()}: fetch_article for {url} must be true or false, not {value!r}"
        )
    return value


def _where(text: str, index: int, key: str, source: str) -> str:
    """ "feeds file, line N" for `key` in the index-th [[feeds]] table; worked out only for an
    error message (tomllib keeps no positions, and a scan per feed would add up at start)."""
    start = _feed_block_line(text, index)
    return f"{source}, line {_key_line(text, key, start)}"


def _key_line(text: str, key: str, start: int) -> int:
    """The line at or after start where `key = ...` is set; start if it is not found."""
    for number, line in enumerate(text.splitlines(), start=1):
        if number >= start and "=" in line and line.split("=", 1)[0].strip() == key:
            return number
    return start


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
