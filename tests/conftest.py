from __future__ import annotations

import os
from collections.abc import AsyncIterator, Generator
from pathlib import Path

import httpx
import pytest

from news.store import Store
from tests.databases import KINDS, database_for, migrated_url
from tests.fakes.feeds import FeedServer
from tests.fakes.telegram import FakeTelegram
from tests.tiers import running
from web.fetch import make_client

# As `newsbot run` does: RetryAfter.retry_after is a timedelta (PTB 22's announced future).
os.environ.setdefault("PTB_TIMEDELTA", "1")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    """Lets the helpers that start the application or a process see the test's marks."""
    running.append(item)
    try:
        return (yield)
    finally:
        running.pop()


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    """A fake Telegram Bot API server on 127.0.0.1 that the real application talks to."""
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def feeds() -> AsyncIterator[FeedServer]:
    """A local feed HTTP server."""
    async with FeedServer() as server:
        yield server


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """The poller's own HTTP client, as the bot builds it."""
    async with make_client(user_agent="newsbot-tests/1 (+https://example.org/bot)") as http:
        yield http


@pytest.fixture(params=KINDS)
async def database_kind(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """SQLite, then PostgreSQL: a module whose tests start the application says
    `pytest.mark.usefixtures("database_kind")`, and the test and its helpers find the
    migrated database it gets with tests.databases.database_of_test()."""
    async with database_for(str(request.param), tmp_path):
        yield str(request.param)


@pytest.fixture(params=KINDS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """A migrated, empty store: SQLite always, PostgreSQL where this machine runs one."""
    async with migrated_url(request.param, tmp_path) as url:
        store = Store.connect(url)
        try:
            yield store
        finally:
            await store.close()
