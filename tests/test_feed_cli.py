"""`newsbot feeds ...` as an operator runs it: a real process, no bot token, a local feed server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from news.render import when
from tests.databases import KINDS, postgres_url
from tests.environment import NEWSBOT, environment
from tests.fakes.feeds import FeedServer, rss

pytestmark = pytest.mark.slow
PUBLISHED = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=10)
TOPICS = '[topics]\nPolitics = ["політика"]\nWorld = []\n'
NAMES = ("db", "a", "b", "other", "empty")  # the databases a test may name
_urls: dict[str, str] = {}


@pytest.fixture(autouse=True, params=KINDS)
async def databases(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[None]:
    """Empty databases by name, SQLite files or PostgreSQL databases: the command migrates."""
    async with AsyncExitStack() as stack:
        for name in NAMES:
            if request.param == "sqlite":
                _urls[name] = f"sqlite+aiosqlite:///{tmp_path / name}.sqlite3"
            else:
                _urls[name] = await stack.enter_async_context(postgres_url())
        yield
    _urls.clear()


@dataclass(frozen=True)
class Ran:
    status: int
    out: str
    err: str


async def newsbot(tmp_path: Path, *args: str, database: str = "db", private: bool = True) -> Ran:
    feeds_file = tmp_path / "feeds.toml"
    if not feeds_file.exists():
        feeds_file.write_text(TOPICS, encoding="utf-8")
    env = environment(
        DATABASE_URL=_urls[database],
        FEEDS_FILE=str(feeds_file),
        ALLOW_PRIVATE_FEEDS=str(private).lower(),
    )
    process = await asyncio.create_subprocess_exec(
        str(NEWSBOT),
        *args,
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return Ran(process.returncode, out.decode(), err.decode())


def wire() -> bytes:
    return rss(
        [
            {"title": "Ceasefire agreed", "guid": "w2", "pub_date": PUBLISHED},
            {
                "title": "Vote tomorrow",
                "guid": "w1",
                "categories": ["Політика"],
                "pub_date": PUBLISHED - timedelta(hours=1),
            },
        ],
        title="Wire",
    )


async def test_check_add_remove_and_list(feeds: FeedServer, tmp_path: Path) -> None:
    feeds.serve("/wire.xml", wire())
    url = feeds.url("/wire.xml")

    checked = await newsbot(tmp_path, "feeds", "check", url, "--topic", "world")
    assert checked.status == 0, checked.err
    assert checked.out.splitlines() == [
        f"feed: {url}",
        "title: Wire",
        "entries: 2",
        f"newest: Ceasefire agreed ({when(PUBLISHED)})",
        "topics: Politics (1 of 2), World (2 of 2)",
    ]

    added = await newsbot(tmp_path, "feeds", "add", url, "--topic", "World")
    assert added.status == 0, added.err
    # Number 1: `check` stored nothing.
    assert added.out.splitlines() == ["added: feed #1 Wire", f"  {url}", "  topics: World"]

    removed = await newsbot(tmp_path, "feeds", "remove", url)
    assert removed.out == f"removed: feed #1 {url}; its articles stay\n"

    listed = await newsbot(tmp_path, "feeds", "list")
    assert listed.out.splitlines() == [
        "#1  off (removed by an admin)  Wire",
        f"    {url}",
        "    topics: World · last success: never",
    ]

    again = await newsbot(tmp_path, "feeds", "add", url)
    assert again.out.splitlines()[0] == "turned back on: feed #1 Wire"
    assert feeds.request_count("/wire.xml") == 3  # one fetch per check or add, none to remove


async def test_opml_export_then_import_gives_the_same_feeds(tmp_path: Path) -> None:
    listing = """<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0"><head><title>My reader</title></head><body>
  <outline text="Політика">
    <outline type="rss" text="Q&amp;A Daily" xmlUrl="https://qa.example/rss" category="/World"/>
  </outline>
  <outline type="rss" text="https://bare.example/atom" xmlUrl="https://bare.example/atom"/>
  <outline type="rss" text="Gopher" xmlUrl="gopher://old.example/feed"/>
