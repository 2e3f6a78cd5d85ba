"""`newsbot feeds list|add|remove|check|import|export`: manage feeds from a shell.

Each action migrates the database first and reads DATABASE_URL and FEEDS_FILE (for the topics)
from the settings; none needs TELEGRAM_BOT_TOKEN. Bad input ends with one line on stderr and
exit status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.admin import feed_key
from bot.app import USER_AGENT, load_feeds_file
from bot.settings import Settings
from news.feedsfile import FeedsFileError
from news.opml import OpmlError, read_opml, write_opml
from news.preview import newest, topic_counts
from news.records import FeedConfig, FeedHealth
from news.render import when
from news.store import Store
from news.store.feeds import REMOVED_BY_ADMIN
from news.topics import Vocabulary
from web.guard import refusal_for
from web.probe import Probed, Prober, Problem, Refused, url_problem

# What Feeds.add did, as the CLI words it.
CHANGES = {"added": "added", "enabled": "turned back on", "present": "already polled"}


class Refusal(Exception):
    """Bad input: said on one line, exit status 2."""


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    feeds = commands.add_parser("feeds", help="list, add, remove, check, import or export feeds")
    actions = feeds.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="every feed with its health")
    add = actions.add_parser("add", help="fetch and parse a feed once, then poll it")
    add.add_argument("url", metavar="URL", help="the feed, or a web page that links to it")
    remove = actions.add_parser("remove", help="stop polling a feed; its articles stay")
    remove.add_argument("feed", metavar="URL|NUMBER", help="its URL or its number in `list`")
    check = actions.add_parser("check", help="fetch and parse a feed and show it; store nothing")
    check.add_argument("url", metavar="URL")
    opml_in = actions.add_parser("import", help="add every feed an OPML file lists (no fetching)")
    opml_in.add_argument("file", metavar="FILE.opml", type=Path)
    opml_out = actions.add_parser("export", help="write the polled feeds as OPML")
    opml_out.add_argument("file", metavar="FILE.opml", type=Path, nargs="?", help="default: stdout")
    for parser in (add, check, opml_in):
        parser.add_argument(
            "--topic", action="append", default=[], metavar="TOPIC", help="repeat for more"
        )


def run(settings: Settings, args: argparse.Namespace) -> int:
    try:
        vocabulary = load_feeds_file(settings).vocabulary
    except (FeedsFileError, OSError) as error:
        _say(f"cannot use the feeds file: {error}")
        return 2
    cli = FeedCli(settings, vocabulary, sys.stdout)
    try:
        asyncio.run(cli.dispatch(args))
    except Refusal as refusal:
        _say(str(refusal))
        return 2
    return 0


@dataclass(frozen=True, slots=True)
class FeedCli:
    settings: Settings
    vocabulary: Vocabulary
    out: TextIO

    async def dispatch(self, args: argparse.Namespace) -> None:
        action = args.action
        if action == "list":
            await self.list()
        elif action == "add":
            await self.add(args.url, self.topics(args.topic))
        elif action == "remove":
            await self.remove(args.feed)
        elif action == "check":
            await self.check(args.url, self.topics(args.topic))
        elif action == "import":
            await self.import_opml(args.file, self.topics(args.topic))
        elif action == "export":
            await self.export_opml(args.file)

    def topics(self, spellings: Sequence[str]) -> tuple[str, ...]:
        topics = []
        for spelling in spellings:
            topic = self.vocabulary.resolve(spelling)
            if topic is None:
                known = ", ".join(self.vocabulary.names) or "none in the feeds file"
                raise Refusal(f"unknown topic {spelling!r} (topics: {known})")
            topics.append(topic)
        return self.vocabulary.ordered(topics)

    async def list(self) -> None:
        async with self._store() as store:
            feeds = await store.feeds.health()
        if not feeds:
            self._print("No feeds yet: `newsbot run` adds the feeds file's at start, and")
            self._print("`newsbot feeds add URL` adds one now.")
        now = datetime.now(UTC)
        for feed in feeds:
            self._print(describe(feed, now))

    async def add(self, url: str, topics: tuple[str, ...]) -> None:
        probed = await self._probe(url)
        async with self._store() as store:
            feed, change = await store.feeds.add(
                probed.url, topics, probed.feed.title or None, datetime.now(UTC)
            )
        self._print(f"{CHANGES[change]}: feed #{feed.id} {feed.title or ''}".rstrip())
        self._print(f"  {feed.url}")
        if probed.found_via:
            self._print(f"  found through the feed link on {probed.found_via}")
        self._print(f"  topics: {', '.join(feed.topics) or 'none'}")

    async def remove(self, key: str) -> None:
        async with self._store() as store:
            done = await store.feeds.disable(feed_key(key), REMOVED_BY_ADMIN)
        if done is None:
            raise Refusal(f"no feed {key!r} (`newsbot feeds list` shows their numbers)")
        feed, was_enabled = done
        state = "removed" if was_enabled else f"already off ({feed.disabled_reason})"
        self._print(f"{state}: feed #{feed.id} {feed.url}; its articles stay")

    async def check(self, url: str, topics: tuple[str, ...]) -> None:
        probed = await self._probe(url)
        feed = probed.feed
        self._print(f"feed: {probed.url}")
        if probed.found_via:
            self._print(f"found through the feed link on: {probed.found_via}")
        self._print(f"title: {feed.title or '(none)'}")
        self._print(f"entries: {len(feed.entries)}")
        entry = newest(feed)
        if entry is not None:
            dated = f" ({when(entry.published)})" if entry.published else ""
            self._print(f"newest: {entry.title or '(untitled)'}{dated}")
        counts = topic_counts(feed, topics, self.vocabulary)
        total = len(feed.entries)
        shares = [f"{topic} ({count} of {total})" for topic, count in counts.items()]
        self._print(f"topics: {', '.join(shares) or 'none'}")
        if feed.warning:
            self._print(f"warning: {feed.warning}")

    async def import_opml(self, path: Path, topics: tuple[str, ...]) -> None:
        try:
            listed = read_opml(await asyncio.to_thread(_read, path), self.vocabulary)
        except OpmlError as error:
            raise Refusal(f"{path}: {error}") from error
        tally = dict.fromkeys(("added", "enabled", "present", "skipped"), 0)
        async with self._store() as store:
            for listed_feed in listed:
                tally[await self._import_one(store, listed_feed, topics)] += 1
        self._print(
            f"{path}: {tally['added']} added, {tally['enabled']} turned back on, "
            f"{tally['present']} already polled, {tally['skipped']} skipped"
        )

    async def _import_one(self, store: Store, listed: FeedConfig, topics: tuple[str, ...]) -> str:
        """Add one listed feed without fetching it (its polls will show its health)."""
        problem = await self._address_problem(listed.url)
        if problem is not None:
            self._print(f"skipped {listed.url or '(no URL)'}: {problem}")
            return "skipped"
        wanted = self.vocabulary.ordered((*listed.topics, *topics))
        now = datetime.now(UTC)
        feed, change = await store.feeds.add(listed.url, wanted, listed.title, now)
        self._print(f"{CHANGES[change]}: #{feed.id} {feed.url}")
        return change

    async def export_opml(self, path: Path | None) -> None:
        async with self._store() as store:
            feeds = [f for f in await store.feeds.health() if f.enabled]
        listed = [FeedConfig(url=f.url, topics=f.topics, title=f.title) for f in feeds]
        document = write_opml(listed, title="newsbot feeds", now=datetime.now(UTC))
        if path is None:
            self.out.flush()
            sys.stdout.buffer.write(document)
            return
        try:
            await asyncio.to_thread(path.write_bytes, document)
        except OSError as error:
            raise Refusal(f"cannot write {path}: {error.strerror or error}") from error
        self._print(f"exported {len(listed)} feeds to {path}")

    async def _probe(self, url: str) -> Probed:
        prober = Prober(USER_AGENT, self.settings.allow_private_feeds, self.settings.feed_max_bytes)
        probed = await prober.probe(url)
        if isinstance(probed, Refused):
            raise Refusal(refusal_line(probed))
        return probed

    async def _address_problem(self, url: str) -> str | None:
        problem = url_problem(url)
        if problem is None and not self.settings.allow_private_feeds:
            reason = await refusal_for(url)
            problem = f"its host is {reason}" if reason else None
        return problem

    def _store(self) -> AbstractAsyncContextManager[Store]:
        return Store.opened(self.settings.database_url)

    def _print(self, line: str) -> None:
        print(line, file=self.out)


def describe(feed: FeedHealth, now: datetime) -> str:
    """One feed as `newsbot feeds list` prints it: a head line, then indented details."""
    state = "polled" if feed.enabled else f"off ({feed.disabled_reason or 'disabled'})"
    success = when(feed.last_success_at) if feed.last_success_at else "never"
    lines = [f"#{feed.id}  {state}  {feed.title or '(no title yet)'}", f"    {feed.url}"]
    lines.append(f"    topics: {', '.join(feed.topics) or 'none'} · last success: {success}")
    if feed.last_error:
        lines.append(f"    last error: {feed.last_error} ({feed.error_count} in a row)")
    if feed.enabled:
        due = feed.next_check_at
        lines.append(f"    next check: {when(due) if due and due > now else 'due now'}")
    return "\n".join(lines)


def refusal_line(refusal: Refused) -> str:
    url, detail = refusal.url, refusal.detail
    match refusal.problem:
        case Problem.NOT_A_URL:
            return f"{url!r} is not a feed address: {detail}"
        case Problem.PRIVATE:
            return f"refusing {url}: {detail} (ALLOW_PRIVATE_FEEDS=true allows it)"
        case Problem.UNREACHABLE:
            return f"could not fetch {url}: {detail}"
        case Problem.HTTP_ERROR:
            return f"{url} answered {detail}"
        case Problem.NOT_A_FEED:
            return f"{url} is not an RSS or Atom feed ({detail}) and links to none"


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise Refusal(f"cannot read {path}: {error.strerror or error}") from error


def _say(message: str) -> None:
    print(f"newsbot: {message}", file=sys.stderr)
