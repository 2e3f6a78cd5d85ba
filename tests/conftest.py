from __future__ import annotations

import os
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.fakes.feeds import FeedServer
from tests.fakes.telegram import FakeTelegram
from web.fetch import make_client

# As `newsbot run` does: RetryAfter.retry_after is a timedelta (PTB 22's announced future).
os.environ.setdefault("PTB_TIMEDELTA", "1")


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