</body></opml>"""
    (tmp_path / "reader.opml").write_text(listing, encoding="utf-8")

    imported = await newsbot(tmp_path, "feeds", "import", "reader.opml", database="a")
    assert imported.status == 0, imported.err
    assert imported.out.splitlines() == [
        "added: #1 https://qa.example/rss",
        "added: #2 https://bare.example/atom",
        "skipped gopher://old.example/feed: only http:// and https:// addresses can be feeds",
        "reader.opml: 2 added, 0 turned back on, 0 already polled, 1 skipped",
    ]
    exported = await newsbot(tmp_path, "feeds", "export", "out.opml", database="a")
    assert exported.out == "exported 2 feeds to out.opml\n"

    again = await newsbot(tmp_path, "feeds", "import", "out.opml", database="b")
    assert (
        again.out.splitlines()[-1]
        == "out.opml: 2 added, 0 turned back on, 0 already polled, 0 skipped"
    )
    first, second, stdout = await asyncio.gather(
        newsbot(tmp_path, "feeds", "list", database="a"),
        newsbot(tmp_path, "feeds", "list", database="b"),
        newsbot(tmp_path, "feeds", "export", database="b"),
    )
    assert first.out == second.out
    assert first.out.splitlines()[:3] == [
        "#1  polled  Q&A Daily",
        "    https://qa.example/rss",
        "    topics: Politics, World · last success: never",
    ]
    assert "#2  polled  (no title yet)" in first.out
    written = (tmp_path / "out.opml").read_text(encoding="utf-8")
    assert _without_date(stdout.out) == _without_date(written)
    assert 'xmlUrl="https://qa.example/rss" category="/Politics,/World"' in written


def _without_date(document: str) -> str:
    return "\n".join(line for line in document.splitlines() if "<dateCreated>" not in line)


async def test_bad_input_ends_with_one_line_and_status_2(feeds: FeedServer, tmp_path: Path) -> None:
    feeds.serve("/wire.xml", wire())
    feeds.serve("/page.html", b"<html><body>No feed here</body></html>", content_type="text/html")
    (tmp_path / "feed.opml").write_bytes(wire())
    wire_url, page = feeds.url("/wire.xml"), feeds.url("/page.html")
    cases = {
        ("add", "not-a-url"): "'not-a-url' is not a feed address: it is not a web address",
        ("add", wire_url, "--topic", "Sport"): "unknown topic 'Sport' (topics: Politics, World)",
        (
            "check",
            "http://127.0.0.1:1/x",
        ): "could not fetch http://127.0.0.1:1/x: connection refused",
        ("check", feeds.url("/gone.xml")): f"{feeds.url('/gone.xml')} answered HTTP 404",
        ("check", page): f"{page} is not an RSS or Atom feed (not a feed: HTML page) and links to",
        ("remove", "42"): "no feed '42' (`newsbot feeds list` shows their numbers)",
        ("import", "missing.opml"): "cannot read missing.opml: No such file or directory",
        ("import", "feed.opml"): "feed.opml: not an OPML document (no <opml> root element)",
    }
    ran = await asyncio.gather(*(newsbot(tmp_path, "feeds", *args) for args in cases))
    for (args, said), result in zip(cases.items(), ran, strict=True):
        assert result.status == 2, (args, result)
        assert result.err.startswith(f"newsbot: {said}"), (args, result.err)
        assert len(result.err.splitlines()) == 1 and result.out == ""
    assert feeds.request_count("/wire.xml") == 0  # the topic is refused before any fetch


async def test_private_addresses_need_the_setting(feeds: FeedServer, tmp_path: Path) -> None:
    feeds.serve("/wire.xml", wire())
    url = feeds.url("/wire.xml")
    listing = (
        '<opml version="2.0"><body>'
        f'<outline type="rss" text="LAN" xmlUrl="{url}"/>'
        '<outline type="rss" text="Office" xmlUrl="http://10.1.2.3/rss"/>'
        '<outline type="rss" text="Metadata" xmlUrl="http://169.254.169.254/latest/"/>'
        '<outline type="rss" text="Public" xmlUrl="http://8.8.8.8/rss"/>'
        "</body></opml>"
    )
    (tmp_path / "mixed.opml").write_text(listing, encoding="utf-8")
    added, imported, empty = await asyncio.gather(
        newsbot(tmp_path, "feeds", "add", url, private=False),
        newsbot(tmp_path, "feeds", "import", "mixed.opml", private=False, database="other"),
        newsbot(tmp_path, "feeds", "list", private=False, database="empty"),
    )
    assert added.status == 2
    assert added.err == (
        f"newsbot: refusing {url}: its host is a loopback address (ALLOW_PRIVATE_FEEDS=true "
        "allows it)\n"
    )
    assert feeds.request_count("/wire.xml") == 0
    assert imported.out.splitlines() == [
        f"skipped {url}: its host is a loopback address",
        "skipped http://10.1.2.3/rss: its host is a private address",
        "skipped http://169.254.169.254/latest/: its host is a cloud metadata address",
        "added: #1 http://8.8.8.8/rss",
        "mixed.opml: 1 added, 0 turned back on, 0 already polled, 3 skipped",
    ]
    assert empty.status == 0 and empty.out.startswith("No feeds yet")
